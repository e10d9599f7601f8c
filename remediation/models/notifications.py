from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .tasks import RemediationTask


class NotificationKind(models.TextChoices):
    SUBMITTED_FOR_APPROVAL = "submitted_for_approval", _("Báo cáo chờ phê duyệt")
    SUBMITTED = "submitted", _("Báo cáo gửi Sở Nội vụ")
    APPROVED = "approved", _("Lãnh đạo đã phê duyệt")
    SENT_BACK = "sent_back", _("Lãnh đạo trả lại báo cáo")
    RETURNED = "returned", _("Sở Nội vụ trả lại báo cáo")
    ACCEPTED = "accepted", _("Sở Nội vụ chấp nhận báo cáo")
    EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
    EXTENSION_GRANTED = "extension_granted", _("Đồng ý gia hạn")
    EXTENSION_REFUSED = "extension_refused", _("Không đồng ý gia hạn")
    COMMENTED = "commented", _("Ý kiến mới")
    REASSIGNED = "reassigned", _("Phân công lại")
    REMINDER = "reminder", _("Nhắc hạn báo cáo")

    def message(self, params: dict) -> str:
        template = MESSAGES.get(self.value)
        try:
            return str(template) % params if template else str(self.label)
        except (KeyError, TypeError, ValueError):
            return str(self.label)


# Each message takes the task's code or title as %(task)s and the actor as %(actor)s.
MESSAGES = {
    "submitted_for_approval": _("%(actor)s gửi báo cáo nhiệm vụ %(task)s, chờ phê duyệt"),
    "submitted": _("%(actor)s gửi báo cáo nhiệm vụ %(task)s tới Sở Nội vụ"),
    "approved": _("%(actor)s phê duyệt báo cáo nhiệm vụ %(task)s, gửi Sở Nội vụ"),
    "sent_back": _("%(actor)s trả lại báo cáo nhiệm vụ %(task)s"),
    "returned": _("Sở Nội vụ trả lại báo cáo nhiệm vụ %(task)s, yêu cầu bổ sung"),
    "accepted": _("Sở Nội vụ chấp nhận báo cáo, nhiệm vụ %(task)s hoàn thành"),
    "extension_requested": _("%(actor)s đề nghị gia hạn nhiệm vụ %(task)s đến %(date)s"),
    "extension_granted": _("Nhiệm vụ %(task)s được gia hạn đến %(date)s"),
    "extension_refused": _("Đề nghị gia hạn nhiệm vụ %(task)s không được chấp nhận"),
    "commented": _("%(actor)s cho ý kiến về nhiệm vụ %(task)s"),
    "reassigned": _("Nhiệm vụ %(task)s được phân công lại"),
    "reminder": _("Nhắc hạn: %(count)s nhiệm vụ sắp đến hạn hoặc quá hạn"),
}


class Notification(models.Model):
    """An in-app notification; its e-mail copy is sent after commit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=30, choices=NotificationKind.choices)
    # Rendered in the reader's language when shown (see ``text``).
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    link = models.CharField(_("liên kết"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return str(self.text)

    @property
    def text(self) -> str:
        return NotificationKind(self.kind).message(self.params)
