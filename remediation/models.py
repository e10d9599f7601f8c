from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, Criterion, ReformArea
from directives.models import Directive

DUE_SOON_DAYS = 3  # provincial systems colour tasks due within 3 days orange


class Inspection(models.Model):
    """An inspection round (đợt kiểm tra CCHC)."""

    name = models.CharField(_("tên đợt kiểm tra"), max_length=255, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    leading_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì kiểm tra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_inspections",
    )
    inspected_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan được kiểm tra"), related_name="inspections", blank=True
    )
    conclusion = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản kết luận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concluded_inspections",
    )

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "đợt kiểm tra")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A shortcoming found by an inspection (tồn tại, hạn chế)."""

    code = models.CharField(_("mã"), max_length=50)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("đợt kiểm tra"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    # Stays the originally inspected agency even after a successor takes over.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan được kiểm tra"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    reform_area = models.ForeignKey(
        ReformArea,
        verbose_name=_("lĩnh vực CCHC"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("tiêu chí"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    description = models.TextField(_("tồn tại, hạn chế"))
    required_action = models.TextField(_("yêu cầu khắc phục"), blank=True)
    source_directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản chỉ đạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )

    class Meta:
        verbose_name = _("tồn tại, hạn chế")
        verbose_name_plural = pgettext_lazy("plural", "tồn tại, hạn chế")
        ordering = ["code"]
        # A constraint rather than unique=True: on PostgreSQL the latter adds a
        # second (LIKE) index that every bulk import would have to maintain.
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="finding_code_unique",
                violation_error_message=_("Đã có tồn tại, hạn chế với mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description[:80]}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    SUBMITTED = "submitted", _("Đã báo cáo, chờ xem xét")
    RETURNED = "returned", _("Yêu cầu bổ sung")
    COMPLETED = "completed", _("Hoàn thành")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.RETURNED)

# The one workflow table: status -> statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    TaskStatus.OPEN: (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED),
    TaskStatus.IN_PROGRESS: (TaskStatus.SUBMITTED,),
    TaskStatus.SUBMITTED: (TaskStatus.COMPLETED, TaskStatus.RETURNED),
    TaskStatus.RETURNED: (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED),
    TaskStatus.COMPLETED: (),
}


class DeadlineState(models.TextChoices):
    IN_TIME = "in_time", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    COMPLETED_ON_TIME = "completed_on_time", _("Hoàn thành đúng hạn")
    COMPLETED_LATE = "completed_late", _("Hoàn thành quá hạn")


def deadline_state(
    *,
    status: str,
    due_date: datetime.date,
    completed_on: datetime.date | None,
    today: datetime.date,
) -> DeadlineState:
    if status == TaskStatus.COMPLETED:
        if completed_on and completed_on > due_date:
            return DeadlineState.COMPLETED_LATE
        return DeadlineState.COMPLETED_ON_TIME
    if today > due_date:
        return DeadlineState.OVERDUE
    if (due_date - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.IN_TIME


class RemediationTaskQuerySet(models.QuerySet):
    def open(self) -> RemediationTaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_agency(self, agency: Agency) -> RemediationTaskQuerySet:
        """Tasks the agency leads, supports or monitors.

        Support through a subquery, not a join: a join would need DISTINCT
        over every selected column, which is slow on large tables.
        """
        supported = self.model.supporting_agencies.through.objects.filter(agency=agency)
        return self.filter(
            Q(lead_agency=agency)
            | Q(monitoring_agency=agency)
            | Q(pk__in=supported.values("remediationtask_id"))
        )

    def with_deadline_state(self, today: datetime.date | None = None) -> RemediationTaskQuerySet:
        """Annotate ``deadline_state`` in SQL, the same rules as ``deadline_state()``."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        done = Q(status=TaskStatus.COMPLETED)
        return self.annotate(
            deadline_state=Case(
                When(done & Q(completed_on__gt=models.F("due_date")), then=Value("completed_late")),
                When(done, then=Value("completed_on_time")),
                When(due_date__lt=today, then=Value("overdue")),
                When(due_date__lte=soon, then=Value("due_soon")),
                default=Value("in_time"),
                output_field=models.CharField(),
            )
        )


class RemediationTask(models.Model):
    """What an agency must do, by ``due_date``, to fix a finding or a directive item."""

    finding = models.ForeignKey(
        Finding,
        verbose_name=_("tồn tại, hạn chế"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        db_index=False,  # the partial unique index task_one_per_finding serves lookups
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản chỉ đạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    directive_item = models.CharField(_("nội dung chỉ đạo"), max_length=255, blank=True)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phối hợp"), related_name="supported_tasks", blank=True
    )
    monitoring_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan theo dõi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitored_tasks",
    )
    due_date = models.DateField(_("hạn báo cáo"), db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = RemediationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ khắc phục")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ khắc phục")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(directive__isnull=False),
                name="task_answers_finding_or_directive",
            ),
            # One task per finding, so a re-import never duplicates tasks.
            models.UniqueConstraint(
                fields=["finding"], condition=Q(finding__isnull=False), name="task_one_per_finding"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def deadline_state(self, today: datetime.date | None = None) -> DeadlineState:
        return deadline_state(
            status=self.status,
            due_date=self.due_date,
            completed_on=self.completed_on,
            today=today or timezone.localdate(),
        )

    def get_deadline_state_display(self) -> str:
        return DeadlineState(self.deadline_state()).label


class RemediationReport(models.Model):
    """An agency's report on a task, with evidence (tài liệu kiểm chứng)."""

    task = models.ForeignKey(
        RemediationTask,
        verbose_name=_("nhiệm vụ"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        on_delete=models.PROTECT,
        related_name="remediation_reports",
    )
    submitted_at = models.DateTimeField(_("thời điểm báo cáo"), default=timezone.now)
    content = models.TextField(_("kết quả khắc phục"))
    evidence = models.FileField(_("tài liệu kiểm chứng"), upload_to="evidence/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("báo cáo khắc phục")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo khắc phục")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.task} ({self.submitted_at:%d/%m/%Y})"
