import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobStatus(models.TextChoices):
    PREVIEW_QUEUED = "preview_queued", _("Đang chờ kiểm tra")
    PREVIEWING = "previewing", _("Đang kiểm tra")
    PREVIEWED = "previewed", _("Đã kiểm tra, chờ xác nhận")
    REJECTED = "rejected", _("Có lỗi, không nhập")
    IMPORT_QUEUED = "import_queued", _("Đang chờ nhập")
    IMPORTING = "importing", _("Đang nhập")
    DONE = "done", _("Đã nhập xong")
    FAILED = "failed", _("Lỗi hệ thống")


RUNNING_STATUSES = (
    JobStatus.PREVIEW_QUEUED,
    JobStatus.PREVIEWING,
    JobStatus.IMPORT_QUEUED,
    JobStatus.IMPORTING,
)


class ImportJob(models.Model):
    """One import of a workbook, from the admin (preview, then confirm; large
    files in the background) or from a command (no uploader)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại dữ liệu"), max_length=20)
    # Empty only when the file was refused for its size and not kept.
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
        null=True,
        blank=True,
        help_text=_("Trống: nhập bằng lệnh trên máy chủ."),
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=JobStatus.choices, default=JobStatus.PREVIEW_QUEUED
    )
    preview = models.JSONField(_("kết quả kiểm tra"), null=True, blank=True)
    result = models.JSONField(_("kết quả nhập"), null=True, blank=True)
    error = models.TextField(_("lỗi hệ thống"), blank=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)
    # Set when a worker claims a step: a claim older than the task time limit
    # means the worker died (services.import_jobs_fail_stuck).
    claimed_at = models.DateTimeField(_("thời điểm bắt đầu xử lý"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần xử lý"), default=0)

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "lượt nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def kind_label(self) -> str:
        """What was imported, in the active language (“Tồn tại, hạn chế”)."""
        from .registry import importer_class  # the importers load the domain apps

        try:
            return str(importer_class(self.kind).label)
        except KeyError:  # an importer since removed from settings.IMPORTERS
            return self.kind
