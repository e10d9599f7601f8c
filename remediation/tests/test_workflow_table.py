"""The transition table, from each status, for each capacity, against a
literal expectation written from the issue (not derived from TRANSITIONS):
what ``allowed_actions`` offers and what the services accept are the same
set, every refusal is a Vietnamese ActionNotAllowed or WorkflowConflict, and
every accepted move records one event with who, when, from, to and comment."""

import datetime

import pytest

from agencies.tests.factories import AgencyFactory
from remediation import services
from remediation.models import ExtensionState, TaskEvent, TaskStatus
from remediation.services import ActionNotAllowed, WorkflowConflict
from remediation.tests.factories import RemediationTaskFactory
from remediation.tests.people import pdf, people
from remediation.workflow import Action, allowed_actions

pytestmark = pytest.mark.django_db

A = Action
NOW = datetime.datetime(2019, 11, 20, 3, 0, tzinfo=datetime.UTC)
COMMENT = "Ý kiến kiểm thử"

AGENCY_OPEN = "save_draft submit comment request_extension"
# status -> capacity -> the actions offered (no extension request pending)
EXPECTED = {
    TaskStatus.OPEN: {
        "lead_officer": AGENCY_OPEN,
        "lead_leader": AGENCY_OPEN,
        "monitor": "comment",
        "coordinator": "comment reassign",
        "reader": "",
    },
    TaskStatus.IN_PROGRESS: {
        "lead_officer": AGENCY_OPEN,
        "lead_leader": AGENCY_OPEN,
        "monitor": "comment",
        "coordinator": "comment reassign",
        "reader": "",
    },
    TaskStatus.AWAITING_APPROVAL: {
        "lead_officer": "comment request_extension",
        "lead_leader": "approve send_back comment request_extension",
        "monitor": "comment",
        "coordinator": "comment reassign",
        "reader": "",
    },
    TaskStatus.SUBMITTED: {
        "lead_officer": "comment request_extension",
        "lead_leader": "comment request_extension",
        "monitor": "comment",
        "coordinator": "accept return comment reassign",
        "reader": "",
    },
    TaskStatus.RETURNED: {
        "lead_officer": AGENCY_OPEN,
        "lead_leader": AGENCY_OPEN,
        "monitor": "comment",
        "coordinator": "comment reassign",
        "reader": "",
    },
    TaskStatus.COMPLETED: {
        "lead_officer": "comment",
        "lead_leader": "comment",
        "monitor": "comment",
        "coordinator": "comment",
        "reader": "",
    },
}
# Where each action leads (None: the status stays); submit depends on who.
TARGET = {
    A.SAVE_DRAFT: TaskStatus.IN_PROGRESS,
    A.APPROVE: TaskStatus.SUBMITTED,
    A.SEND_BACK: TaskStatus.RETURNED,
    A.ACCEPT: TaskStatus.COMPLETED,
    A.RETURN: TaskStatus.RETURNED,
}
ACTIONS = [a for a in Action if a != A.TRANSFER]  # transfer is the succession's, not a person's


def user_for(who, capacity):
    return {
        "lead_officer": who.officer,
        "lead_leader": who.leader,
        "monitor": who.monitor,
        "coordinator": who.coordinator,
        "reader": who.reader,
    }[capacity]


@pytest.fixture
def who(settings):
    settings.REPORT_LEADER_APPROVAL = True
    who = people()
    supporting = AgencyFactory(name="Sở Khoa học và Công nghệ")
    who.supporting = supporting
    who.reader = type(who.officer).objects.create(
        username="phoihop", agency=supporting, role="officer"
    )
    return who


def new_task(who):
    task = RemediationTaskFactory(finding__agency=who.agency, monitoring_agency=who.monitor_agency)
    task.supporting_agencies.add(who.supporting)
    return task


def reach(task, who, status):
    """Drive a task to ``status`` through the services, as people would."""
    officer, leader, coordinator = who.officer, who.leader, who.coordinator
    if status == TaskStatus.IN_PROGRESS:
        services.task_submit_report(
            task=task, user=officer, content="Nháp", progress=10, draft=True
        )
    elif status == TaskStatus.AWAITING_APPROVAL:
        services.task_submit_report(task=task, user=officer, content="Báo cáo", progress=100)
    elif status in (TaskStatus.SUBMITTED, TaskStatus.RETURNED, TaskStatus.COMPLETED):
        services.task_submit_report(task=task, user=leader, content="Báo cáo", progress=100)
        if status != TaskStatus.SUBMITTED:
            decision = "return" if status == TaskStatus.RETURNED else "accept"
            services.task_review(task=task, user=coordinator, decision=decision, comment="Xem lại")
    task.refresh_from_db()
    assert task.status == status


def perform(action, task, user, who):
    """Call the service for ``action`` with valid input."""
    if action in (A.SAVE_DRAFT, A.SUBMIT):
        return services.task_submit_report(
            task=task, user=user, content="Kết quả", progress=80, files=[pdf()],
            draft=action == A.SAVE_DRAFT,
        )  # fmt: skip
    if action == A.APPROVE:
        return services.task_approve(task=task, user=user, comment=COMMENT)
    if action == A.SEND_BACK:
        return services.task_send_back(task=task, user=user, comment=COMMENT)
    if action in (A.ACCEPT, A.RETURN):
        decision = "accept" if action == A.ACCEPT else "return"
        return services.task_review(task=task, user=user, decision=decision, comment=COMMENT)
    if action == A.COMMENT:
        return services.task_comment(task=task, user=user, comment=COMMENT)
    if action == A.REQUEST_EXTENSION:
        return services.task_request_extension(
            task=task, user=user, requested_date=datetime.date(2019, 12, 31), reason=COMMENT
        )
    if action in (A.GRANT_EXTENSION, A.REFUSE_EXTENSION):
        return services.extension_decide(
            extension=task.extensions.get(state=ExtensionState.PENDING),
            user=user,
            grant=action == A.GRANT_EXTENSION,
            comment=COMMENT,
        )
    if action == A.REASSIGN:
        return services.task_reassign(
            task=task, user=user, lead_agency=task.lead_agency,
            monitoring_agency=who.supporting, supporting_agencies=[], comment=COMMENT,
        )  # fmt: skip
    raise AssertionError(action)


def expected_target(action, capacity, before):
    if action == A.SUBMIT:
        return TaskStatus.AWAITING_APPROVAL if capacity == "lead_officer" else TaskStatus.SUBMITTED
    return TARGET.get(action, before)


@pytest.mark.parametrize("capacity", list(EXPECTED[TaskStatus.OPEN]))
@pytest.mark.parametrize("status", list(EXPECTED))
def test_it_allows_each_capacity_exactly_the_table(who, status, capacity, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = user_for(who, capacity)
    expected = set(EXPECTED[status][capacity].split())
    task = new_task(who)
    reach(task, who, status)
    assert allowed_actions(user=user, task=task, pending_extension=False) == expected

    for action in ACTIONS:
        pending = action in (A.GRANT_EXTENSION, A.REFUSE_EXTENSION)
        task = new_task(who)
        if pending:  # asked before the task moved on, as it can be
            services.task_request_extension(
                task=task,
                user=who.officer,
                requested_date=datetime.date(2019, 12, 20),
                reason="Chờ",
            )
        reach(task, who, status)
        offered = allowed_actions(user=user, task=task, pending_extension=pending)
        events = TaskEvent.objects.filter(task=task).count()
        may = action in offered
        if pending:
            may = capacity == "coordinator" and status != TaskStatus.COMPLETED
            assert (action in offered) == may, (action, offered)
        else:
            assert may == (action in expected)
        if not may:
            with pytest.raises((ActionNotAllowed, WorkflowConflict)) as refused:
                perform(action, task, user, who)
            assert "Bạn không có quyền" in refused.value.message or (
                "vừa được người khác cập nhật" in refused.value.message
            ), refused.value.message
            assert TaskEvent.objects.filter(task=task).count() == events
            continue
        perform(action, task, user, who)
        task.refresh_from_db()
        event = TaskEvent.objects.filter(task=task).latest("id")
        assert TaskEvent.objects.filter(task=task).count() == events + 1
        assert (event.actor, event.action, event.created_at) == (user, action, NOW)
        assert (event.from_status, event.to_status) == (
            status,
            expected_target(action, capacity, status),
        )
        assert task.status == event.to_status
        assert event.comment.startswith("" if action in (A.SAVE_DRAFT, A.SUBMIT) else COMMENT), (
            event.comment
        )


def test_it_refuses_with_a_vietnamese_reason_who_may_never_act(who):
    task = new_task(who)
    reach(task, who, TaskStatus.SUBMITTED)
    with pytest.raises(ActionNotAllowed) as refused:
        services.task_review(task=task, user=who.monitor, decision="accept")
    assert (
        refused.value.message == "Bạn không có quyền “Chấp nhận, hoàn thành” đối với nhiệm vụ này."
    )


def test_it_refuses_a_move_from_the_wrong_status_as_a_conflict(who):
    task = new_task(who)
    with pytest.raises(WorkflowConflict) as refused:
        services.task_review(task=task, user=who.coordinator, decision="accept")
    assert "trạng thái hiện tại: Chưa thực hiện" in refused.value.message


def test_it_refuses_a_stale_expected_status_as_a_conflict(who):
    task = new_task(who)
    reach(task, who, TaskStatus.RETURNED)
    with pytest.raises(WorkflowConflict):
        services.task_submit_report(
            task=task, user=who.leader, content="Bổ sung", progress=100,
            expected_status=TaskStatus.OPEN,
        )  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED


@pytest.mark.parametrize(
    ("approval", "officer_target"),
    [(True, TaskStatus.AWAITING_APPROVAL), (False, TaskStatus.SUBMITTED)],
)
def test_it_sends_an_officers_report_as_the_approval_setting_says(
    who, settings, approval, officer_target
):
    settings.REPORT_LEADER_APPROVAL = approval
    task = new_task(who)
    services.task_submit_report(task=task, user=who.officer, content="Báo cáo", progress=100)
    task.refresh_from_db()
    assert task.status == officer_target
    led = new_task(who)
    services.task_submit_report(task=led, user=who.leader, content="Báo cáo", progress=100)
    led.refresh_from_db()
    assert led.status == TaskStatus.SUBMITTED


def test_it_requires_a_comment_where_the_table_says(who):
    task = new_task(who)
    reach(task, who, TaskStatus.SUBMITTED)
    with pytest.raises(services.WorkflowError) as refused:
        services.task_review(task=task, user=who.coordinator, decision="return", comment="  ")
    assert refused.value.message == "Cần nhập ý kiến khi “Trả lại, yêu cầu bổ sung”."
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


def test_it_completes_on_the_local_date(who, time_machine):
    task = new_task(who)
    reach(task, who, TaskStatus.SUBMITTED)
    # 23:30 UTC on 30 November is 06:30 on 1 December in Vietnam.
    time_machine.move_to(datetime.datetime(2019, 11, 30, 23, 30, tzinfo=datetime.UTC))
    services.task_review(task=task, user=who.coordinator, decision="accept")
    task.refresh_from_db()
    assert task.completed_on == datetime.date(2019, 12, 1)


def test_it_keeps_a_returned_version_beside_its_resubmission(who):
    task = new_task(who)
    reach(task, who, TaskStatus.RETURNED)
    services.task_submit_report(task=task, user=who.leader, content="Bổ sung", progress=100)
    versions = list(task.reports.order_by("version").values_list("version", "state"))
    assert versions == [(1, "returned"), (2, "submitted")]
    task.refresh_from_db()
    assert task.completed_on is None
