"""The whole workflow through the pages, as each role clicks it."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from remediation.models import (
    Evidence,
    ExtensionRequest,
    ExtensionState,
    RemediationReport,
    ReportState,
    TaskEvent,
    TaskStatus,
)

from .pages import make_cast, pdf

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.date(2019, 11, 30)


@pytest.fixture
def cast():
    return make_cast(due_date=DUE)


def url(name, task, *args):
    return reverse(name, args=[task.pk, *args])


def as_user(client, user):
    client.force_login(user)
    return client


def submit(client, cast, content, **extra):
    return as_user(client, cast.officer).post(
        url("task_report", cast.task),
        {"content": content, "progress": "80", "expected_status": cast.task.status, **extra},
    )


def reload(task):
    task.refresh_from_db()
    return task


def test_it_runs_report_approve_return_resubmit_accept(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2019, 11, 28, 9, 0, tzinfo=HANOI))
    task = cast.task
    form = as_user(client, cast.officer).get(url("task_report", task))
    assert form.status_code == 200
    assert 'name="content"' in form.text
    assert 'type="file" name="evidence"' in form.text
    assert " multiple " in form.text
    assert "gửi lãnh đạo cơ quan phê duyệt" in form.text

    response = submit(client, cast, "Lần 1: đã ban hành quy chế.", evidence=[pdf("quy-che.pdf")])
    assert response.status_code == 302
    assert response.url == url("task_detail", task)
    assert reload(task).status == TaskStatus.AWAITING_APPROVAL

    response = as_user(client, cast.leader).post(
        url("task_approve", task), {"decision": "approve", "expected_status": "awaiting_approval"}
    )
    assert response.status_code == 302
    assert reload(task).status == TaskStatus.SUBMITTED

    review = as_user(client, cast.coordinator).get(url("task_review", task))
    assert "Lần 1: đã ban hành quy chế." in review.text
    assert "quy-che.pdf" in review.text
    response = client.post(
        url("task_review", task),
        {
            "decision": "return",
            "comment": "Thiếu quyết định ban hành.",
            "expected_status": "submitted",
            "report": review.context["form"].initial["report"],
        },
    )
    assert response.status_code == 302
    assert reload(task).status == TaskStatus.RETURNED

    form = as_user(client, cast.officer).get(url("task_report", task))
    assert "Thiếu quyết định ban hành." in form.text  # the reason, shown where it is acted on
    submit(client, cast, "Lần 2: gửi kèm quyết định.", evidence=[pdf("quyet-dinh.pdf")])
    as_user(client, cast.leader).post(url("task_approve", task), {"decision": "approve"})
    assert reload(task).status == TaskStatus.SUBMITTED

    # 00:30 on 1 December in Hà Nội is still 30 November in UTC.
    time_machine.move_to(datetime.datetime(2019, 12, 1, 0, 30, tzinfo=HANOI), tick=False)
    response = as_user(client, cast.coordinator).post(
        url("task_review", task), {"decision": "accept", "comment": ""}
    )
    assert response.status_code == 302
    task = reload(task)
    assert task.status == TaskStatus.COMPLETED
    assert task.completed_on == datetime.date(2019, 12, 1)

    page = as_user(client, cast.officer).get(url("task_detail", task)).text
    assert "Lần 1: đã ban hành quy chế." in page  # the returned version stays readable
    assert "Lần 2: gửi kèm quyết định." in page
    assert "Sở Nội vụ trả lại" in page
    assert "Được chấp nhận" in page
    assert "Thiếu quyết định ban hành." in page
    assert "01/12/2019" in page  # completion date, local
    for evidence in Evidence.objects.all():
        assert f'href="/tai-lieu/{evidence.pk}/"' in page
    states = list(task.reports.order_by("version").values_list("state", flat=True))
    assert states == [ReportState.RETURNED, ReportState.ACCEPTED]
    actions = list(TaskEvent.objects.filter(task=task).values_list("action", flat=True))
    assert actions == ["submit", "approve", "return", "submit", "approve", "accept"]


def test_it_sends_straight_to_home_affairs_without_leader_approval(client, cast, settings):
    settings.REPORT_LEADER_APPROVAL = False
    form = as_user(client, cast.officer).get(url("task_report", cast.task))
    assert "gửi lãnh đạo cơ quan phê duyệt" not in form.text

    response = submit(client, cast, "Đã khắc phục.")
    assert response.status_code == 302
    assert reload(cast.task).status == TaskStatus.SUBMITTED
    assert RemediationReport.objects.get().state == ReportState.SUBMITTED
    leader_page = as_user(client, cast.leader).get(url("task_detail", cast.task)).text
    assert url("task_approve", cast.task) not in leader_page
    coordinator_page = as_user(client, cast.coordinator).get(url("task_detail", cast.task)).text
    assert url("task_review", cast.task) in coordinator_page


def test_it_saves_a_draft_then_submits_the_same_version(client, cast):
    response = submit(client, cast, "Bản nháp.", draft="1", evidence=[pdf("nhap.pdf")])
    assert response.status_code == 302
    report = RemediationReport.objects.get()
    assert report.state == ReportState.DRAFT
    assert reload(cast.task).status == TaskStatus.IN_PROGRESS
    form = client.get(url("task_report", cast.task)).text
    assert "Bản nháp." in form  # the draft continues where it was left
    assert "nhap.pdf" in form
    assert (
        "Bản nháp." not in as_user(client, cast.coordinator).get(url("task_detail", cast.task)).text
    )

    submit(client, cast, "Bản chính thức.")
    report.refresh_from_db()
    assert (report.version, report.state, report.content) == (
        1,
        ReportState.AWAITING_APPROVAL,
        "Bản chính thức.",
    )
    assert report.evidence.count() == 1


def test_it_lets_the_leader_send_back_with_a_comment(client, cast):
    submit(client, cast, "Báo cáo sơ sài.")
    leader = as_user(client, cast.leader)
    refused = leader.post(url("task_approve", cast.task), {"decision": "send_back", "comment": " "})
    assert refused.status_code == 200
    assert "Cần nhập ý kiến khi “Trả lại cán bộ”." in refused.text
    assert reload(cast.task).status == TaskStatus.AWAITING_APPROVAL

    leader.post(
        url("task_approve", cast.task), {"decision": "send_back", "comment": "Bổ sung số liệu."}
    )
    assert reload(cast.task).status == TaskStatus.RETURNED
    assert RemediationReport.objects.get().state == ReportState.SENT_BACK
    form = as_user(client, cast.officer).get(url("task_report", cast.task)).text
    assert "Bổ sung số liệu." in form


def test_it_refuses_a_return_without_a_comment(client, cast, settings):
    settings.REPORT_LEADER_APPROVAL = False
    submit(client, cast, "Đã khắc phục.")
    events = TaskEvent.objects.count()
    response = as_user(client, cast.coordinator).post(
        url("task_review", cast.task), {"decision": "return", "comment": ""}
    )
    assert response.status_code == 200
    assert "Cần nhập ý kiến khi “Trả lại, yêu cầu bổ sung”." in response.text
    assert reload(cast.task).status == TaskStatus.SUBMITTED
    assert TaskEvent.objects.count() == events


def test_it_refuses_a_report_without_content(client, cast):
    response = submit(client, cast, "   ", progress="120")
    assert response.status_code == 200
    assert "Cần nhập kết quả khắc phục." in response.text
    assert not RemediationReport.objects.exists()


def test_it_grants_an_extension_and_shows_both_dates(client, cast):
    response = as_user(client, cast.officer).post(
        url("task_extension", cast.task),
        {"requested_date": "15/12/2019", "reason": "Chờ ý kiến Sở Tài chính."},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    page = client.get(url("task_detail", cast.task)).text
    assert url("task_extension", cast.task) not in page  # one request at a time

    coordinator = as_user(client, cast.coordinator)
    page = coordinator.get(url("task_detail", cast.task)).text
    decide = url("task_extension_decide", cast.task, extension.pk)
    assert decide in page
    response = coordinator.post(decide, {"decision": "grant", "comment": "Đồng ý."})
    assert response.status_code == 302
    task = reload(cast.task)
    assert (task.due_date, task.extended_due_date) == (DUE, datetime.date(2019, 12, 15))

    text = "hạn ban đầu 30/11/2019, gia hạn đến 15/12/2019"
    assert text in as_user(client, cast.officer).get(url("task_detail", task)).text
    assert text in client.get(reverse("home")).text


def test_it_refuses_an_extension_with_a_comment(client, cast):
    as_user(client, cast.leader).post(
        url("task_extension", cast.task),
        {"requested_date": "2019-12-20", "reason": "Thiếu kinh phí."},
    )
    extension = ExtensionRequest.objects.get()
    decide = url("task_extension_decide", cast.task, extension.pk)
    coordinator = as_user(client, cast.coordinator)
    response = coordinator.post(decide, {"decision": "refuse", "comment": ""})
    assert response.status_code == 200
    assert "Cần nhập ý kiến khi “Không đồng ý gia hạn”." in response.text

    response = coordinator.post(decide, {"decision": "refuse", "comment": "Không có căn cứ."})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.state == ExtensionState.REFUSED
    task = reload(cast.task)
    assert task.extended_due_date is None
    page = as_user(client, cast.officer).get(url("task_detail", task)).text
    assert "gia hạn đến" not in page
    assert "30/11/2019" in page
    assert "Không đồng ý" in page
    assert "Không có căn cứ." in page
    assert coordinator.get(decide).status_code == 403  # decided: nothing left to decide


def test_it_refuses_an_extension_before_the_due_date(client, cast):
    response = as_user(client, cast.officer).post(
        url("task_extension", cast.task), {"requested_date": "29/11/2019", "reason": "Lý do."}
    )
    assert response.status_code == 200
    assert "Ngày đề nghị gia hạn phải sau hạn hiện tại (30/11/2019)." in response.text
    assert not ExtensionRequest.objects.exists()


def test_it_reassigns_the_lead_agency(client, cast):
    response = as_user(client, cast.coordinator).post(
        url("task_reassign", cast.task),
        {
            "lead_agency": cast.support.pk,
            "monitoring_agency": cast.monitoring.pk,
            "supporting_agencies": [cast.lead.pk],
            "comment": "Theo chức năng nhiệm vụ.",
            "expected_status": "open",
        },
    )
    assert response.status_code == 302
    task = reload(cast.task)
    assert task.lead_agency == cast.support
    assert list(task.supporting_agencies.all()) == [cast.lead]
    event = TaskEvent.objects.get(action="reassign")
    assert "Theo chức năng nhiệm vụ." in event.comment
    # The new lead agency's officer may now report; the old one only reads.
    assert as_user(client, cast.supporter).get(url("task_report", task)).status_code == 200
    assert as_user(client, cast.officer).get(url("task_report", task)).status_code == 403


def test_it_refuses_a_reassignment_that_changes_nothing(client, cast):
    response = as_user(client, cast.coordinator).post(
        url("task_reassign", cast.task),
        {
            "lead_agency": cast.lead.pk,
            "monitoring_agency": cast.monitoring.pk,
            "supporting_agencies": [cast.support.pk],
        },
    )
    assert response.status_code == 200
    assert "Không có thay đổi nào về cơ quan được phân công." in response.text
    assert not TaskEvent.objects.exists()


def test_it_records_a_comment_and_refuses_an_empty_one(client, cast):
    monitor = as_user(client, cast.monitor)
    response = monitor.post(url("task_comment", cast.task), {"comment": ""})
    assert response.status_code == 200
    assert "Cần nhập ý kiến." in response.text
    assert not TaskEvent.objects.exists()

    response = monitor.post(url("task_comment", cast.task), {"comment": "Đề nghị đẩy nhanh."})
    assert response.status_code == 302
    assert "Đề nghị đẩy nhanh." in client.get(url("task_detail", cast.task)).text
