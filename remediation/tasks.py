"""Celery entry points: take ids, load, call a service."""

from __future__ import annotations

import smtplib

from celery import shared_task

from .models import Notification
from .services.emails import notification_send_email


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


# The dashboard's snapshot and the synthesis exports (issue 8).
from .reports.tasks import export_summary, refresh_dashboard_snapshot  # noqa: E402, F401
