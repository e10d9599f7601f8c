from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from directives.models import Directive

from .tasks import RemediationTask


class ReportingFrequency(models.TextChoices):
    QUARTER = "quarter", _("Hằng quý (quý I, 6 tháng, quý III, năm)")
    HALF_YEAR = "half_year", _("6 tháng và năm")
    YEAR = "year", _("Hằng năm")


class ReportPeriod(models.TextChoices):
    Q1 = "q1", _("quý I")
    H1 = "h1", _("6 tháng")
    Q3 = "q3", _("quý III")
    M9 = "m9", _("9 tháng")
    YEAR = "year", _("năm")


class ReportingObligation(models.Model):
    """A periodic report (báo cáo định kỳ) some agencies owe under a directive.

    Each period's report becomes a remediation task per agency, due on
    ``due_day`` of the period's last month; its data run from the day after
    ``cutoff_day`` of the month before the period to ``cutoff_day`` of its
    last month (CCHC: Q1 15/12–14/03, due 20/03).
    """

    title = models.CharField(
        _("tên báo cáo"), max_length=255, default="Báo cáo kết quả thực hiện công tác CCHC"
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản chỉ đạo"),
        on_delete=models.PROTECT,
        related_name="reporting_obligations",
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan báo cáo"), related_name="reporting_obligations"
    )
    frequency = models.CharField(
        _("kỳ báo cáo"),
        max_length=20,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTER,
    )
    q3_cumulative = models.BooleanField(
        _("báo cáo quý III lũy kế 9 tháng"),
        default=False,
        help_text=_("Số liệu quý III tính từ đầu năm (báo cáo 9 tháng)."),
    )
    due_day = models.PositiveSmallIntegerField(
        _("ngày hạn báo cáo trong tháng cuối kỳ"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(27)],
    )
    lead_days = models.PositiveSmallIntegerField(
        _("tạo nhiệm vụ trước hạn (ngày)"), default=30, validators=[MaxValueValidator(180)]
    )
    starts_on = models.DateField(_("áp dụng từ ngày"))
    ends_on = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("chế độ báo cáo định kỳ")
        verbose_name_plural = pgettext_lazy("plural", "chế độ báo cáo định kỳ")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="obligation_valid_range",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(cutoff_day__lt=models.F("due_day")),
                name="obligation_cutoff_before_due",
                violation_error_message=_("Ngày chốt số liệu phải trước ngày hạn báo cáo."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display()})"


class ReportingCycleTask(models.Model):
    """The task of one agency for one period of an obligation: created once."""

    obligation = models.ForeignKey(
        ReportingObligation,
        verbose_name=_("chế độ báo cáo"),
        on_delete=models.CASCADE,
        related_name="cycle_tasks",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    period = models.CharField(_("kỳ"), max_length=10, choices=ReportPeriod.choices)
    task = models.OneToOneField(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="reporting_cycle",
    )

    class Meta:
        verbose_name = _("kỳ báo cáo của cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "kỳ báo cáo của cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "agency", "year", "period"], name="cycle_task_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.agency_id} {self.period} {self.year}"
