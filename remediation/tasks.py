"""Celery entry points: take ids, load, call a service."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from .models import Notification
from .services.emails import notification_send_email
from .services.reminder_digests import reminder_digest_send
from .services.reminders import SEND_ERRORS, reminder_digests_queue, reminders_sweep
from .services.report_cycles import report_cycles_create


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, OSError),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def send_notification_email(self, notification_id: int) -> bool:
    notification = (
        Notification.objects.select_related("user", "task", "task__lead_agency")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:  # deleted with its task before the mail went out
        return False
    return notification_send_email(notification=notification)


@shared_task(name="remediation.reminders_sweep", acks_late=True, reject_on_worker_lost=True)
def reminders_sweep_task(as_of: str | None = None) -> dict:
    """The daily beat job. Killed mid-sweep, its transaction rolls back and the
    redelivered message runs it again; the reminder log makes that safe."""
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return reminders_sweep(as_of=day).as_dict()


@shared_task(name="remediation.queue_reminder_digests", acks_late=True, reject_on_worker_lost=True)
def queue_reminder_digests(recipient_keys: list[str], as_of: str) -> int:
    """A chunk of a sweep's recipients: queue each one's digest task (queued
    twice after a lost worker, a digest still goes once)."""
    day = datetime.date.fromisoformat(as_of)
    return reminder_digests_queue(recipient_keys=recipient_keys, as_of=day)


@shared_task(
    bind=True,
    name="remediation.send_reminder_digest",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=SEND_ERRORS,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def send_reminder_digest(self, recipient_key: str, as_of: str) -> bool:
    """One recipient's digest; a mail-server failure retries this one alone."""
    return reminder_digest_send(
        recipient_key=recipient_key, as_of=datetime.date.fromisoformat(as_of)
    )


@shared_task(name="remediation.report_cycles_create", acks_late=True, reject_on_worker_lost=True)
def report_cycles_task(as_of: str | None = None) -> int:
    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return report_cycles_create(as_of=day)


# The dashboard's snapshot and the synthesis exports (issue 8).
from .reports.tasks import export_summary, refresh_dashboard_snapshot  # noqa: E402, F401
