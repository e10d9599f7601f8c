"""The findings import in a real browser (Debian's Chromium through Playwright):
log in, upload, preview, confirm; and, on CI's Redis + PostgreSQL pass, a large
workbook whose progress bar moves while a real Celery worker handles it."""

import contextlib
import re
import time
import uuid
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from agencies.tests.factories import AgencyFactory, ReformAreaFactory
from reform_tracker import celery_app
from reform_tracker.imports import services
from reform_tracker.imports.models import ImportJob, JobStatus
from reform_tracker.imports.tests.test_import_jobs_worker import database_url
from reform_tracker.imports.tests.workbooks import (
    DUE,
    SHEET_XML,
    finding_row,
    findings_book,
    rewrite,
    row_counts,
)
from reform_tracker.tests.test_celery_roundtrip import process_env, running_worker, worker_log
from remediation.models import Finding, RemediationTask

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialized_rollback: the
    # flush after the test would drop migrated rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

IMPORT_PATH = "/admin/remediation/finding/import/"
JOB_PATH = "**/admin/remediation/finding/import/jobs/*/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The page asks for the progress every 0.5 s and a worker previews some
# 70,000 rows a second: 40,000 rows would be previewed between two questions.
LARGE_ROWS = 200_000  # 6.3 MB, under the 10 MB limit
TIMEOUT = 120  # seconds for a background step (a loaded 2-core machine needs them)
BAR_VALUE = "() => document.getElementById('import-job-progress')?.value ?? null"


@pytest.fixture
def area():
    AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")
    return ReformAreaFactory(name="Cải cách thủ tục hành chính thử nghiệm")


def large_findings_book(rows, area):
    """A workbook of ``rows`` findings in a fraction of a second: openpyxl
    writes the header, the rows go straight into the sheet's XML as inline
    strings (openpyxl itself needs some 10 s for 100,000 rows)."""

    def row_xml(n):
        values = [*finding_row(n, area=area.name)[:6], DUE.strftime("%d/%m/%Y")]
        cells = "".join(
            f'<c r="{column}{n + 1}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for column, value in zip("ABCDEFG", values, strict=True)
        )
        return f'<row r="{n + 1}">{cells}</row>'

    def change(text):
        body = "".join(row_xml(n) for n in range(1, rows + 1))
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:I{rows + 1}"/>', text)
        return text.replace("</sheetData>", body + "</sheetData>")

    return rewrite(findings_book(), SHEET_XML, change)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next={IMPORT_PATH}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("#login-form input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{IMPORT_PATH}")


def upload(page, data, name="tontai.xlsx"):
    page.set_input_files(
        "#id_import_file", files=[{"name": name, "mimeType": XLSX_TYPE, "buffer": data}]
    )
    page.get_by_role("button", name="Gửi").click()


def error_rows(page):
    rows = page.locator("table.import-errors tbody tr")
    return [row.locator("td").all_inner_texts() for row in rows.all()]


# Both passes: the file is small, the import runs in the request --------------


def test_it_imports_a_small_file_through_the_admin_pages(
    chromium_page, live_server, admin_user, area
):
    page = chromium_page
    log_in(page, live_server, admin_user)
    expect(page.get_by_role("link", name="Tải tệp mẫu (.xlsx)")).to_be_visible()

    upload(page, findings_book(finding_row(1, area=area.name), finding_row(2, area=area.name)))

    counts = page.locator("ul.import-counts")
    expect(counts).to_contain_text("Tổng số dòng dữ liệu: 2")
    expect(counts).to_contain_text("Thêm mới: 2")
    expect(counts).to_contain_text("Cập nhật: 0")
    expect(page.locator("table.import-preview tbody tr")).to_have_count(2)
    assert Finding.objects.count() == 0

    page.get_by_role("button", name="Xác nhận nhập").click()

    expect(page.locator("ul.messagelist li.success")).to_have_text(
        "Đã nhập xong. 2 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi."
    )
    assert sorted(Finding.objects.values_list("code", flat=True)) == ["KT-001", "KT-002"]
    assert RemediationTask.objects.count() == 2


def test_it_shows_the_errors_of_a_file_and_writes_nothing(
    chromium_page, live_server, admin_user, area
):
    page = chromium_page
    log_in(page, live_server, admin_user)
    before = row_counts()

    upload(
        page,
        findings_book(
            finding_row(1, area=area.name),
            finding_row(2, area=area.name),
            finding_row(3, area=area.name, agency="SKHONGCO"),
        ),
    )

    expect(page.get_by_role("heading", name="Lỗi: không có dữ liệu nào được ghi")).to_be_visible()
    assert error_rows(page) == [
        ["4", "Cơ quan được kiểm tra", "không có cơ quan nào có mã hoặc tên “SKHONGCO”."]
    ]
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    assert row_counts() == before


def long_preview(area):
    return findings_book(*(finding_row(n, area=area.name) for n in range(1, 61)))


def assert_confirm_stays_in_view(page):
    """In view as the page opens, and still once scrolled to the end."""
    button = page.get_by_role("button", name="Xác nhận nhập")
    expect(page.locator("table.import-preview tbody tr")).to_have_count(50)
    assert page.evaluate("document.body.scrollHeight") > 2 * page.viewport_size["height"]
    expect(button).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > page.viewport_size["height"]
    expect(button).to_be_in_viewport()


def test_it_keeps_the_confirm_button_in_view_below_a_long_preview(
    chromium_page, live_server, admin_user, area
):
    page = chromium_page
    log_in(page, live_server, admin_user)

    upload(page, long_preview(area))

    assert_confirm_stays_in_view(page)


def test_it_keeps_a_jobs_confirm_button_in_view_below_a_long_preview(
    chromium_page, live_server, admin_user, area
):
    page = chromium_page
    log_in(page, live_server, admin_user)
    data = long_preview(area)
    job = services.import_job_create(
        kind="findings", upload=SimpleUploadedFile("tontai.xlsx", data), user=admin_user
    )
    summary = services.import_run(kind="findings", data=data, dry_run=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.PREVIEWED, preview=summary.to_dict()
    )

    page.goto(f"{live_server.url}/admin/remediation/finding/import/jobs/{job.pk}/")

    assert_confirm_stays_in_view(page)


# Redis + PostgreSQL pass: a real worker and the progress bar -----------------------


def watch_progress(page, log_path):
    """The job page's bar, read every 100 ms until the page reloads without it
    (the step is over); the values in the order seen."""
    seen, deadline = [], time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with contextlib.suppress(PlaywrightError):  # raised while the page reloads
            value = page.evaluate(BAR_VALUE)
            if value is None:
                return seen
            seen.append(value)
        page.wait_for_timeout(100)
    pytest.fail(
        f"the job page still shows its bar after {TIMEOUT} s: {seen[-5:]}\n{worker_log(log_path)}"
    )


def assert_the_bar_advanced(seen):
    between = sorted({value for value in seen if 0 < value < 100})
    assert len(between) >= 2, seen
    assert seen == sorted(seen), seen


@pytest.mark.redis
@pytest.mark.postgres
def test_it_moves_the_bar_while_a_worker_previews_and_imports(
    chromium_page, live_server, admin_user, area, monkeypatch, settings, tmp_path
):
    page = chromium_page
    queue = f"test-imports-{uuid.uuid4().hex}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    settings.IMPORT_ASYNC_ROW_THRESHOLD = 100  # live_server runs in this process
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = process_env(
        tmp_path, DATABASE_URL=database_url(), MEDIA_ROOT=settings.MEDIA_ROOT, DB_CONN_MAX_AGE="0"
    )
    log_path = tmp_path / "worker.log"
    book = large_findings_book(LARGE_ROWS, area)
    log_in(page, live_server, admin_user)

    upload(page, book)

    # No worker yet: the job waits in its queue, and the page shows it queued.
    page.wait_for_url(JOB_PATH)
    expect(page.locator("#import-job-status")).to_have_text("Đang chờ kiểm tra")
    expect(page.locator("#import-job-progress")).to_have_js_property("value", 0)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PREVIEW_QUEUED
    with running_worker(env, queue, log_path):
        previewing = watch_progress(page, log_path)
        expect(page.locator("#import-job-status")).to_have_text("Đã kiểm tra, chờ xác nhận")
        expect(page.locator("ul.import-counts")).to_contain_text(f"Thêm mới: {LARGE_ROWS}")
        assert Finding.objects.count() == 0

        page.get_by_role("button", name="Xác nhận nhập").click()
        expect(page.locator("#import-job-progress")).to_be_attached()
        importing = watch_progress(page, log_path)

    expect(page.locator("#import-job-status")).to_have_text("Đã nhập xong")
    expect(page.get_by_role("heading", name="Kết quả nhập")).to_be_visible()
    expect(page.locator("ul.import-counts")).to_contain_text(f"Thêm mới: {LARGE_ROWS}")
    assert_the_bar_advanced(previewing)
    assert_the_bar_advanced(importing)
    assert Finding.objects.count() == RemediationTask.objects.count() == LARGE_ROWS
