"""The workflow in a real browser (Debian's Chromium through Playwright): the
officer submits with a PDF, the leader approves, Home Affairs returns, the
officer resubmits, Home Affairs accepts. Every page is Vietnamese, with no
English left over."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agencies.tests.factories import DEMO_PASSWORD
from reform_tracker import celery_app
from remediation.models import Evidence, ReportState, TaskStatus

from .factories import PDF_BYTES
from .pages import make_cast

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialized_rollback: the
    # flush after the test would drop migrated rows (the reform areas).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Words Django, the browser or a forgotten template would show in English.
ENGLISH = re.compile(
    r"\b(Submit|Save|Home|Page|Delete|required|Clear|Currently|Change|Choose|Search|Filter|"
    r"Next|Previous|Log ?in|Log ?out|Password|Username|Task|Report|Status|Comment|Back|"
    r"Cancel|Notifications?|Approve|Return|Accept|Evidence|Extension|None|True|False)\b"
)
VIETNAMESE = re.compile(r"[ạảãàáâậầấẩẫăắằặẳẵệếềểễđộồốổỗơợờớởỡưựừứửữịìíỉĩ]", re.IGNORECASE)


def check_vietnamese(page):
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    text = page.inner_text("body")
    assert VIETNAMESE.search(text), f"{page.url}: no Vietnamese text"
    leftovers = sorted(set(ENGLISH.findall(text)))
    assert leftovers == [], f"{page.url}: English left over: {leftovers}"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/dang-nhap/")
    check_vietnamese(page)
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ khắc phục")).to_be_visible()
    check_vietnamese(page)


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def open_queue_item(page, link_name):
    page.get_by_role("link", name="Chờ xử lý").click()
    expect(page.get_by_role("heading", name="Chờ xử lý")).to_be_visible()
    check_vietnamese(page)
    page.get_by_role("link", name=link_name).click()
    check_vietnamese(page)


def report(page, content, file_name):
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()
    check_vietnamese(page)
    page.get_by_label("Kết quả khắc phục").fill(content)
    page.get_by_label("Tiến độ (%)").fill("100")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": file_name, "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.get_by_role("button", name="Gửi báo cáo").click()


def decide(page, choice, comment=""):
    page.get_by_label(choice).check()
    if comment:
        page.get_by_label("Ý kiến").fill(comment)
    page.get_by_role("button", name="Gửi quyết định").click()


def test_it_runs_the_whole_workflow_in_the_browser(chromium_page, live_server, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # mail in this process
    cast = make_cast()
    task = cast.task
    page = chromium_page

    # The officer submits a report with a PDF.
    log_in(page, live_server, cast.officer)
    page.get_by_role("link", name=task.title).click()
    expect(page.get_by_role("heading", name=task.title)).to_be_visible()
    check_vietnamese(page)
    page.get_by_role("link", name="Báo cáo kết quả").click()
    report(page, "Đã ban hành quy chế thông tin, báo cáo.", "quy-che.pdf")
    expect(page.locator(".message-success")).to_have_text(
        "Đã gửi báo cáo, chờ lãnh đạo cơ quan phê duyệt."
    )
    check_vietnamese(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="quy-che.pdf").click()
    assert download.value.suggested_filename == "quy-che.pdf"
    log_out(page)

    # The leader approves it from the queue.
    log_in(page, live_server, cast.leader)
    open_queue_item(page, "Phê duyệt báo cáo")
    decide(page, "Phê duyệt, gửi Sở Nội vụ")
    expect(page.locator(".message-success")).to_have_text(
        "Đã phê duyệt và gửi báo cáo tới Sở Nội vụ."
    )
    log_out(page)

    # Home Affairs returns it with a comment.
    log_in(page, live_server, cast.coordinator)
    open_queue_item(page, "Xem xét báo cáo")
    decide(page, "Trả lại, yêu cầu bổ sung", "Đề nghị gửi kèm quyết định ban hành quy chế.")
    expect(page.locator(".message-success")).to_have_text("Đã trả lại báo cáo, yêu cầu bổ sung.")
    check_vietnamese(page)
    log_out(page)

    # The officer reads the notification and resubmits.
    log_in(page, live_server, cast.officer)
    expect(page.locator(".nav-notifications .badge")).to_have_text("2")  # approved, returned
    page.get_by_role("link", name=re.compile("^Thông báo")).click()
    check_vietnamese(page)
    returned = page.locator(".notification.unread").filter(
        has_text="Sở Nội vụ trả lại báo cáo nhiệm vụ KT2019-STNMT-01, yêu cầu bổ sung"
    )
    expect(returned).to_contain_text("Đề nghị gửi kèm quyết định ban hành quy chế.")
    returned.get_by_role("button", name="Xem nhiệm vụ").click()
    expect(page.get_by_role("heading", name=task.title)).to_be_visible()
    expect(page.locator(".nav-notifications .badge")).to_have_text("1")
    page.get_by_role("link", name="Bổ sung, gửi lại báo cáo").click()
    expect(page.locator(".notice")).to_contain_text("Đề nghị gửi kèm quyết định ban hành quy chế.")
    report(page, "Đã ban hành quy chế; gửi kèm quyết định.", "quyet-dinh.pdf")
    log_out(page)

    log_in(page, live_server, cast.leader)
    open_queue_item(page, "Phê duyệt báo cáo")
    decide(page, "Phê duyệt, gửi Sở Nội vụ")
    log_out(page)

    # Home Affairs accepts: the task is completed, both versions readable.
    log_in(page, live_server, cast.coordinator)
    open_queue_item(page, "Xem xét báo cáo")
    decide(page, "Chấp nhận, nhiệm vụ hoàn thành")
    expect(page.locator(".message-success")).to_have_text(
        "Đã chấp nhận báo cáo; nhiệm vụ hoàn thành."
    )
    check_vietnamese(page)
    expect(page.locator("#bao-cao-1")).to_contain_text("Đã ban hành quy chế thông tin, báo cáo.")
    expect(page.locator("#bao-cao-1")).to_contain_text("Sở Nội vụ trả lại")
    expect(page.locator("#bao-cao-2")).to_contain_text("Được chấp nhận")
    expect(page.locator(".event")).to_have_count(6)
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    check_vietnamese(page)

    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert task.completed_on is not None
    states = list(task.reports.order_by("version").values_list("state", flat=True))
    assert states == [ReportState.RETURNED, ReportState.ACCEPTED]
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == [
        "quy-che.pdf",
        "quyet-dinh.pdf",
    ]
