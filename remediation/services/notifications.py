"""In-app notifications, with an e-mail copy sent by Celery after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, User

from ..models import Notification, NotificationKind, RemediationTask


def agency_users(agency_id: int | None, roles: Iterable[str]) -> QuerySet[User]:
    if agency_id is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, agency_id=agency_id, role__in=list(roles))


def coordinators() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.COORDINATOR)


def notify(
    *,
    users: Iterable[User],
    kind: NotificationKind,
    task: RemediationTask | None = None,
    params: dict | None = None,
    link: str = "",
    exclude: User | None = None,
    email: bool = True,
) -> list[Notification]:
    """One notification per distinct user (never the actor), e-mailed after commit."""
    seen: set[int] = set()
    recipients = []
    for user in users:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        recipients.append(user)
    if task is not None and not link:
        link = reverse("task_detail", args=[task.pk])
    created = Notification.objects.bulk_create(
        Notification(user=u, task=task, kind=kind, params=params or {}, link=link)
        for u in recipients
    )
    if email:
        from ..tasks import send_notification_email

        for notification in created:
            if notification.user.email:
                transaction.on_commit(lambda pk=notification.pk: send_notification_email.delay(pk))
    return created


def notification_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(Q(pk__in=list(ids)))
    return unread.update(read_at=timezone.now())
