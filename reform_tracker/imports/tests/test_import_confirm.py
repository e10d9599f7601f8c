"""The confirm button sits in one place, above the preview and sticky, on the
inline preview of a small file and on a background job's page alike (the
browser check that it stays in view is in test_import_browser.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.models import ReformArea
from agencies.tests.factories import AgencyFactory
from reform_tracker import celery_app
from reform_tracker.imports.models import ImportJob, JobStatus
from reform_tracker.imports.tests.workbooks import finding_row, findings_book

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = 60


@pytest.fixture(autouse=True)
def world():
    office = AgencyFactory(code="VPUBND", name="Văn phòng UBND tỉnh")
    ReformArea.objects.filter(code="LV3").update(monitoring_agency=office)
    AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")


def upload(client):
    data = findings_book(*(finding_row(n) for n in range(1, ROWS + 1)))
    file = SimpleUploadedFile("tontai.xlsx", data, content_type=XLSX_TYPE)
    return client.post(
        reverse("admin:remediation_finding_import"),
        {"import_file": file, "format": "0", "resource": "0"},
    )


def assert_confirm_above_the_preview(html):
    confirm = html.index('<form class="import-confirm"')
    assert html.count('class="import-confirm"') == 1
    assert html.index('value="Xác nhận nhập"', confirm) < html.index('class="import-counts"')
    assert html.index('class="import-counts"') < html.index('<table class="import-preview"')


def test_it_puts_the_confirm_button_above_an_inline_preview(admin_client):
    response = upload(admin_client)

    assert response.status_code == 200
    assert_confirm_above_the_preview(response.text)


def test_it_puts_the_confirm_button_above_a_jobs_preview(
    admin_client, django_capture_on_commit_callbacks, monkeypatch, settings
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.IMPORT_ASYNC_ROW_THRESHOLD = 3
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PREVIEWED

    response = admin_client.get(reverse("admin:remediation_finding_import_job", args=[job.pk]))

    assert_confirm_above_the_preview(response.text)
    assert reverse("admin:remediation_finding_import_job_confirm", args=[job.pk]) in response.text
