"""Synthesis exports run in the background, and the dashboard's snapshot."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import AgencyKind


def export_storage():
    """Outside MEDIA_ROOT: a synthesis is served only to the user who asked for it."""
    return storages["exports"]


def export_path(job: ExportJob, name: str) -> str:
    """A folder per job: the file keeps its own name (two of a day's reports
    would otherwise get a random suffix, which the download would carry)."""
    return f"{timezone.localdate():%Y/%m}/{job.pk}/{name}"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Bảng tính Excel (.xlsx)")
    DOCX = "docx", _("Văn bản Word (.docx)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập báo cáo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi hệ thống")


class ExportKind(models.TextChoices):
    SUMMARY = "summary", _("Báo cáo tổng hợp")
    AGENCY = "agency", _("Báo cáo kết quả khắc phục của cơ quan")


class ExportJob(models.Model):
    """A report too large to write during the request: a synthesis (its
    ``params`` the dashboard's filters) or an agency's report (``co_quan``
    and ``ngay``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    created_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    kind = models.CharField(
        _("loại báo cáo"), max_length=10, choices=ExportKind.choices, default=ExportKind.SUMMARY
    )
    format = models.CharField(_("định dạng"), max_length=10, choices=ExportFormat.choices)
    params = models.JSONField(_("bộ lọc"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(
        _("tệp"), storage=export_storage, upload_to=export_path, max_length=255, blank=True
    )
    error = models.TextField(_("lỗi"), blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lượt xuất báo cáo")
        verbose_name_plural = pgettext_lazy("plural", "lượt xuất báo cáo")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}, {self.get_format_display()} ({self.get_status_display()})"
        )

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


class DashboardSnapshot(models.Model):
    """The unfiltered dashboard of the province (no agency), of one of its
    agency levels, of one of its recent years, or of a monitoring
    department's scope, as of one day: read instead of
    aggregating very many tasks (see settings DASHBOARD_SNAPSHOT_MIN_TASKS);
    refreshed by Celery beat."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The province's view of one agency level (the dashboard's ``cap``),
    # or every level (blank).
    level = models.CharField(
        _("cấp"), max_length=20, choices=AgencyKind.choices, blank=True, default=""
    )
    # A calendar year's tasks (the dashboard's period, ``tu_ngay`` to
    # ``den_ngay``: its due dates), or every task (both empty).
    period_from = models.DateField(_("kỳ từ ngày"), null=True, blank=True)
    period_to = models.DateField(_("kỳ đến ngày"), null=True, blank=True)
    as_of = models.DateField(_("tính đến ngày"))
    computed_at = models.DateTimeField(_("tính lúc"), default=timezone.now)
    # The figures as JSON text (``snapshot.figures_to_json``), not jsonb: a
    # national snapshot is 4.5 MB, which PostgreSQL would parse on each
    # refresh and print again on each read (30 ms), and Python's json
    # would parse in 100 ms where orjson takes 25.
    data = models.TextField(_("số liệu"))
    # The database snapshot the figures were computed in (PostgreSQL's
    # ``pg_current_snapshot()``): whether anything was written since
    # (``dashboard.writes``).
    seen = models.TextField(_("ảnh dữ liệu"), blank=True, default="", editable=False)
    # The database snapshot whose writes the refresh forgot (an earlier
    # refresh's, ``snapshot.WRITES_KEPT`` old; its own where there was none),
    # and when it was taken: the columns kept in memory
    # (``dashboard.in_memory``) are brought up to date only from a later one.
    pruned = models.TextField(_("ảnh dữ liệu đã bỏ"), blank=True, default="", editable=False)
    pruned_at = models.DateTimeField(_("bỏ đến lúc"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("số liệu tổng hợp lưu sẵn")
        verbose_name_plural = pgettext_lazy("plural", "số liệu tổng hợp lưu sẵn")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.as_of:%d/%m/%Y} ({timezone.localtime(self.computed_at):%H:%M})"
