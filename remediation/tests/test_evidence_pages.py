"""Evidence through the pages: refused by content, size-limited, nothing
left behind on refusal, and downloaded only within the user's scope."""

from __future__ import annotations

import datetime
import importlib
import io
import os
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from remediation.models import Evidence, RemediationReport, ReportState, TaskEvent, TaskStatus

from .factories import PDF_BYTES, EvidenceFactory, RemediationReportFactory
from .pages import make_cast, pdf

pytestmark = pytest.mark.django_db

# A Windows executable's first bytes: "MZ", then the DOS stub.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def cast():
    return make_cast(due_date=datetime.date(2019, 11, 30))


def stored_files() -> set[str]:
    root = Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])
    if not root.exists():
        return set()
    return {str(path) for path in root.rglob("*") if path.is_file()}


def post_report(client, cast, *files):
    client.force_login(cast.officer)
    return client.post(
        reverse("task_report", args=[cast.task.pk]),
        {"content": "Đã khắc phục.", "progress": "100", "evidence": list(files)},
    )


def assert_nothing_saved(cast, before):
    assert not RemediationReport.objects.exists()
    assert not Evidence.objects.exists()
    assert not TaskEvent.objects.exists()
    cast.task.refresh_from_db()
    assert cast.task.status == TaskStatus.OPEN
    assert stored_files() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [("ket-qua.pdf", EXE_BYTES), ("ket-qua.pdf", HTML_BYTES), ("anh.png", HTML_BYTES)],
    ids=["exe-as-pdf", "html-as-pdf", "html-as-png"],
)
def test_it_refuses_a_file_that_is_not_what_its_name_says(client, cast, name, data):
    before = stored_files()
    response = post_report(client, cast, pdf(name, data))
    assert response.status_code == 200
    assert f"Tệp “{name}” không phải PDF, Word, Excel, JPEG hay PNG" in response.text
    assert "Đã khắc phục." in response.text  # the text stays in the form
    assert_nothing_saved(cast, before)


def test_it_refuses_a_real_pdf_named_as_a_word_file(client, cast):
    before = stored_files()
    response = post_report(client, cast, pdf("bao-cao.docx", PDF_BYTES))
    assert response.status_code == 200
    assert "có nội dung PDF nhưng phần mở rộng là “.docx”" in response.text
    assert_nothing_saved(cast, before)


def test_it_refuses_a_macro_workbook_renamed_xlsx(client, cast):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 16)
    before = stored_files()
    response = post_report(client, cast, pdf("so-lieu.xlsx", buffer.getvalue()))
    assert response.status_code == 200
    assert "Tệp “so-lieu.xlsx” không phải PDF" in response.text
    assert_nothing_saved(cast, before)


def test_it_refuses_a_file_over_the_size_limit(client, cast, settings):
    settings.EVIDENCE_MAX_FILE_SIZE = 100
    before = stored_files()
    response = post_report(client, cast, pdf("lon.pdf", PDF_BYTES + b"\n" * 200))
    assert response.status_code == 200
    assert "Tệp “lon.pdf” dung lượng" in response.text
    assert "vượt giới hạn 100" in response.text
    assert_nothing_saved(cast, before)


def test_it_saves_nothing_when_one_file_of_several_is_bad(client, cast):
    before = stored_files()
    response = post_report(client, cast, pdf("tot.pdf"), pdf("xau.pdf", EXE_BYTES))
    assert response.status_code == 200
    assert "Tệp “xau.pdf”" in response.text
    assert "tot.pdf" not in response.text.replace("Tệp “xau.pdf”", "")
    assert_nothing_saved(cast, before)


def test_it_refuses_more_files_than_allowed(client, cast, settings):
    settings.EVIDENCE_MAX_FILES = 2
    before = stored_files()
    response = post_report(client, cast, pdf("1.pdf"), pdf("2.pdf"), pdf("3.pdf"))
    assert response.status_code == 200
    assert "Chỉ được gửi tối đa 2 tệp" in response.text
    assert_nothing_saved(cast, before)


def test_it_stores_several_files_under_their_original_names(client, cast):
    response = post_report(client, cast, pdf("Quyết định 12.pdf"), pdf("Kế hoạch.pdf"))
    assert response.status_code == 302
    names = sorted(Evidence.objects.values_list("original_name", flat=True))
    assert names == ["Kế hoạch.pdf", "Quyết định 12.pdf"]
    for evidence in Evidence.objects.all():
        assert not evidence.file.path.startswith(str(settings.MEDIA_ROOT) + "/media")
        assert evidence.file.read() == PDF_BYTES


# Downloads ---------------------------------------------------------------------


@pytest.fixture
def evidence(cast):
    report = RemediationReportFactory(task=cast.task, state=ReportState.SUBMITTED)
    cast.task.status = TaskStatus.SUBMITTED
    cast.task.save(update_fields=["status"])
    return EvidenceFactory(report=report, original_name="Quyết định số 12.pdf")


def test_it_serves_evidence_to_the_owner_as_an_attachment(client, cast, evidence):
    client.force_login(cast.officer)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('Quyết định số 12.pdf')}" in disposition
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_it_serves_evidence_to_home_affairs_and_the_monitor(client, cast, evidence):
    for user in (cast.coordinator, cast.monitor, cast.supporter, cast.leader):
        client.force_login(user)
        assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 200


def test_it_hides_evidence_from_another_agency(client, cast, evidence):
    client.force_login(cast.stranger)
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 404
    assert client.post(reverse("evidence_download", args=[evidence.pk])).status_code == 404


def test_it_sends_anonymous_users_to_log_in(client, evidence):
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_a_draft_s_evidence_only_to_its_agency(client, cast):
    draft = RemediationReportFactory(task=cast.task, state=ReportState.DRAFT, submitted_at=None)
    evidence = EvidenceFactory(report=draft)
    path = reverse("evidence_download", args=[evidence.pk])
    client.force_login(cast.leader)
    assert client.get(path).status_code == 200
    client.force_login(cast.coordinator)
    assert client.get(path).status_code == 404


def test_it_answers_404_when_the_file_is_gone(client, cast, evidence):
    os.remove(evidence.file.path)
    client.force_login(cast.officer)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_it_serves_nothing_under_media_url_even_in_debug(settings):
    from reform_tracker import urls

    settings.DEBUG = True
    try:
        importlib.reload(urls)  # the URLconf as a development server builds it
        prefix = str(settings.MEDIA_URL).lstrip("/")
        served = [p for p in urls.urlpatterns if str(p.pattern).lstrip("^/").startswith(prefix)]
    finally:
        settings.DEBUG = False
        importlib.reload(urls)
    assert served == []
    with pytest.raises(Resolver404):
        resolve(f"/{prefix}evidence/2019/11/pdf.pdf")
