"""Every import leaves an ImportJob, and the admin's confirm step imports
only the uploader's own previewed file, once."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from agencies.tests.factories import AgencyFactory, UserFactory
from reform_tracker import celery_app
from reform_tracker.imports.models import ImportJob, JobStatus
from reform_tracker.imports.tests.hostile import far_value
from reform_tracker.imports.tests.workbooks import finding_row, findings_book, row_counts
from remediation.models import Finding

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = "admin:remediation_finding_import"
PROCESS = "admin:remediation_finding_process_import"


@pytest.fixture
def world():
    return AgencyFactory(code="STNMT")


def importer(client):
    user = UserFactory(is_staff=True)
    codenames = ["add_finding", "change_finding", "view_finding"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def upload(client, data, name="tontai.xlsx"):
    file = SimpleUploadedFile(name, data, content_type=XLSX_TYPE)
    return client.post(reverse(IMPORT), {"import_file": file, "format": "0", "resource": "0"})


def last_message(response):
    return list(get_messages(response.wsgi_request))[-1]


def test_it_records_a_small_admin_import(admin_client, admin_user, world):
    data = findings_book(finding_row(1), finding_row(2))
    preview = upload(admin_client, data)
    job = ImportJob.objects.get()
    assert (job.status, job.created_by, job.file_name) == (
        JobStatus.PREVIEWED,
        admin_user,
        "tontai.xlsx",
    )
    assert job.preview["created"] == 2

    admin_client.post(reverse(PROCESS), preview.context["confirm_form"].initial)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.result["total_rows"], job.result["created"]) == (2, 2)
    assert job.finished_at is not None
    with job.file.open("rb") as stored:
        assert stored.read() == data


def test_it_records_a_refused_upload(admin_client, world, monkeypatch):
    from reform_tracker.imports import workbook

    def refuse(*args, **kwargs):  # would abort the whole test run
        raise AssertionError("calamine opened a file the pre-check should refuse")

    monkeypatch.setattr(workbook.CalamineWorkbook, "from_filelike", refuse)

    response = upload(admin_client, far_value(findings_book(finding_row(1))))

    [error] = response.context["form"].errors["import_file"]
    assert "XFD1048576" in error
    job = ImportJob.objects.get()
    assert job.status == JobStatus.REJECTED
    assert job.preview["errors"][0]["message"] == error


def test_it_records_a_command_import(tmp_path, world):
    path = tmp_path / "tontai.xlsx"
    path.write_bytes(findings_book(finding_row(1)))

    call_command("import_findings", str(path), stdout=None)

    job = ImportJob.objects.get()
    assert (job.status, job.created_by, job.file_name) == (JobStatus.DONE, None, "tontai.xlsx")
    assert job.result["created"] == 1
    assert Finding.objects.count() == 1


def test_it_refuses_to_import_another_users_file(client, world):
    # Today's attack: the confirm form names a file, and any name is taken.
    other = importer(client)
    upload(client, findings_book(finding_row(1)))
    theirs = ImportJob.objects.get(created_by=other)
    client.logout()
    importer(client)
    before = row_counts()

    response = client.post(
        reverse(PROCESS),
        {"import_file_name": str(theirs.pk), "original_file_name": "x.xlsx", "format": "0"},
    )

    assert response.status_code == 302
    assert last_message(response).message == (
        "Không tìm thấy tệp bạn đã tải lên để nhập; hãy tải tệp lên lại."
    )
    assert row_counts() == before
    theirs.refresh_from_db()
    assert theirs.status == JobStatus.PREVIEWED
    assert theirs.file.storage.exists(theirs.file.name)


@pytest.mark.parametrize("name", ["../../etc/passwd", "tmpabc123", ""])
def test_it_refuses_a_forged_file_name(admin_client, world, name):
    response = admin_client.post(
        reverse(PROCESS), {"import_file_name": name, "original_file_name": "x", "format": "0"}
    )

    assert response.status_code == 302
    assert response.url == reverse(IMPORT)
    assert "hãy tải tệp lên lại" in last_message(response).message


def test_it_answers_a_replayed_confirm_with_a_message(admin_client, world):
    preview = upload(admin_client, findings_book(finding_row(1)))
    form = preview.context["confirm_form"].initial
    admin_client.post(reverse(PROCESS), form)

    replay = admin_client.post(reverse(PROCESS), form)

    assert replay.status_code == 302
    assert last_message(replay).message == "Lượt nhập này không còn chờ xác nhận."
    assert Finding.objects.count() == 1


def test_it_never_opens_a_large_workbook_in_the_web_request(
    admin_client, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from reform_tracker.imports import workbook

    settings.IMPORT_ASYNC_ROW_THRESHOLD = 3
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    opened = []
    real = workbook.CalamineWorkbook.from_filelike
    monkeypatch.setattr(
        workbook.CalamineWorkbook,
        "from_filelike",
        lambda *args, **kwargs: opened.append(1) or real(*args, **kwargs),
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(admin_client, findings_book(*(finding_row(n) for n in range(1, 11))))

    assert response.status_code == 302
    assert opened == []  # the row count came from the bounded pre-check
    assert ImportJob.objects.get().status == JobStatus.PREVIEW_QUEUED
    for callback in callbacks:
        callback()
    assert ImportJob.objects.get().status == JobStatus.PREVIEWED
    assert opened
