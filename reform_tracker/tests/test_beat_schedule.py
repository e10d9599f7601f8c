"""CELERY_BEAT_SCHEDULE: every entry expires, the reminder sweep runs daily
at REMINDER_SWEEP_TIME in Vietnam, and a bad time stops start-up."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from reform_tracker import celery_app
from reform_tracker.settings import env_time


def test_it_gives_every_beat_entry_a_task_and_an_expiry():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, name
        assert entry["options"]["expires"] > 0, name


def test_it_sweeps_reminders_daily_at_0730_vietnam_time():
    schedule = settings.CELERY_BEAT_SCHEDULE["reminders-sweep"]["schedule"]

    assert schedule == crontab(hour=7, minute=30)
    assert celery_app.conf.timezone == "Asia/Ho_Chi_Minh"


def test_it_reads_the_sweep_time_from_the_environment(monkeypatch):
    monkeypatch.setenv("REMINDER_SWEEP_TIME", "06:05")

    assert env_time("REMINDER_SWEEP_TIME", "07:30") == (6, 5)


@pytest.mark.parametrize("value", ["7h30", "24:00", "07:60", "7"])
def test_it_refuses_a_bad_sweep_time(monkeypatch, value):
    monkeypatch.setenv("REMINDER_SWEEP_TIME", value)

    with pytest.raises(ImproperlyConfigured) as error:
        env_time("REMINDER_SWEEP_TIME", "07:30")

    assert str(error.value) == (
        f"REMINDER_SWEEP_TIME={value!r}: cần giờ dạng HH:MM, ví dụ 07:30 (giờ Việt Nam)."
    )


def test_it_holds_one_message_per_worker_process():
    assert celery_app.conf.worker_prefetch_multiplier == 1
