"""The reminder schedule: each threshold on its day and no other, counted from
the effective due date, once, with catch-up after days without a sweep."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.models import ReminderLog
from remediation.models.reminders import user_key
from remediation.services.reminders import reminder_thresholds, reminders_claim, reminders_plan
from remediation.tasks import reminders_sweep_task
from remediation.tests.reminder_helpers import (
    DUE,
    VN,
    day,
    mails_to,
    make_scene,
    sweep,
    thresholds_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(monkeypatch):
    return make_scene(monkeypatch)


EXPECTED_DAYS = {
    "23/11/2019": -7,
    "27/11/2019": -3,
    "29/11/2019": -1,
    "30/11/2019": 0,
    "01/12/2019": 1,
    "08/12/2019": 8,
    "15/12/2019": 15,
    "22/12/2019": 22,
    "29/12/2019": 29,
}


def daily(first, last):
    on = first
    while on <= last:
        yield on
        on += datetime.timedelta(days=1)


def test_it_has_the_default_thresholds():
    assert reminder_thresholds() == [-7, -3, -1, 0, 1, 8, 15, 22, 29]


def test_it_reminds_on_each_threshold_day_and_on_no_other(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)
    mailed = {}
    for on in daily(day("01/11/2019"), day("31/01/2020")):
        before = len(mail.outbox)
        summary = sweep(on, django_capture_on_commit_callbacks)
        if len(mail.outbox) > before:
            mailed[on.strftime("%d/%m/%Y")] = list(summary.tasks_by_threshold)

    assert mailed == {date: [threshold] for date, threshold in EXPECTED_DAYS.items()}
    assert thresholds_of(task, user_key(scene.officer.pk)) == sorted(EXPECTED_DAYS.values())
    assert len(mails_to(scene.officer.email)) == 9  # at most 5 overdue reminders


def test_it_counts_from_the_extended_due_date(scene, django_capture_on_commit_callbacks):
    task = scene.task(due_date=DUE, extended_due_date=day("15/12/2019"))
    mailed = []
    for on in daily(day("20/11/2019"), day("17/12/2019")):
        before = len(mails_to(scene.officer.email))
        sweep(on, django_capture_on_commit_callbacks)
        if len(mails_to(scene.officer.email)) > before:
            mailed.append(on.strftime("%d/%m/%Y"))

    assert mailed == ["08/12/2019", "12/12/2019", "14/12/2019", "15/12/2019", "16/12/2019"]
    assert set(ReminderLog.objects.filter(task=task).values_list("due_date", flat=True)) == {
        day("15/12/2019")
    }


def test_it_starts_a_new_series_when_an_extension_is_granted(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)
    sweep(day("23/11/2019"), django_capture_on_commit_callbacks)  # 7 days before 30/11
    type(task).objects.filter(pk=task.pk).update(extended_due_date=day("07/12/2019"))

    sweep(day("30/11/2019"), django_capture_on_commit_callbacks)  # 7 days before 07/12

    logs = ReminderLog.objects.filter(task=task, recipient_key=user_key(scene.officer.pk))
    assert sorted(logs.values_list("due_date", "threshold")) == [
        (DUE, -7),
        (day("07/12/2019"), -7),
    ]
    [digest] = mails_to(scene.officer.email)[1:]
    assert "07/12/2019 (còn 7 ngày)" in digest.body


def test_it_sends_nothing_twice_when_the_sweep_runs_again(
    scene, django_capture_on_commit_callbacks
):
    scene.task(due_date=DUE)
    first = sweep(day("23/11/2019"), django_capture_on_commit_callbacks)
    logs = ReminderLog.objects.count()
    sent = len(mail.outbox)

    again = sweep(day("23/11/2019"), django_capture_on_commit_callbacks, hour=15)

    assert (first.claimed, len(first.recipients)) == (2, 2)  # the officer and the leader
    assert (again.claimed, again.recipients) == (0, [])
    assert ReminderLog.objects.count() == logs
    assert len(mail.outbox) == sent


def test_it_refuses_a_second_log_of_the_same_reminder(scene):
    task = scene.task(due_date=DUE)
    values = {"task": task, "due_date": DUE, "threshold": -7,
              "recipient_key": user_key(scene.officer.pk), "claimed_at": timezone.now()}  # fmt: skip
    ReminderLog.objects.create(**values)

    with pytest.raises(IntegrityError):
        ReminderLog.objects.create(**values)


def test_it_sends_only_the_latest_missed_threshold_after_a_gap(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)
    sweep(day("18/11/2019"), django_capture_on_commit_callbacks)  # 12 days before: nothing

    summary = sweep(day("28/11/2019"), django_capture_on_commit_callbacks)  # 10 days later

    assert summary.tasks_by_threshold == {-3: 1}
    assert thresholds_of(task) == [-3]
    [digest] = mails_to(scene.officer.email)
    assert "30/11/2019 (còn 2 ngày)" in digest.body
    sweep(day("29/11/2019"), django_capture_on_commit_callbacks)
    assert thresholds_of(task) == [-3, -1]


def test_it_catches_up_an_overdue_task_once_not_in_a_burst(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)

    sweep(day("17/12/2019"), django_capture_on_commit_callbacks)  # missed 01/12, 08/12, 15/12
    sweep(day("18/12/2019"), django_capture_on_commit_callbacks)

    assert thresholds_of(task) == [15]
    assert len(mails_to(scene.officer.email)) == 1


def test_it_stops_after_the_last_overdue_reminder(scene, django_capture_on_commit_callbacks):
    scene.task(due_date=DUE)

    summary = sweep(day("05/01/2020"), django_capture_on_commit_callbacks)  # overdue 36 days

    assert summary.claimed == 0
    assert mail.outbox == []


def test_it_is_not_overdue_at_2330_in_vietnam_on_the_due_day(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)

    utc = datetime.datetime(2019, 11, 30, 16, 30, tzinfo=datetime.UTC)
    with time_machine.travel(utc, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert timezone.localtime().strftime("%d/%m %H:%M") == "30/11 23:30"
        reminders_sweep_task()

    assert thresholds_of(task) == [0]
    [digest] = mails_to(scene.officer.email)
    assert "ĐẾN HẠN HÔM NAY (1)" in digest.body
    assert "QUÁ HẠN" not in digest.body


def test_it_is_overdue_at_0030_in_vietnam_the_next_day(scene, django_capture_on_commit_callbacks):
    task = scene.task(due_date=DUE)

    utc = datetime.datetime(2019, 11, 30, 17, 30, tzinfo=datetime.UTC)
    with time_machine.travel(utc, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert timezone.localtime().astimezone(VN).strftime("%d/%m %H:%M") == "01/12 00:30"
        reminders_sweep_task()

    assert thresholds_of(task) == [1]
    [digest] = mails_to(scene.officer.email)
    assert "QUÁ HẠN (1)" in digest.body
    assert "quá hạn 1 ngày" in digest.body


def test_it_plans_only_the_due_dates_with_a_reminder_in_force():
    plan = reminders_plan(as_of=day("30/11/2019"))

    assert (plan[0].due_date, plan[0].threshold) == (day("07/12/2019"), -7)
    assert (plan[-1].due_date, plan[-1].threshold) == (day("26/10/2019"), 29)
    assert len(plan) == 43


def claim_queries(on):
    morning = datetime.datetime(on.year, on.month, on.day, 7, tzinfo=VN)
    with time_machine.travel(morning), CaptureQueriesContext(connection) as queries:
        reminders_claim(as_of=on)
    return len(queries)


def test_it_claims_with_the_same_queries_for_any_number_of_tasks(scene):
    scene.task(due_date=DUE)
    few = claim_queries(day("23/11/2019"))
    for n in range(20):
        agency = AgencyFactory(official_email=f"cq{n}@tuyenquang.example.vn" if n % 2 else "")
        UserFactory(agency=agency)
        for due in (DUE, day("01/12/2019"), day("20/11/2019")):
            scene.task(lead_agency=agency, due_date=due)

    many = claim_queries(day("27/11/2019"))

    assert ReminderLog.objects.count() > 60
    assert many == few
