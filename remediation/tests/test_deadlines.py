"""The one deadline rule: Python ``deadline_state`` and the SQL twins
(``deadline_class`` annotation and ``deadline_q`` filters) agree on every edge,
all generated from one list of cases."""

import datetime

import pytest

from remediation.deadlines import DeadlineState, deadline_state
from remediation.models import RemediationTask, TaskStatus
from remediation.selectors import task_list_for_user
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

S = DeadlineState
DUE = datetime.date(2019, 11, 30)


def d(day: int, month: int = 11) -> datetime.date:
    return datetime.date(2019, month, day)


# name, status, extended due date, completed on, as-of date, expected class
CASES = [
    ("due-today", TaskStatus.OPEN, None, None, d(30), S.DUE_SOON),
    ("due-in-1-day", TaskStatus.IN_PROGRESS, None, None, d(29), S.DUE_SOON),
    ("due-in-3-days", TaskStatus.OPEN, None, None, d(27), S.DUE_SOON),
    ("due-in-4-days", TaskStatus.OPEN, None, None, d(26), S.IN_TIME),
    ("due-in-a-month", TaskStatus.OPEN, None, None, d(30, 10), S.IN_TIME),
    ("overdue-by-1", TaskStatus.OPEN, None, None, d(1, 12), S.OVERDUE),
    ("submitted-overdue", TaskStatus.SUBMITTED, None, None, d(1, 12), S.OVERDUE),
    ("awaiting-approval-due-soon", TaskStatus.AWAITING_APPROVAL, None, None, d(28), S.DUE_SOON),
    ("returned-overdue", TaskStatus.RETURNED, None, None, d(5, 12), S.OVERDUE),
    # A granted extension moves every class to the extended date.
    ("extended-past-original", TaskStatus.OPEN, d(15, 12), None, d(1, 12), S.IN_TIME),
    ("extended-due-in-3-days", TaskStatus.OPEN, d(15, 12), None, d(12, 12), S.DUE_SOON),
    ("extended-due-in-4-days", TaskStatus.OPEN, d(15, 12), None, d(11, 12), S.IN_TIME),
    ("extended-due-today", TaskStatus.OPEN, d(15, 12), None, d(15, 12), S.DUE_SOON),
    ("extended-overdue-by-1", TaskStatus.OPEN, d(15, 12), None, d(16, 12), S.OVERDUE),
    ("completed-before-due", TaskStatus.COMPLETED, None, d(25), d(1, 12), S.COMPLETED_ON_TIME),
    ("completed-on-due", TaskStatus.COMPLETED, None, d(30), d(1, 12), S.COMPLETED_ON_TIME),
    ("completed-day-after", TaskStatus.COMPLETED, None, d(1, 12), d(2, 12), S.COMPLETED_LATE),
    ("completed-within-extension", TaskStatus.COMPLETED, d(15, 12), d(10, 12), d(20, 12),
     S.COMPLETED_ON_TIME),
    ("completed-on-extended-due", TaskStatus.COMPLETED, d(15, 12), d(15, 12), d(20, 12),
     S.COMPLETED_ON_TIME),
    ("completed-after-extension", TaskStatus.COMPLETED, d(15, 12), d(16, 12), d(20, 12),
     S.COMPLETED_LATE),
    # As of a date before completion, the task was not completed yet.
    ("as-of-before-late-completion", TaskStatus.COMPLETED, None, d(10, 12), d(5, 12), S.OVERDUE),
    ("as-of-before-completion-due-soon", TaskStatus.COMPLETED, None, d(29), d(28), S.DUE_SOON),
    ("as-of-before-completion-in-time", TaskStatus.COMPLETED, None, d(28), d(20), S.IN_TIME),
    ("as-of-completion-day", TaskStatus.COMPLETED, None, d(28), d(28), S.COMPLETED_ON_TIME),
    ("as-of-late-completion-day", TaskStatus.COMPLETED, None, d(3, 12), d(3, 12),
     S.COMPLETED_LATE),
]  # fmt: skip


def make(status, extended, completed_on) -> RemediationTask:
    return RemediationTaskFactory(
        due_date=DUE, extended_due_date=extended, status=status, completed_on=completed_on
    )


@pytest.mark.parametrize(
    ("status", "extended", "completed_on", "today", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_it_classifies_alike_in_python_and_sql(status, extended, completed_on, today, expected):
    task = make(status, extended, completed_on)
    python = deadline_state(
        status=status, due_date=extended or DUE, completed_on=completed_on, today=today
    )
    annotated = RemediationTask.objects.with_deadline_class(today).get(pk=task.pk).deadline_class
    filtered = {
        state
        for state in DeadlineState
        if RemediationTask.objects.in_deadline_class(state, today).filter(pk=task.pk).exists()
    }
    assert python == expected
    assert task.deadline_state(today) == expected
    assert annotated == expected
    assert filtered == {expected}  # the filters are a partition: exactly one class


def test_it_covers_every_class():
    assert {case[-1] for case in CASES} == set(DeadlineState)


def test_it_displays_the_state_of_a_task_from_the_list_selector(admin_user, time_machine):
    time_machine.move_to(datetime.datetime(2019, 12, 1, 9, 0, tzinfo=datetime.UTC))
    make(TaskStatus.OPEN, None, None)
    task = task_list_for_user(user=admin_user).get()
    # The annotation is named deadline_class, so the model method still works.
    assert task.get_deadline_state_display() == "Quá hạn"
    assert task.deadline_class == S.OVERDUE


def test_it_reads_the_effective_due_date_from_the_database():
    task = make(TaskStatus.OPEN, d(15, 12), None)
    task.refresh_from_db()
    assert (task.due_date, task.effective_due_date) == (DUE, d(15, 12))
    plain = make(TaskStatus.OPEN, None, None)
    plain.refresh_from_db()
    assert plain.effective_due_date == DUE
