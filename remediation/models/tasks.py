from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, Criterion, ReformArea
from directives.models import Directive

from ..deadlines import (
    NEVER,
    DeadlineState,
    deadline_class_expression,
    deadline_q,
    deadline_state,
)
from ..search import SearchKey
from ..workflow import OPEN_STATUSES, TaskStatus
from .inspections import Finding, Inspection


class PageFirstIterable(ModelIterable):
    """Evaluates a slice (a page) in two queries: the page's ids, filtered,
    ordered and limited on the tasks alone; then those rows with their joins
    and annotations. In one query PostgreSQL joins every row in the scope
    (a finding, agencies, an area each) before it sorts and keeps 50."""

    def __iter__(self):
        queryset = self.queryset
        if not queryset.query.is_sliced:
            yield from super().__iter__()
            return
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            return
        rows = queryset._chain()
        rows.query.clear_limits()
        rows._iterable_class = ModelIterable
        position = {pk: n for n, pk in enumerate(ids)}
        yield from sorted(rows.filter(pk__in=ids), key=lambda task: position[task.pk])


class RemediationTaskQuerySet(models.QuerySet):
    def in_pages(self) -> RemediationTaskQuerySet:
        """Slices of this queryset are read in two steps (PageFirstIterable):
        for lists restricted by scope, where the rows to sort are scattered."""
        clone = self._chain()
        clone._iterable_class = PageFirstIterable
        return clone

    def in_list_order(self, *, sort: bool) -> RemediationTaskQuerySet:
        """List order: due date, then id. With ``sort``, through an
        expression no index provides: PostgreSQL then sorts the tasks the
        filters match (top-N) instead of walking ``task_list_order`` from the
        oldest due date until enough of them come by. For a recent
        inspection's tasks or a month's completions, at 1,000,000 tasks,
        that walk read 800,000 rows (1.5 s); the sort reads the 21,000 that
        match (0.15 s). Without: the walk, right for matches dense enough."""
        if sort:
            return self.order_by(Coalesce("due_date", "due_date"), "id")
        return self.order_by("due_date", "id")

    def open(self) -> RemediationTaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def _involvement(self, agency_ids: list[int]) -> tuple[Q, Q, Q]:
        """The scope rule's three ways a task involves the agencies: led,
        monitored, supported."""
        supporting = self.model.supporting_agencies.through.objects.order_by()
        return (
            Q(lead_agency_id__in=agency_ids),
            Q(monitoring_agency_id__in=agency_ids),
            Q(pk__in=supporting.filter(agency_id__in=agency_ids).values("remediationtask_id")),
        )

    def involving(self, agency_ids: Iterable[int]) -> RemediationTaskQuerySet:
        """Tasks that any of the agencies leads, supports or monitors.

        One UNION ALL of three index scans (lead, monitor, supporting), not
        an OR across them: on PostgreSQL the OR defeats every index and turns
        an officer's 84 tasks into a scan of the whole table.
        """
        agency_ids = list(agency_ids)
        tasks = self.model._default_manager.order_by()
        supporting = self.model.supporting_agencies.through.objects.order_by()
        led, monitored, _supported = self._involvement(agency_ids)
        ids = (
            tasks.filter(led)
            .values("pk")
            .union(
                tasks.filter(monitored).values("pk"),
                supporting.filter(agency_id__in=agency_ids).values("remediationtask_id"),
                all=True,
            )
        )
        return self.filter(pk__in=ids)

    def involving_parts(self, agency_ids: Iterable[int]) -> list[RemediationTaskQuerySet]:
        """``involving`` as three disjoint querysets whose union it is: led;
        monitored, not led; supported, neither led nor monitored. An
        aggregate over their UNION ALL reads each from its own index (a
        monitoring department's 125,000 tasks from ``task_monitor_due``
        alone) instead of fetching every task by id."""
        led, monitored, supported = self._involvement(list(agency_ids))
        return [
            self.filter(led),
            self.filter(monitored).exclude(led),
            self.filter(supported).exclude(led).exclude(monitored),
        ]

    def for_agency(self, agency: Agency) -> RemediationTaskQuerySet:
        return self.involving([agency.pk])

    def with_deadline_class(self, today: datetime.date | None = None) -> RemediationTaskQuerySet:
        """Annotate ``deadline_class``: the SQL twin of ``deadline_state()``."""
        return self.annotate(
            deadline_class=deadline_class_expression(today or timezone.localdate())
        )

    def in_deadline_class(
        self, state: str, today: datetime.date | None = None
    ) -> RemediationTaskQuerySet:
        return self.filter(deadline_q(state, today or timezone.localdate()))


# What the dashboard reads of each task (its deadline class, and the keys it
# groups by), besides the effective due date. Only these, fixed-width, the
# columns never null first: a million index tuples are taken apart column
# by column, and a text column (the status) or a null (completed_on, null
# until completed: ``open_until`` says as much) before a column makes every
# later one slower to reach. Each half of a national aggregate read 44 ms
# faster (the index half the size) than with the status and completed_on.
DASHBOARD_COLUMNS = [
    "open_until",
    "lead_agency_id",
    "finding_area_id",
    "finding_criterion_id",
    "finding_inspection_id",
    "directive_id",
    "finding_source_directive_id",
]
# With the id, after the columns never null: a view at an earlier day leaves
# out the tasks written since the snapshot by id (``dashboard.as_of``), from
# the index alone (else 1,300 ids cost every row a read of the table: 170 ms
# where the index alone takes 15), for the province, a level (through the
# lead agency) and a monitoring department alike.
WITH_ID = [*DASHBOARD_COLUMNS[:2], "id", *DASHBOARD_COLUMNS[2:]]


def _finding_copy(model, verbose_name) -> models.ForeignKey:
    """A column of the finding kept on the task by the database (no constraint:
    the finding's own foreign key has it)."""
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # indexed with the due date, below
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )


class RemediationTask(models.Model):
    """What an agency must do, by its due date, to fix a finding or a directive item."""

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
        db_index=False,  # task_directive_due leads with it
    )
    directive_item = models.CharField(_("nội dung chỉ đạo"), max_length=255, blank=True)
    # The finding's inspection, reform area, criterion and directing document,
    # copied onto the task by database triggers (migration 0010, one rule for
    # every writer: imports, the admin, SQL) whenever a task or its finding
    # is written. Filters and the dashboard read them: through the finding
    # they cost a join of two tables of a million rows on every page. Read
    # them from the database; an unsaved instance does not have them.
    finding_inspection = _finding_copy(Inspection, _("đợt kiểm tra"))
    finding_area = _finding_copy(ReformArea, _("lĩnh vực CCHC"))
    finding_criterion = _finding_copy(Criterion, _("tiêu chí"))
    finding_source_directive = _finding_copy(Directive, _("văn bản chỉ đạo của tồn tại"))
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    # The title without case or tone marks, for the search (``search``),
    # which reads it from a trigram index on PostgreSQL.
    title_key = models.GeneratedField(
        expression=SearchKey("title"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("nhiệm vụ (để tìm kiếm)"),
    )
    # Indexed with the id (task_lead_scope, task_monitor_scope): the scope
    # rule reads ids by agency from the index alone.
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
        db_index=False,
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
        db_index=False,
    )
    # The original due date never changes; a granted extension sets
    # extended_due_date, and every deadline rule reads effective_due_date.
    due_date = models.DateField(_("hạn báo cáo"))  # indexed with the id: task_list_order
    extended_due_date = models.DateField(_("gia hạn đến"), null=True, blank=True)
    effective_due_date = models.GeneratedField(
        expression=Coalesce("extended_due_date", "due_date"),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("hạn hiện hành"),
        db_index=True,
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # Whether an ExtensionRequest of this task is pending: kept by the
    # extension services under the task's lock, so that what waits for Home
    # Affairs is a column of the task row (awaits_home_affairs) and its queue
    # an index, not a scan with a subquery.
    extension_pending = models.BooleanField(
        _("có đề nghị gia hạn chờ quyết định"),
        default=False,
        # Also in the database: rows written by SQL (bulk loads) need none.
        db_default=False,
        editable=False,
    )
    awaits_home_affairs = models.GeneratedField(
        expression=Q(status=TaskStatus.SUBMITTED) | Q(extension_pending=True),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("chờ Sở Nội vụ xử lý"),
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    # completed_on, or 31/12/9999 while not completed. "Not completed as of a
    # date" is then one range, open_until > date, that an index serves; said
    # with status and completed_on it needs an OR, and PostgreSQL reads every
    # task to count the overdue ones.
    open_until = models.GeneratedField(
        expression=Coalesce("completed_on", Value(NEVER)),
        output_field=models.DateField(),
        db_persist=True,
        verbose_name=_("chưa hoàn thành đến ngày"),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = RemediationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ khắc phục")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ khắc phục")
        ordering = ["due_date", "id"]
        indexes = [
            # Queues and reminders pick tasks by status, then by due date.
            models.Index(fields=["status", "effective_due_date"], name="task_status_due"),
            # The lists' order (Meta.ordering) exactly: a page of the whole
            # province reads 50 rows, not every task due on its first day.
            models.Index(fields=["due_date", "id"], name="task_list_order"),
            # Deadline classes of the tasks not completed: open_until > today,
            # then the effective due date, from the index alone; and the
            # tasks completed each day of a dashboard's months, of one agency
            # level too (its lead agency).
            models.Index(
                fields=["open_until", "effective_due_date"],
                include=["lead_agency_id"],
                name="task_open_until_due",
            ),
            # The scope rule (involving): ids of the tasks an agency leads or
            # monitors, from the index alone.
            models.Index(fields=["lead_agency", "id"], name="task_lead_scope"),
            models.Index(fields=["monitoring_agency", "id"], name="task_monitor_scope"),
            # The first step of a page (PageFirstIterable): a scope's ids to
            # their due dates, and to what the status and deadline filters
            # read, from the index alone (INCLUDE on PostgreSQL), not from
            # rows scattered through the table.
            models.Index(
                fields=["id", "due_date"],
                include=["status", "effective_due_date", "open_until"],
                name="task_id_due",
            ),
            # The task list's and the dashboard's filters on the finding, and
            # a period within them. An inspection and a reform area are Home
            # Affairs' usual drill-downs: their indexes also carry what the
            # dashboard counts (INCLUDE, PostgreSQL), so that it reads them
            # alone, not 20,000 rows scattered over the table.
            models.Index(
                fields=["finding_inspection", "effective_due_date"],
                include=DASHBOARD_COLUMNS,
                name="task_inspection_due",
            ),
            models.Index(
                fields=["finding_area", "effective_due_date"],
                include=DASHBOARD_COLUMNS,
                name="task_area_due",
            ),
            # A criterion's and a document's first overdue task (the oldest
            # date read again, ``dashboard.oldest``), from the index alone:
            # without what an overdue task is, the planner read the area's
            # index instead, 47,000 entries a criterion.
            models.Index(
                fields=["finding_criterion", "effective_due_date"],
                include=["open_until", "finding_area_id"],
                name="task_criterion_due",
            ),
            # A level's dashboard (``cap``, a join to the agencies) and the led
            # part of an agency's scope: the tasks its agencies lead, with what
            # the dashboard counts, from the index alone (task_lead_scope has
            # only the ids: 58,000 rows read from the table for the districts).
            models.Index(
                fields=["lead_agency", "effective_due_date"],
                include=[c for c in WITH_ID if c != "lead_agency_id"],
                name="task_lead_dashboard",
            ),
            # The dashboard over a period (its usual filter: due this year),
            # from the index alone.
            models.Index(
                fields=["effective_due_date"],
                include=WITH_ID,
                name="task_due_dashboard",
            ),
            # A view at an earlier as-of date derived from today's snapshot
            # (``dashboard.as_of``): the tasks completed between the two days,
            # from the index alone. Completed tasks only: the open ones'
            # ``open_until`` is NEVER.
            models.Index(
                fields=["open_until", "effective_due_date"],
                include=WITH_ID[1:],
                condition=models.Q(open_until__lt=NEVER),
                name="task_completed_dashboard",
            ),
            # A monitoring department's dashboard (``involving_parts``): what
            # it monitors, from the index alone.
            models.Index(
                fields=["monitoring_agency", "effective_due_date"],
                include=WITH_ID,
                name="task_monitor_due",
            ),
            models.Index(
                fields=["finding_source_directive", "effective_due_date"],
                include=["open_until"],
                name="task_source_directive_due",
            ),
            models.Index(
                fields=["directive", "effective_due_date"],
                include=["open_until"],
                name="task_directive_due",
            ),
            # Home Affairs' review queue, in its page's order.
            models.Index(
                fields=["effective_due_date", "id"],
                condition=Q(awaits_home_affairs=True),
                name="task_home_affairs_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(directive__isnull=False),
                name="task_answers_finding_or_directive",
            ),
            # One task per finding, so a re-import never duplicates tasks.
            models.UniqueConstraint(
                fields=["finding"], condition=Q(finding__isnull=False), name="task_one_per_finding"
            ),
            # Completed exactly when it has a completion date: a completed task
            # without one would count as "on time" forever.
            models.CheckConstraint(
                condition=Q(status=TaskStatus.COMPLETED, completed_on__isnull=False)
                | (~Q(status=TaskStatus.COMPLETED) & Q(completed_on__isnull=True)),
                name="task_completed_has_date",
                violation_error_message=_(
                    "Nhiệm vụ hoàn thành phải có ngày hoàn thành, và ngược lại."
                ),
            ),
            models.CheckConstraint(
                condition=Q(extended_due_date__isnull=True)
                | Q(extended_due_date__gt=models.F("due_date")),
                name="task_extension_after_due",
                violation_error_message=_("Ngày gia hạn phải sau hạn ban đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_due_date(self) -> datetime.date:
        """The effective due date, also on an instance not yet saved or refreshed."""
        return self.extended_due_date or self.due_date

    def deadline_state(self, today: datetime.date | None = None) -> DeadlineState:
        return deadline_state(
            status=self.status,
            due_date=self.current_due_date,
            completed_on=self.completed_on,
            today=today or timezone.localdate(),
        )

    def get_deadline_state_display(self) -> str:
        return DeadlineState(self.deadline_state()).label

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.COMPLETED
