"""The task page: what it tells, and the actions it offers (only those the
user may take now)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from agencies.tests.factories import CriterionFactory
from directives.tests.factories import DirectiveFactory
from remediation.models import TaskStatus
from remediation.services import task_comment, task_request_extension, task_submit_report

from .pages import make_cast

pytestmark = pytest.mark.django_db

ACTION_URLS = {
    "report": "task_report",
    "approve": "task_approve",
    "review": "task_review",
    "extension": "task_extension",
    "reassign": "task_reassign",
    "comment": "task_comment",
}


@pytest.fixture
def cast():
    return make_cast(due_date=datetime.date(2019, 11, 30))


def offered(client, user, task) -> set[str]:
    client.force_login(user)
    text = client.get(reverse("task_detail", args=[task.pk])).text
    return {
        name for name, url in ACTION_URLS.items() if f'"{reverse(url, args=[task.pk])}"' in text
    }


def test_it_shows_the_finding_directive_agencies_and_dates(client, cast):
    finding = cast.task.finding
    finding.criterion = CriterionFactory(code="TC3.2", name="Công khai TTHC")
    finding.source_directive = DirectiveFactory(symbol="57/TB-UBND", title="Thông báo kết luận")
    finding.description = "Chưa công khai đầy đủ thủ tục hành chính."
    finding.save()
    cast.task.extended_due_date = datetime.date(2019, 12, 15)
    cast.task.save()
    client.force_login(cast.supporter)
    text = client.get(reverse("task_detail", args=[cast.task.pk])).text
    for part in (
        "KT2019-STNMT-01",
        "Chưa công khai đầy đủ thủ tục hành chính.",
        "TC3.2 Công khai TTHC",
        "57/TB-UBND",
        "Thông báo kết luận",
        "Sở Tài nguyên và Môi trường",  # lead
        "Sở Tài chính",  # supporting
        "Sở Tư pháp",  # monitoring
        "hạn ban đầu 30/11/2019, gia hạn đến 15/12/2019",
        "Quá hạn",
    ):
        assert part in text, part


def test_it_shows_the_timeline_in_local_time(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2019, 11, 20, 1, 30, tzinfo=datetime.UTC), tick=False)
    task_comment(task=cast.task, user=cast.monitor, comment="Đề nghị báo cáo sớm.")
    client.force_login(cast.officer)
    text = client.get(reverse("task_detail", args=[cast.task.pk])).text
    assert "20/11/2019 08:30" in text
    assert "Lê Văn Theo Dõi" in text
    assert "Đề nghị báo cáo sớm." in text


def test_it_offers_the_agency_what_it_may_do_on_an_open_task(client, cast):
    assert offered(client, cast.officer, cast.task) == {"report", "extension", "comment"}
    assert offered(client, cast.leader, cast.task) == {"report", "extension", "comment"}
    assert offered(client, cast.monitor, cast.task) == {"comment"}
    assert offered(client, cast.supporter, cast.task) == set()
    assert offered(client, cast.coordinator, cast.task) == {"reassign", "comment"}


def test_it_offers_approval_to_the_leader_only(client, cast):
    task_submit_report(task=cast.task, user=cast.officer, content="Đã làm", progress=100)
    assert offered(client, cast.leader, cast.task) == {"approve", "extension", "comment"}
    assert offered(client, cast.officer, cast.task) == {"extension", "comment"}
    assert offered(client, cast.coordinator, cast.task) == {"reassign", "comment"}


def test_it_offers_the_review_and_the_extension_decision_to_home_affairs(client, cast, settings):
    settings.REPORT_LEADER_APPROVAL = False
    task_submit_report(task=cast.task, user=cast.officer, content="Đã làm", progress=100)
    extension = task_request_extension(
        task=cast.task,
        user=cast.officer,
        requested_date=datetime.date(2019, 12, 31),
        reason="Chờ kinh phí",
    )
    decide = reverse("task_extension_decide", args=[cast.task.pk, extension.pk])
    assert offered(client, cast.coordinator, cast.task) == {"review", "reassign", "comment"}
    assert decide in client.get(reverse("task_detail", args=[cast.task.pk])).text
    assert offered(client, cast.officer, cast.task) == {"comment"}
    assert decide not in client.get(reverse("task_detail", args=[cast.task.pk])).text


def test_it_offers_nothing_but_comments_on_a_completed_task(client, cast):
    cast.task.status = TaskStatus.COMPLETED
    cast.task.completed_on = datetime.date(2019, 11, 29)
    cast.task.save()
    assert offered(client, cast.officer, cast.task) == {"comment"}
    assert offered(client, cast.coordinator, cast.task) == {"comment"}
    client.force_login(cast.officer)
    assert "Hoàn thành đúng hạn" in client.get(reverse("task_detail", args=[cast.task.pk])).text


def test_it_refuses_a_form_page_for_an_action_gone_with_a_reason(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("task_review", args=[cast.task.pk]))
    assert response.status_code == 403
    assert "Không thể “xem xét báo cáo” lúc này: nhiệm vụ đang ở trạng thái" in response.text
    client.force_login(cast.monitor)
    response = client.get(reverse("task_review", args=[cast.task.pk]))
    assert "Bạn không có quyền “xem xét báo cáo” đối với nhiệm vụ này." in response.text


def test_it_hides_another_agency_s_task_behind_a_vietnamese_404(client, cast):
    client.force_login(cast.stranger)
    response = client.get(reverse("task_detail", args=[cast.task.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert 'class="site-header"' in response.text  # in the site's layout
    assert cast.task.title not in response.text
