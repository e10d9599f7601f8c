from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .tasks import RemediationTask


def evidence_storage():
    """Outside MEDIA_ROOT: evidence is served only by the view that checks scope."""
    return storages["evidence"]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo phê duyệt")
    SUBMITTED = "submitted", _("Đã gửi Sở Nội vụ")
    SENT_BACK = "sent_back", _("Lãnh đạo trả lại")
    RETURNED = "returned", _("Sở Nội vụ trả lại")
    ACCEPTED = "accepted", _("Được chấp nhận")


class RemediationReport(models.Model):
    """One version of an agency's report on a task. Once submitted, a version
    is never edited: a resubmission is a new version beside it."""

    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    version = models.PositiveIntegerField(_("lần báo cáo"), default=1)
    state = models.CharField(
        _("tình trạng"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        on_delete=models.PROTECT,
        related_name="remediation_reports",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    submitted_at = models.DateTimeField(_("thời điểm báo cáo"), null=True, blank=True)
    content = models.TextField(_("kết quả khắc phục"))
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("báo cáo khắc phục")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo khắc phục")
        ordering = ["task", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["task", "version"], name="report_task_version"),
            # At most one draft per task: saving a draft again updates it.
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="draft"), name="report_one_draft_per_task"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_0_100"),
        ]

    def __str__(self) -> str:
        return _("%(task)s (lần %(version)s)") % {"task": self.task, "version": self.version}

    @property
    def is_draft(self) -> bool:
        return self.state == ReportState.DRAFT


class Evidence(models.Model):
    """An evidence file (tài liệu kiểm chứng) of one report version."""

    report = models.ForeignKey(
        RemediationReport,
        verbose_name=_("báo cáo"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("tệp"), storage=evidence_storage, upload_to="%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("loại tệp"), max_length=10)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = pgettext_lazy("plural", "tài liệu kiểm chứng")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name
