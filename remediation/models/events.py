from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..workflow import Action, TaskStatus
from .reports import RemediationReport
from .tasks import RemediationTask


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    GRANTED = "granted", _("Đồng ý")
    REFUSED = "refused", _("Không đồng ý")


class ExtensionRequest(models.Model):
    """A request to move a task's due date (gia hạn), and its decision."""

    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), default=timezone.now)
    due_date_before = models.DateField(_("hạn khi đề nghị"))
    requested_date = models.DateField(_("đề nghị gia hạn đến"))
    reason = models.TextField(_("lý do"))
    state = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_comment = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị gia hạn")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending"), name="extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return _("Gia hạn %(task)s đến %(date)s") % {
            "task": self.task,
            "date": self.requested_date.strftime("%d/%m/%Y"),
        }


class TaskEvent(models.Model):
    """One entry of a task's history: who did what, when, from which status
    to which, with what comment. Written by the workflow service only."""

    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    action = models.CharField(_("thao tác"), max_length=30, choices=Action.choices)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=20, choices=TaskStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("sang trạng thái"), max_length=20, choices=TaskStatus.choices, blank=True
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    report = models.ForeignKey(
        RemediationReport,
        verbose_name=_("báo cáo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    extension = models.ForeignKey(
        ExtensionRequest,
        verbose_name=_("đề nghị gia hạn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = pgettext_lazy("plural", "lịch sử xử lý")
        ordering = ["task", "created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="event_task_time")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action} {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def changes_status(self) -> bool:
        return bool(self.to_status) and self.to_status != self.from_status
