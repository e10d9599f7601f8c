"""One reminder digest: every unsent reminder of one recipient, in one mail.

One digest of a recipient at a time (an advisory lock on PostgreSQL; SQLite
transactions take the write lock first): a second worker or a retry running
meanwhile leaves at once. The mail goes out, then the rows are marked sent
in the same transaction; a failed send rolls back, leaving them unsent for
the Celery retry and the next sweep.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from reform_tracker import emails

from ..deadlines import DeadlineState
from ..filters import NOT_COMPLETED
from ..models import Notification, NotificationKind, ReminderLog, TaskStatus
from ..models.reminders import MAILBOX_PREFIX, user_id_of
from .locks import advisory_xact_lock

UPDATE_CHUNK = 5000  # ids per UPDATE: SQLite takes at most 32,766 parameters


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str
    user: User | None = None


def _recipient(key: str) -> Recipient | None:
    """Who a key names now: an active user with an address, or the mailbox of
    one or more agencies (as they spell it)."""
    user_id = user_id_of(key)
    if user_id is not None:
        user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
        return Recipient(user.email, user.display_name, user) if user else None
    address = key[len(MAILBOX_PREFIX) :]
    agencies = list(
        Agency.objects.filter(official_email__iexact=address).values_list("name", "official_email")
    )
    if not agencies:  # the agency changed its mailbox since the claim
        return Recipient(address, address)
    return Recipient(agencies[0][1], ", ".join(sorted(name for name, _email in agencies)))


GROUPS = [
    (DeadlineState.OVERDUE, _("Quá hạn"), DeadlineState.OVERDUE.value),
    ("due_today", _("Đến hạn hôm nay"), DeadlineState.DUE_SOON.value),
    (DeadlineState.IN_TIME, _("Sắp đến hạn"), NOT_COMPLETED),
]


def _group_of(due: datetime.date, as_of: datetime.date) -> str:
    if due < as_of:
        return DeadlineState.OVERDUE
    return "due_today" if due == as_of else DeadlineState.IN_TIME


class RowText:
    """The words of a digest row, translated once per digest: a digest may
    list hundreds of rows, and Django templates are slow per variable."""

    def __init__(self) -> None:
        self.overdue = str(_("quá hạn %(days)s ngày"))
        self.today = str(_("hạn hôm nay"))
        self.left = str(_("còn %(days)s ngày"))
        self.statuses = {value: str(label) for value, label in TaskStatus.choices}
        # reverse() once, then the id put in: hundreds of rows per digest.
        sentinel = "2147483647"
        url = emails.absolute_url(reverse("task_detail", args=[int(sentinel)]))
        self.task_url = url.replace("%", "%%").replace(sentinel, "%s")

    def days(self, due: datetime.date, as_of: datetime.date) -> str:
        days = (as_of - due).days
        if days > 0:
            return self.overdue % {"days": days}
        return self.today if days == 0 else self.left % {"days": -days}


def _digest_context(recipient: Recipient, rows: list[tuple], as_of: datetime.date) -> dict:
    """Tasks grouped overdue / due today / coming, each group capped at
    REMINDER_DIGEST_MAX_ROWS rows with a link to the rest in the task list."""
    limit = settings.REMINDER_DIGEST_MAX_ROWS
    home = reverse("home")
    by_group: dict[str, list[tuple]] = {key: [] for key, _label, _filter in GROUPS}
    for row in sorted(rows, key=lambda r: (r[3], r[2], r[0])):
        by_group[_group_of(row[3], as_of)].append(row)
    text = RowText()
    groups = []
    for key, label, deadline_filter in GROUPS:
        tasks = by_group[key]
        if not tasks:
            continue
        listed = [
            {
                "title": title,
                "url": text.task_url % task_id,
                "agency": agency,
                "due": f"{due:%d/%m/%Y}",
                "status": text.statuses.get(status, status),
                "days": text.days(due, as_of),
            }
            for task_id, status, title, due, agency in tasks[:limit]
        ]
        more_link = emails.absolute_url(f"{home}?{urlencode({'thoi_han': deadline_filter})}")
        groups.append(
            {
                "key": key,
                "label": label,
                "count": len(tasks),
                "tasks": listed,
                "more": len(tasks) - len(listed),
                "more_link": more_link,
            }
        )
    counts = {group["key"]: group["count"] for group in groups}
    return {
        "recipient_name": recipient.name,
        "as_of": as_of,
        "total": len(rows),
        "overdue": counts.get(DeadlineState.OVERDUE, 0),
        "due_today": counts.get("due_today", 0),
        "coming": counts.get(DeadlineState.IN_TIME, 0),
        "groups": groups,
        "list_link": emails.absolute_url(home),
    }


def _mark_sent(ids: list[int], now: datetime.datetime) -> None:
    for start in range(0, len(ids), UPDATE_CHUNK):
        ReminderLog.objects.filter(pk__in=ids[start : start + UPDATE_CHUNK]).update(sent_at=now)


def reminder_digest_send(*, recipient_key: str, as_of: datetime.date) -> bool:
    """Send ``recipient_key`` one mail with all their unsent reminders (and an
    in-app notification for a user). False when there was nothing to send."""
    now = timezone.now()
    since = now - datetime.timedelta(days=settings.REMINDER_RETRY_DAYS)
    with transaction.atomic():
        # A duplicate task (a retry, the next sweep) running meanwhile leaves
        # rather than mail a part; only digests write sent_at.
        if not advisory_xact_lock(f"reminders.digest:{recipient_key}", wait=False):
            return False
        logs = list(
            ReminderLog.objects.filter(
                recipient_key=recipient_key, sent_at__isnull=True, claimed_at__gte=since
            ).values_list(
                "pk",
                "task_id",
                "task__status",
                "task__title",
                "task__effective_due_date",
                "task__lead_agency__name",
            )
        )
        if not logs:
            return False
        recipient = _recipient(recipient_key)
        if recipient is None:  # account closed: its reminders expire unsent
            return False
        # A task completed since the claim is dropped; one row per task.
        waiting = {row[1]: row[1:] for row in logs if row[2] != TaskStatus.COMPLETED}
        rows = list(waiting.values())
        if rows:
            context = _digest_context(recipient, rows, as_of)
            emails.send("reminder", [recipient.address], context)
        _mark_sent([row[0] for row in logs], now)
        if rows and recipient.user is not None:
            Notification.objects.create(
                user=recipient.user,
                kind=NotificationKind.REMINDER,
                params={"count": len(rows)},
                link=f"{reverse('home')}?{urlencode({'thoi_han': NOT_COMPLETED})}",
            )
    return bool(rows)
