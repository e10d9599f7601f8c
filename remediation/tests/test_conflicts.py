"""A form acted on after someone else changed the task: 409, the user's
text kept, nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from remediation.models import (
    ExtensionState,
    RemediationReport,
    ReportState,
    TaskEvent,
    TaskStatus,
)
from remediation.services import extension_decide, task_review, task_submit_report

from .factories import ExtensionRequestFactory
from .pages import make_cast, pdf

pytestmark = pytest.mark.django_db

CONFLICT = "Nhiệm vụ vừa được người khác cập nhật"


@pytest.fixture
def cast(settings):
    settings.REPORT_LEADER_APPROVAL = False
    return make_cast(due_date=datetime.date(2019, 11, 30))


def test_it_answers_409_to_a_review_of_a_task_returned_meanwhile(client, cast):
    report = task_submit_report(task=cast.task, user=cast.officer, content="Lần 1", progress=50)
    client.force_login(cast.coordinator)
    form = client.get(reverse("task_review", args=[cast.task.pk]))
    assert 'name="expected_status" value="submitted"' in form.text
    # A second coordinator returns the report while the first one reads it.
    task_review(task=cast.task, user=cast.coordinator, decision="return", comment="Thiếu số liệu.")
    events = TaskEvent.objects.count()

    response = client.post(
        reverse("task_review", args=[cast.task.pk]),
        {
            "decision": "accept",
            "comment": "Báo cáo đầy đủ, đề nghị công nhận hoàn thành.",
            "expected_status": "submitted",
            "report": report.pk,
        },
    )

    assert response.status_code == 409
    assert CONFLICT in response.text
    assert "trạng thái hiện tại: Yêu cầu bổ sung" in response.text
    assert "Báo cáo đầy đủ, đề nghị công nhận hoàn thành." in response.text
    cast.task.refresh_from_db()
    assert cast.task.status == TaskStatus.RETURNED
    assert TaskEvent.objects.count() == events


def test_it_answers_409_to_a_review_of_an_older_version(client, cast):
    first = task_submit_report(task=cast.task, user=cast.officer, content="Lần 1", progress=50)
    task_review(task=cast.task, user=cast.coordinator, decision="return", comment="Bổ sung.")
    task_submit_report(task=cast.task, user=cast.officer, content="Lần 2", progress=90)
    client.force_login(cast.coordinator)

    # The task is submitted again, but the form was rendered for version 1.
    response = client.post(
        reverse("task_review", args=[cast.task.pk]),
        {
            "decision": "return",
            "comment": "Vẫn thiếu phụ lục.",
            "expected_status": "submitted",
            "report": first.pk,
        },
    )

    assert response.status_code == 409
    assert "Vẫn thiếu phụ lục." in response.text
    assert RemediationReport.objects.get(version=2).state == ReportState.SUBMITTED


def test_it_answers_409_to_a_second_submission_and_keeps_the_text(client, cast):
    client.force_login(cast.officer)
    form = client.get(reverse("task_report", args=[cast.task.pk]))
    assert 'name="expected_status" value="open"' in form.text
    task_submit_report(task=cast.task, user=cast.leader, content="Lãnh đạo gửi", progress=100)
    before = set(RemediationReport.objects.values_list("pk", flat=True))

    response = client.post(
        reverse("task_report", args=[cast.task.pk]),
        {
            "content": "Cán bộ gửi cùng lúc.",
            "progress": "70",
            "evidence": [pdf()],
            "expected_status": "open",
        },
    )

    assert response.status_code == 409
    assert CONFLICT in response.text
    assert "Cán bộ gửi cùng lúc." in response.text
    assert "hãy chọn lại tệp" in response.text
    assert set(RemediationReport.objects.values_list("pk", flat=True)) == before
    # The form now carries the status the task has, so a deliberate retry is judged on it.
    assert 'name="expected_status" value="submitted"' in response.text


def test_it_answers_409_to_a_decision_on_a_decided_extension(client, cast):
    extension = ExtensionRequestFactory(task=cast.task, requested_by=cast.officer)
    extension_decide(extension=extension, user=cast.coordinator, grant=True, comment="")
    client.force_login(cast.coordinator)

    response = client.post(
        reverse("task_extension_decide", args=[cast.task.pk, extension.pk]),
        {"decision": "refuse", "comment": "Không đủ căn cứ gia hạn."},
    )

    assert response.status_code == 409
    assert "Đề nghị gia hạn này đã được quyết định (Đồng ý)." in response.text
    assert "Không đủ căn cứ gia hạn." in response.text
    extension.refresh_from_db()
    assert extension.state == ExtensionState.GRANTED


def test_it_answers_403_when_the_action_is_gone_and_no_status_was_claimed(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("task_review", args=[cast.task.pk]), {"decision": "accept", "comment": ""}
    )
    assert response.status_code == 403
    assert "Không thể “xem xét báo cáo” lúc này" in response.text
