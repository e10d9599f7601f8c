from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .tasks import RemediationTask

USER_PREFIX = "u:"
MAILBOX_PREFIX = "m:"


def user_key(user_id: int) -> str:
    return f"{USER_PREFIX}{user_id}"


def mailbox_key(address: str) -> str:
    return f"{MAILBOX_PREFIX}{address.lower()}"


def user_id_of(key: str) -> int | None:
    return int(key[len(USER_PREFIX) :]) if key.startswith(USER_PREFIX) else None


class ReminderLog(models.Model):
    """One reminder of one task to one recipient at one threshold.

    The row is inserted (claimed) before the mail goes out: the unique
    constraint makes "sent at most once" a database fact, whatever the number
    of sweeps, beats or workers. ``sent_at`` is set in the transaction that
    sent the digest carrying it; a failed send leaves it empty for the retry
    and the next sweep.
    """

    # Deleting a task deletes its log through the ORM (CASCADE), but there is
    # no database constraint: checking one locks the task row for every
    # claimed reminder, which took 40 % of a first sweep over 1M tasks.
    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="reminder_logs",
        db_constraint=False,
        db_index=False,  # the unique index leads with the task
    )
    # A threshold is a number of days from a due date: a granted extension
    # starts a new series of reminders counted from the new date.
    due_date = models.DateField(_("hạn tính nhắc"))
    threshold = models.SmallIntegerField(_("mốc nhắc (ngày so với hạn)"))
    # "u:<user id>" or "m:<mailbox address, lower case>". Kept narrow, with
    # no user foreign key: a sweep may claim millions of rows.
    recipient_key = models.CharField(_("người nhận"), max_length=300)
    claimed_at = models.DateTimeField(_("nhận xử lý lúc"))
    # Also set, without a mail, when the task no longer waited on anyone.
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nhật ký nhắc hạn")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký nhắc hạn")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "due_date", "threshold", "recipient_key"], name="reminder_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient_key", "claimed_at"],
                condition=Q(sent_at__isnull=True),
                name="reminder_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.threshold:+d} → {self.recipient_key}"

    @property
    def is_mailbox(self) -> bool:
        return self.recipient_key.startswith(MAILBOX_PREFIX)

    @property
    def user_id(self) -> int | None:
        return user_id_of(self.recipient_key)
