"""Reminders through a real SMTP exchange (Django's SMTP backend talking to a
server on 127.0.0.1): a failure for one recipient does not stop the others,
is retried by Celery, and the next sweep sends what is still unsent."""

import socket

import pytest

from reform_tracker import celery_app
from remediation.models import Notification, ReminderLog
from remediation.models.reminders import user_key
from remediation.tests.reminder_helpers import DUE, day, make_scene, sweep
from remediation.tests.smtp_server import TinySMTPServer

pytestmark = pytest.mark.django_db

SEVEN_BEFORE = day("23/11/2019")


@pytest.fixture
def scene(monkeypatch):
    # Eager tasks retry in place only when their errors do not propagate.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    return make_scene(monkeypatch)


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    with TinySMTPServer() as server:
        settings.EMAIL_PORT = server.port
        yield server


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unsent(user):
    return ReminderLog.objects.filter(recipient_key=user_key(user.pk), sent_at__isnull=True)


def test_it_retries_a_refused_recipient_until_the_server_accepts(
    scene, smtp, django_capture_on_commit_callbacks
):
    scene.task(due_date=DUE)
    smtp.refuse_first[scene.officer.email] = 2

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert smtp.refusals[scene.officer.email] == 2
    [digest] = smtp.received_by(scene.officer.email)
    assert digest["Subject"].strip() == "[CCHC] Nhắc hạn báo cáo: 1 nhiệm vụ"
    assert len(smtp.received_by(scene.leader.email)) == 1
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()


def test_it_keeps_a_failed_recipient_unsent_for_the_next_sweep_without_stopping_others(
    scene, smtp, django_capture_on_commit_callbacks
):
    scene.task(due_date=DUE)
    smtp.refuse_first[scene.officer.email] = 1000

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert smtp.refusals[scene.officer.email] == 6  # the first try and 5 retries
    assert smtp.received_by(scene.officer.email) == []
    assert unsent(scene.officer).count() == 1
    assert len(smtp.received_by(scene.leader.email)) == 1
    assert not Notification.objects.filter(user=scene.officer).exists()

    smtp.refuse_first.clear()
    summary = sweep(day("24/11/2019"), django_capture_on_commit_callbacks)

    assert (summary.claimed, summary.recipients) == (0, [user_key(scene.officer.pk)])
    assert len(smtp.received_by(scene.officer.email)) == 1
    assert len(smtp.received_by(scene.leader.email)) == 1
    assert not unsent(scene.officer).exists()
    assert Notification.objects.filter(user=scene.officer).count() == 1


def test_it_survives_a_mail_server_that_is_down_and_sends_once_it_is_up(
    scene, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 5
    scene.task(due_date=DUE)

    down = sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert down.claimed == 2
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 2
    with TinySMTPServer() as server:
        settings.EMAIL_PORT = server.port
        sweep(day("24/11/2019"), django_capture_on_commit_callbacks)
        sweep(day("25/11/2019"), django_capture_on_commit_callbacks)
        assert len(server.received_by(scene.officer.email)) == 1
        assert len(server.received_by(scene.leader.email)) == 1
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
