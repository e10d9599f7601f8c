"""The daily reminder sweep: plan, claim, dispatch one digest per recipient.

Set-based from end to end (``reminder_sql``): one INSERT ... SELECT claims
every (task, recipient, threshold) due today and answers who was claimed,
whatever the number of tasks. The unique constraint on the reminder log
makes each claim happen once, across repeated sweeps, two beats and
concurrent workers; a digest task per recipient then sends and marks what it
sent (``reminder_digests``).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Role, User

from ..models import ReminderLog
from ..models.reminders import user_id_of
from .locks import advisory_xact_lock
from .reminder_digests import reminder_digest_send
from .reminder_sql import CANDIDATES, candidates_sql, claim_sql, table, tasks_claimed_sql

logger = logging.getLogger(__name__)

MAILBOX = "mailbox"  # recipient kind of an agency's official mailbox
ANALYZE_AFTER = 10_000  # claims


def reminder_thresholds() -> list[int]:
    """Days from the effective due date at which a task is reminded, in order:
    -7, -3, -1, 0 then overdue 1, 8, 15, 22, 29 with the defaults."""
    before = {-abs(days) for days in settings.REMINDER_DAYS_BEFORE}
    every = max(settings.REMINDER_OVERDUE_EVERY_DAYS, 1)
    overdue = {1 + every * n for n in range(max(settings.REMINDER_OVERDUE_MAX, 0))}
    return sorted(before | overdue)


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """Tasks due on ``due_date`` get the ``threshold`` reminder on the sweep day,
    being ``overdue_days`` past it (negative: days left)."""

    due_date: datetime.date
    threshold: int
    overdue_days: int


def reminders_plan(*, as_of: datetime.date) -> list[PlannedDay]:
    """For each due date with a reminder in force on ``as_of``, the latest
    threshold reached.

    A daily sweep reaches each threshold on its day. After days without a
    sweep, a task gets only the latest threshold it missed (no burst of old
    ones); the last threshold stays in force until the next one would have
    come, so a task long overdue is not reminded beyond the policy.
    """
    thresholds = reminder_thresholds()
    if not thresholds:
        return []
    last = thresholds[-1]
    horizon = last + settings.REMINDER_OVERDUE_EVERY_DAYS - 1 if last > 0 else last
    plan = []
    for days in range(thresholds[0], horizon + 1):
        reached = max(t for t in thresholds if t <= days)
        plan.append(PlannedDay(as_of - datetime.timedelta(days=days), reached, days))
    return plan


@dataclass
class SweepSummary:
    as_of: datetime.date
    claimed: int = 0  # (task, recipient) reminders claimed by this sweep
    tasks_by_threshold: dict[int, int] = field(default_factory=dict)
    recipients: list[str] = field(default_factory=list)  # keys to mail, new and unsent
    recipients_by_kind: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "claimed": self.claimed,
            "tasks_by_threshold": {str(k): v for k, v in self.tasks_by_threshold.items()},
            "digests": len(self.recipients),
            "recipients_by_kind": self.recipients_by_kind,
            "sent": self.sent,
            "failed": self.failed,
        }


def _pending(since: datetime.datetime) -> set[str]:
    """Recipients of reminders claimed earlier and never sent (a failed mail,
    a lost worker): read before today's claim, while the index is small."""
    log = table(ReminderLog)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT recipient_key FROM {log} "  # noqa: S608
            "WHERE sent_at IS NULL AND claimed_at >= %s",
            [since],
        )
        return {key for (key,) in cursor.fetchall()}


def _claim(summary: SweepSummary, plan: list[PlannedDay], now: datetime.datetime) -> set[str]:
    """Insert today's reminders; the recipients claimed."""
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(*candidates_sql(plan))
        if pg:  # temporary tables get no statistics from autovacuum
            cursor.execute(f"ANALYZE {CANDIDATES}")
        try:
            # A plain INSERT is the fast path: these tasks have no reminder at
            # today's threshold, and the branches reach each recipient once.
            with transaction.atomic():
                cursor.execute(*claim_sql(now, skip_claimed=False))
                returned = cursor.fetchall()  # SQLite returns rows as it inserts
        except IntegrityError:
            # Claimed meanwhile (outside the sweep lock) or reached twice:
            # the unique constraint has the last word, those rows are skipped.
            cursor.execute(*claim_sql(now, skip_claimed=True))
            returned = cursor.fetchall()
        recipients = _tally(summary, returned)
        cursor.execute(*tasks_claimed_sql())
        summary.tasks_by_threshold = dict(sorted(cursor.fetchall()))
        cursor.execute(f"DROP TABLE {CANDIDATES}")
        if pg and summary.claimed > ANALYZE_AFTER:
            # The digests look their rows up by recipient: plan them on
            # today's table, not on statistics from before a large claim.
            cursor.execute(f"ANALYZE {table(ReminderLog)}")
    return recipients


def _tally(summary: SweepSummary, returned: list[tuple]) -> set[str]:
    """Reminders claimed and their recipients, from the claim's answer."""
    if connection.vendor == "postgresql":  # (recipient, reminders), counted there
        counts = dict(returned)
    else:  # a (recipient,) row per reminder
        counts = Counter(key for (key,) in returned)
    summary.claimed = sum(counts.values())
    return set(counts)


def _recipient_kinds(keys: list[str]) -> dict[str, int]:
    roles = dict(User.objects.values_list("pk", "role"))
    kinds: Counter[str] = Counter()
    for key in keys:
        user_id = user_id_of(key)
        kinds[MAILBOX if user_id is None else roles.get(user_id, Role.OFFICER)] += 1
    return dict(kinds)


def reminders_claim(*, as_of: datetime.date) -> SweepSummary:
    """Claim today's reminders and list the recipients to mail (no mail yet):
    everyone claimed now, and everyone with an earlier reminder unsent."""
    summary = SweepSummary(as_of=as_of)
    plan = reminders_plan(as_of=as_of)
    with transaction.atomic():
        # Sweeps claim one after another: two INSERTs of the same rows in a
        # different order could deadlock. The unique constraint, not this
        # lock, is what makes each reminder once.
        advisory_xact_lock("reminders.sweep")
        now = timezone.now()  # after the lock: a later sweep claims later
        recipients = _pending(now - datetime.timedelta(days=settings.REMINDER_RETRY_DAYS))
        if plan:
            recipients |= _claim(summary, plan, now)
        summary.recipients = sorted(recipients)
        summary.recipients_by_kind = _recipient_kinds(summary.recipients)
    return summary


SEND_ERRORS = (smtplib.SMTPException, OSError)


DISPATCH_CHUNK = 500  # recipients per message handed to the workers


def reminder_digests_queue(*, recipient_keys: list[str], as_of: datetime.date) -> int:
    """Queue one digest task per recipient, through one producer."""
    from ..tasks import send_reminder_digest

    queued = 0
    with send_reminder_digest.app.producer_or_acquire() as producer:
        for key in recipient_keys:
            try:
                send_reminder_digest.apply_async((key, as_of.isoformat()), producer=producer)
            except Exception:  # one recipient must not stop the others
                logger.exception("reminder digest to %s not queued", key)
            else:
                queued += 1
    return queued


def _dispatch(keys: list[str], as_of: datetime.date):
    """After commit, the recipients go to the workers in chunks, who queue
    their digests: a first sweep may have tens of thousands."""

    def dispatch_reminder_digests() -> None:
        from ..tasks import queue_reminder_digests

        for start in range(0, len(keys), DISPATCH_CHUNK):
            queue_reminder_digests.delay(keys[start : start + DISPATCH_CHUNK], as_of.isoformat())

    return dispatch_reminder_digests


def reminders_sweep(*, as_of: datetime.date, synchronous: bool = False) -> SweepSummary:
    """The daily sweep: claim, then one digest per recipient.

    By default each digest is a Celery task queued after commit (a failure
    retries that recipient alone); a sweep that lost its worker after commit
    leaves its reminders unsent, and the next sweep sends them.
    ``synchronous`` sends them here, one by one, for ``send_reminders``.
    """
    with transaction.atomic():
        summary = reminders_claim(as_of=as_of)
        if not synchronous:
            transaction.on_commit(_dispatch(summary.recipients, as_of), robust=True)
    if synchronous:
        for key in summary.recipients:
            try:
                sent = reminder_digest_send(recipient_key=key, as_of=as_of)
            except SEND_ERRORS:
                logger.exception("reminder digest to %s failed", key)
                summary.failed += 1
            else:
                summary.sent += int(sent)
    logger.info("reminder sweep %s", summary.as_dict())
    return summary


def threshold_label(threshold: int) -> str:
    if threshold < 0:
        return _("%(days)s ngày trước hạn") % {"days": -threshold}
    if threshold == 0:
        return _("đúng ngày đến hạn")
    return _("quá hạn %(days)s ngày") % {"days": threshold}
