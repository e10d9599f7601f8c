"""Two sweeps at once (two beats, two workers) on PostgreSQL send each
reminder once and each recipient one digest; two report-cycle runs create
each task once."""

import collections
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections, transaction

from agencies.tests.factories import AgencyFactory, UserFactory
from directives.tests.factories import DirectiveFactory
from remediation.models import (
    RemediationTask,
    ReminderLog,
    ReportingCycleTask,
    ReportingObligation,
)
from remediation.services import reminders
from remediation.services.reminder_digests import reminder_digest_send
from remediation.services.reminders import reminders_sweep
from remediation.services.report_cycles import report_cycles_create
from remediation.tests.reminder_helpers import DUE, at, day, make_scene, task_ids_in

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback: the flush after the test would drop migrated rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ON = day("01/12/2019")
AGENCIES = 30
CLAIMS = (
    AGENCIES * 5 * 3
)  # officer, leader and monitor of each task  # overdue day 1: agency, leader, monitoring department


def at_once(*calls):
    """Run the calls in threads released together; each on its own connection."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.fixture
def busy(monkeypatch, settings):
    """Thirty agencies with an officer and a leader, five overdue tasks each."""
    settings.REMINDER_DIGEST_MAX_ROWS = 1000  # every task in the mail, to count them
    with transaction.atomic():  # one commit, not one per row
        scene = make_scene(monkeypatch)
        for n in range(AGENCIES):
            agency = AgencyFactory(official_email=f"cq{n}@tuyenquang.example.vn")
            UserFactory(agency=agency)
            UserFactory(agency=agency, role="leader")
            for _task in range(5):
                scene.task(lead_agency=agency, due_date=DUE)
    return scene


def assert_each_reminder_mailed_once():
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
    per_recipient = collections.Counter(tuple(m.to) for m in mail.outbox)
    assert set(per_recipient.values()) == {1}, per_recipient.most_common(3)
    mailed = collections.Counter((m.to[0], task) for m in mail.outbox for task in task_ids_in(m))
    assert set(mailed.values()) == {1}
    assert len(mailed) == ReminderLog.objects.count()


def test_it_sends_once_when_two_sweeps_run_at_once(busy):
    with time_machine.travel(at(ON), tick=False):
        first, second = at_once(
            lambda: reminders_sweep(as_of=ON), lambda: reminders_sweep(as_of=ON)
        )

    assert first.claimed + second.claimed == ReminderLog.objects.count() == CLAIMS
    assert {first.claimed, second.claimed} == {0, CLAIMS}
    assert len(mail.outbox) == AGENCIES * 2 + 1  # officers and leaders, the monitor
    assert_each_reminder_mailed_once()


def test_it_claims_once_by_the_constraint_alone(busy, monkeypatch):
    monkeypatch.setattr(reminders, "advisory_xact_lock", lambda name, wait=True: True)

    with time_machine.travel(at(ON), tick=False):
        first, second = at_once(
            lambda: reminders_sweep(as_of=ON), lambda: reminders_sweep(as_of=ON)
        )

    assert first.claimed + second.claimed == ReminderLog.objects.count() == CLAIMS
    assert_each_reminder_mailed_once()


def test_it_sends_one_digest_when_two_workers_take_the_same_recipient(busy):
    with time_machine.travel(at(ON), tick=False):
        summary = reminders.reminders_claim(as_of=ON)
        key = summary.recipients[0]
        sent = at_once(
            lambda: reminder_digest_send(recipient_key=key, as_of=ON),
            lambda: reminder_digest_send(recipient_key=key, as_of=ON),
        )

    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1


def test_it_creates_report_tasks_once_when_two_beats_run_at_once():
    with transaction.atomic():
        report = ReportingObligation.objects.create(
            directive=DirectiveFactory(), starts_on=day("01/01/2019")
        )
        report.agencies.set([AgencyFactory() for _n in range(20)])

    created = at_once(
        lambda: report_cycles_create(as_of=day("01/03/2019")),
        lambda: report_cycles_create(as_of=day("01/03/2019")),
    )

    assert sorted(created) == [0, 20]
    assert RemediationTask.objects.count() == ReportingCycleTask.objects.count() == 20
