"""Large workbooks: a background job previews, waits for confirmation, imports.

Celery runs eagerly here, even in CI's Redis pass; the real worker is in
test_import_jobs_worker.py.
"""

import datetime
import time
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import ReformArea
from agencies.tests.factories import AgencyFactory, UserFactory
from reform_tracker import celery_app
from reform_tracker.imports import services
from reform_tracker.imports.engine import Importer
from reform_tracker.imports.models import ImportJob, JobStatus
from reform_tracker.imports.progress import percent, progress_get
from reform_tracker.imports.tests.workbooks import xlsx
from remediation.importers import FindingImporter
from remediation.models import Finding, RemediationTask

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DUE = datetime.date(2019, 11, 30)


@pytest.fixture(autouse=True)
def eager(monkeypatch, settings):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.IMPORT_ASYNC_ROW_THRESHOLD = 3


@pytest.fixture
def world():
    office = AgencyFactory(code="VPUBND", name="Văn phòng UBND tỉnh")
    ReformArea.objects.filter(code="LV3").update(monitoring_agency=office)
    return AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")


@pytest.fixture
def recorded(monkeypatch):
    """Every progress_set call of import_run, as (phase, done, total)."""
    calls = []

    def record(job_id, *, phase, done, total):
        calls.append((phase, done, total))

    monkeypatch.setattr(services, "progress_set", record)
    monkeypatch.setattr(Importer, "chunk_rows", 2)  # progress is reported per chunk
    return calls


def findings_book(count=10, *, bad_row=None, extra_sheets=None):
    rows = [
        [
            f"KT-{n:03d}",
            "Kiểm tra công tác CCHC năm 2019",
            "SKHONGCO" if n == bad_row else "STNMT",
            "Cải cách thủ tục hành chính",
            f"Tồn tại số {n}",
            f"Khắc phục tồn tại số {n}",
            DUE,
            "",
            "",
        ]
        for n in range(1, count + 1)
    ]
    return xlsx([list(FindingImporter.headers()), *rows], extra_sheets=extra_sheets)


def job_url(page, job):
    return reverse(f"admin:remediation_finding_{page}", args=[job.pk])


def upload(client, capture, data, *, execute=True):
    file = SimpleUploadedFile("tontai.xlsx", data, content_type=XLSX_TYPE)
    with capture(execute=execute):
        return client.post(
            reverse("admin:remediation_finding_import"),
            {"import_file": file, "format": "0", "resource": "0"},
        )


def confirm(client, capture, job):
    with capture(execute=True):
        return client.post(job_url("import_job_confirm", job))


@pytest.fixture
def previewed(admin_client, django_capture_on_commit_callbacks, world):
    upload(admin_client, django_capture_on_commit_callbacks, findings_book())
    return ImportJob.objects.get()


# Upload and preview -----------------------------------------------------------


def test_it_sends_a_large_file_to_a_job(
    admin_client, admin_user, django_capture_on_commit_callbacks, world
):
    response = upload(admin_client, django_capture_on_commit_callbacks, findings_book())

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == job_url("import_job", job)
    assert (job.kind, job.file_name, job.created_by) == ("findings", "tontai.xlsx", admin_user)


def test_it_counts_the_rows_of_the_data_sheet_not_the_first(
    admin_client, django_capture_on_commit_callbacks, world
):
    book = findings_book(extra_sheets={"Hướng dẫn": [["Điền dữ liệu ở trang sau."]]})
    response = upload(admin_client, django_capture_on_commit_callbacks, book)
    assert response.status_code == 302
    assert ImportJob.objects.get().preview["total_rows"] == 10


def test_it_previews_the_job_without_writing(previewed):
    assert previewed.status == JobStatus.PREVIEWED
    assert previewed.preview["total_rows"] == 10
    assert previewed.preview["created"] == 10
    assert previewed.preview["errors"] == []
    assert previewed.result is None
    assert Finding.objects.count() == 0


def test_it_shows_the_preview_and_the_confirm_button(admin_client, previewed):
    response = admin_client.get(job_url("import_job", previewed))

    assert response.status_code == 200
    assert "Đã kiểm tra, chờ xác nhận" in response.text
    assert "Thêm mới: <strong>10</strong>" in response.text
    assert f'action="{job_url("import_job_confirm", previewed)}"' in response.text
    assert "<progress" not in response.text


def test_it_reports_a_finished_step_as_100_percent(admin_client, previewed):
    response = admin_client.get(job_url("import_job_status", previewed))

    assert response.json() == {
        "status": "previewed",
        "status_label": "Đã kiểm tra, chờ xác nhận",
        "running": False,
        "percent": 100,
        "phase": "done",
        "done": 10,
        "total": 10,
    }


def test_it_shows_a_progress_bar_while_the_job_waits(
    admin_client, django_capture_on_commit_callbacks, world
):
    upload(admin_client, django_capture_on_commit_callbacks, findings_book(), execute=False)
    job = ImportJob.objects.get()

    page = admin_client.get(job_url("import_job", job))
    status = admin_client.get(job_url("import_job_status", job)).json()

    assert job.status == JobStatus.PREVIEW_QUEUED
    assert (status["running"], status["phase"]) == (True, "queued")
    assert status["percent"] < 100
    bar = f'<progress id="import-job-progress" max="100" value="{status["percent"]}"'
    assert bar in page.text
    assert f'data-status-url="{job_url("import_job_status", job)}"' in page.text


# Confirm --------------------------------------------------------------------------


def test_it_imports_the_rows_on_confirm(
    admin_client, django_capture_on_commit_callbacks, previewed
):
    response = confirm(admin_client, django_capture_on_commit_callbacks, previewed)

    previewed.refresh_from_db()
    assert response.status_code == 302
    assert response.url == job_url("import_job", previewed)
    assert previewed.status == JobStatus.DONE
    assert previewed.result["created"] == 10
    assert Finding.objects.count() == 10
    assert RemediationTask.objects.count() == 10
    page = admin_client.get(job_url("import_job", previewed))
    assert "Kết quả nhập" in page.text
    assert 'value="Xác nhận nhập"' not in page.text


def test_it_imports_only_once_when_confirmed_twice(
    admin_client, django_capture_on_commit_callbacks, previewed
):
    confirm(admin_client, django_capture_on_commit_callbacks, previewed)
    previewed.refresh_from_db()
    first_result = previewed.result

    response = confirm(admin_client, django_capture_on_commit_callbacks, previewed)

    previewed.refresh_from_db()
    [message] = get_messages(response.wsgi_request)
    assert message.message == "Lượt nhập này không còn chờ xác nhận."
    assert previewed.status == JobStatus.DONE
    assert previewed.result == first_result
    assert Finding.objects.count() == 10


def test_it_accepts_only_post_on_confirm(admin_client, previewed):
    assert admin_client.get(job_url("import_job_confirm", previewed)).status_code == 405


# Errors -----------------------------------------------------------------------------


def test_it_rejects_a_job_with_errors(admin_client, django_capture_on_commit_callbacks, world):
    upload(admin_client, django_capture_on_commit_callbacks, findings_book(bad_row=4))
    job = ImportJob.objects.get()

    page = admin_client.get(job_url("import_job", job))

    assert job.status == JobStatus.REJECTED
    assert "Có lỗi, không nhập" in page.text
    assert (
        "<tr><td>5</td><td>Cơ quan được kiểm tra</td>"
        "<td>không có cơ quan nào có mã hoặc tên “SKHONGCO”.</td></tr>"
    ) in page.text
    assert 'value="Xác nhận nhập"' not in page.text
    confirm(admin_client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.status == JobStatus.REJECTED
    assert Finding.objects.count() == 0


# Access -----------------------------------------------------------------------------


@pytest.fixture
def importer_client(client):
    """A staff user who may import findings but is no superuser."""
    user = UserFactory(is_staff=True)
    codenames = ["add_finding", "change_finding", "view_finding"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["import_job", "import_job_status"])
def test_it_hides_another_users_job(importer_client, previewed, page):
    assert importer_client.get(job_url(page, previewed)).status_code == 404


def test_it_refuses_to_confirm_another_users_job(
    importer_client, django_capture_on_commit_callbacks, previewed
):
    response = confirm(importer_client, django_capture_on_commit_callbacks, previewed)

    previewed.refresh_from_db()
    assert response.status_code == 404
    assert previewed.status == JobStatus.PREVIEWED
    assert Finding.objects.count() == 0


def test_it_shows_a_user_their_own_job(importer_client, django_capture_on_commit_callbacks, world):
    upload(importer_client, django_capture_on_commit_callbacks, findings_book())
    job = ImportJob.objects.get()

    assert importer_client.get(job_url("import_job", job)).status_code == 200


# Progress ---------------------------------------------------------------------------


def test_it_reports_progress_while_the_rows_are_handled(recorded, world):
    services.import_run(kind="findings", data=findings_book(), dry_run=True, job_id=uuid.uuid4())

    *running, last = recorded
    done = [d for _phase, d, _total in running]
    assert done == sorted(done)
    assert done[0] == 0 and done[-1] == 10
    assert any(0 < d < 10 for d in done)
    assert {total for _phase, _d, total in running} == {10}
    assert last == ("done", 10, 10)


def test_it_reports_rows_handled_not_rows_read(recorded, world, monkeypatch):
    # A slow writer lets the reader thread run chunks ahead of it.
    plan = FindingImporter.plan

    def slow_plan(self, records, errors):
        time.sleep(0.05)
        return plan(self, records, errors)

    monkeypatch.setattr(FindingImporter, "plan", slow_plan)
    services.import_run(kind="findings", data=findings_book(), dry_run=True, job_id=uuid.uuid4())

    assert [d for phase, d, _total in recorded if phase == "import"] == [0, 2, 4, 6, 8, 10]


def test_it_never_moves_the_bar_back(recorded, world):
    services.import_run(kind="findings", data=findings_book(), dry_run=False, job_id=uuid.uuid4())

    bar = [percent({"phase": p, "done": d, "total": t}) for p, d, t in recorded]
    assert bar == sorted(bar)
    assert bar[0] < 50 < bar[-1] == 100
    assert Finding.objects.count() == 10


def test_it_keeps_the_progress_where_web_and_worker_share_it(previewed):
    assert progress_get(previewed.pk) == {"phase": "done", "done": 10, "total": 10}
