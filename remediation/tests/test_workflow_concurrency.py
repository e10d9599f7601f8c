"""Two people acting on one task at once, on real PostgreSQL: exactly one
wins, the other gets WorkflowConflict, nothing is lost or doubled.

Each action runs in its own thread, so on its own database connection. The
first holds the task's row lock (its transaction stays open) until
PostgreSQL reports the second waiting for that lock: the two really overlap,
whatever the scheduler does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from remediation import services
from remediation.models import Action, RemediationReport, TaskEvent, TaskStatus
from remediation.services import WorkflowConflict
from remediation.tests.factories import RemediationTaskFactory
from remediation.tests.people import people

# Real transactions, one per thread. serialized_rollback: the flush after each
# test would otherwise drop rows the migrations wrote (reform areas, content
# types) for the transactional tests that follow, as in the import tests.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_LIMIT_S = 20  # a safety net against a hang, not a measurement


def lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run ``first`` and keep its transaction open until ``second`` waits on
    the lock; then let both finish. Returns each outcome (result or error)."""
    outcomes: dict[str, object] = {}
    first_done, release = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                outcomes["first"] = first()
                first_done.set()
                release.wait(WAIT_LIMIT_S)
        except Exception as error:
            outcomes["first"] = error
        finally:
            first_done.set()
            connections.close_all()

    def run_second():
        first_done.wait(WAIT_LIMIT_S)
        try:
            outcomes["second"] = second()
        except Exception as error:
            outcomes["second"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    first_done.wait(WAIT_LIMIT_S)
    deadline = time.monotonic() + WAIT_LIMIT_S
    while lock_waiters() == 0 and "second" not in outcomes and time.monotonic() < deadline:
        time.sleep(0.01)
    overlapped = "second" not in outcomes
    release.set()
    for thread in threads:
        thread.join(WAIT_LIMIT_S)
    assert overlapped, "the second action did not wait for the first one's lock"
    return outcomes


@pytest.fixture
def who():
    return people()


@pytest.fixture
def task(who):
    return RemediationTaskFactory(finding__agency=who.agency)


def submit(task, user, content):
    return lambda: services.task_submit_report(
        task=task, user=user, content=content, progress=100, expected_status=TaskStatus.OPEN
    )


def test_it_lets_one_of_two_simultaneous_submissions_win(who, task):
    outcomes = race(submit(task, who.leader, "Lần A"), submit(task, who.officer, "Lần B"))

    assert isinstance(outcomes["first"], RemediationReport)
    assert isinstance(outcomes["second"], WorkflowConflict)
    assert "vừa được người khác cập nhật" in outcomes["second"].message
    assert list(RemediationReport.objects.values_list("version", "content")) == [(1, "Lần A")]
    assert TaskEvent.objects.filter(task=task, action=Action.SUBMIT).count() == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED


def test_it_lets_one_of_a_review_and_a_resubmission_win(who, task):
    """The coordinator accepts version 1 from a page opened before it was
    returned, while the agency resubmits version 2."""
    services.task_submit_report(task=task, user=who.leader, content="Lần 1", progress=60)
    v1 = task.reports.get()
    services.task_review(task=task, user=who.coordinator, decision="return", comment="Bổ sung")

    resubmit = lambda: services.task_submit_report(  # noqa: E731
        task=task, user=who.leader, content="Lần 2", progress=100,
        expected_status=TaskStatus.RETURNED,
    )  # fmt: skip
    review = lambda: services.task_review(  # noqa: E731
        task=task, user=who.coordinator, decision="accept",
        expected_status=TaskStatus.SUBMITTED, expected_report=v1.pk,
    )  # fmt: skip
    outcomes = race(resubmit, review)

    assert isinstance(outcomes["first"], RemediationReport)
    assert isinstance(outcomes["second"], WorkflowConflict)
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.SUBMITTED, None)
    assert list(task.reports.order_by("version").values_list("version", "state")) == [
        (1, "returned"),
        (2, "submitted"),
    ]
    assert not TaskEvent.objects.filter(task=task, action=Action.ACCEPT).exists()


def test_it_lets_one_of_two_simultaneous_reviews_win(who, task):
    services.task_submit_report(task=task, user=who.leader, content="Lần 1", progress=100)
    report = task.reports.get()

    def review(decision):
        return lambda: services.task_review(
            task=task, user=who.coordinator, decision=decision, comment="Ý kiến",
            expected_status=TaskStatus.SUBMITTED, expected_report=report.pk,
        )  # fmt: skip

    outcomes = race(review("accept"), review("return"))

    assert isinstance(outcomes["second"], WorkflowConflict)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    reviews = TaskEvent.objects.filter(task=task, action__in=[Action.ACCEPT, Action.RETURN])
    assert list(reviews.values_list("action", flat=True)) == [Action.ACCEPT]
