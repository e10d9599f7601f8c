"""The dashboard's figures, aggregated in the database.

Every figure is computed from ``TaskFilterForm(params).apply(tasks_visible_to(user))``,
the very queryset the task list shows for the same parameters, with the one
deadline rule (``deadline_q``) as conditional counts: a number and the list
behind its link cannot disagree. A fixed handful of GROUP BY queries,
whatever the number of tasks or agencies.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncMonth

from agencies.models import AgencyKind, Criterion, ReformArea
from directives.models import Directive

from ..deadlines import DeadlineState, deadline_q
from ..models import Inspection, RemediationTask
from ..workflow import TaskStatus
from .one_scan import grouped_in_one_scan

CLASSES = [state.value for state in DeadlineState]


@dataclasses.dataclass(slots=True)
class Counts:
    """Tasks by deadline class (as of one date), and the oldest overdue due date."""

    total: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    in_time: int = 0
    due_soon: int = 0
    overdue: int = 0
    oldest_due: datetime.date | None = None

    @classmethod
    def from_values(cls, values) -> Counts:
        """From the ``COUNT_COLUMNS`` of a query row, in that order."""
        total, on_time, late, in_time, soon, overdue, oldest = values
        return cls(
            total, on_time, late, in_time, soon, overdue, _as_date(oldest) if oldest else None
        )

    def add(self, other: Counts) -> None:
        self.total += other.total
        self.completed_on_time += other.completed_on_time
        self.completed_late += other.completed_late
        self.in_time += other.in_time
        self.due_soon += other.due_soon
        self.overdue += other.overdue
        if other.oldest_due and (not self.oldest_due or other.oldest_due < self.oldest_due):
            self.oldest_due = other.oldest_due

    @property
    def within(self) -> int:
        """Not completed and within the deadline (due soon included)."""
        return self.in_time + self.due_soon

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def decided(self) -> int:
        """Tasks whose outcome is known: completed, or overdue."""
        return self.completed + self.overdue

    @property
    def rate(self) -> float | None:
        """On-time rate in percent: completed on time among the decided tasks
        (a task still within its deadline may yet be on time)."""
        return 100 * self.completed_on_time / self.decided if self.decided else None

    def oldest_overdue_days(self, as_of: datetime.date) -> int | None:
        return (as_of - self.oldest_due).days if self.oldest_due else None

    def to_json(self) -> list[Any]:
        """Compact: a snapshot holds one per agency."""
        oldest = self.oldest_due.isoformat() if self.oldest_due else None
        return [
            self.total,
            self.completed_on_time,
            self.completed_late,
            self.in_time,
            self.due_soon,
            self.overdue,
            oldest,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Counts:
        *numbers, oldest = data
        return cls(*numbers, datetime.date.fromisoformat(oldest) if oldest else None)


@dataclasses.dataclass(slots=True)
class AgencyRow:
    id: int
    name: str
    kind: str
    parent_id: int | None
    parent_name: str | None
    counts: Counts
    sort_name: str = dataclasses.field(init=False)  # sorted by, thousands of times

    def __post_init__(self) -> None:
        self.sort_name = self.name.casefold()

    @property
    def kind_label(self) -> str:
        return str(AgencyKind(self.kind).label) if self.kind in AgencyKind.values else self.kind


@dataclasses.dataclass
class NamedRow:
    """A reform area, criterion, directive or inspection with its counts."""

    id: int
    name: str
    counts: Counts
    children: list[NamedRow] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Month:
    start: datetime.date
    end: datetime.date
    falling_due: int
    completed: int


@dataclasses.dataclass
class Figures:
    as_of: datetime.date
    total: Counts
    agencies: list[AgencyRow]
    areas: list[NamedRow]
    directives: list[NamedRow]
    inspections: list[NamedRow]
    trend: list[Month]
    computed_at: datetime.datetime | None = None  # set when read from a snapshot
    # A snapshot's figures never change: what the page derives from them
    # (agencies sorted and grouped, links) is kept here per process.
    memo: dict | None = None


# The columns of every aggregate row, after its keys: ``Counts``'s fields.
COUNT_COLUMNS = (
    "total",
    "completed_on_time",
    "completed_late",
    "in_time",
    "due_soon",
    "overdue",
    "oldest_due",
)


def class_aggregates(today: datetime.date) -> dict[str, Any]:
    """Conditional counts of each deadline class, as ``annotate``/``aggregate``
    kwargs, in the order of ``COUNT_COLUMNS``."""
    return {
        "total": Count("pk"),
        **{
            state: Count("pk", filter=deadline_q(state, today))
            for state in COUNT_COLUMNS
            if state in CLASSES
        },
        "oldest_due": Min("effective_due_date", filter=deadline_q(DeadlineState.OVERDUE, today)),
    }


AGENCY_FIELDS = (
    "lead_agency_id",
    "lead_agency__name",
    "lead_agency__kind",
    "lead_agency__parent_id",
    "lead_agency__parent__name",
)


def agency_rows(groups) -> list[AgencyRow]:
    """One row per lead agency (the ``co_quan`` filter of the task list), by
    id, from rows of ``AGENCY_FIELDS`` then ``COUNT_COLUMNS``."""
    rows = [
        AgencyRow(pk, name, kind, parent, parent_name, Counts.from_values(counts))
        for pk, name, kind, parent, parent_name, *counts in groups
    ]
    rows.sort(key=lambda row: row.id)
    return rows


# The finding's, as copied onto the task (``RemediationTask.finding_*``):
# no join to the findings.
DIMENSIONS = (
    "finding_area_id",
    "finding_criterion_id",
    "finding_inspection_id",
    "directive_id",
    "finding_source_directive_id",
)


def _named(model, ids: set[int], *fields: str) -> dict[int, str]:
    """Names by id, read as values (no model instances): the first field, or
    "code. name" for two."""
    if not ids:
        return {}
    rows = model.objects.filter(pk__in=ids).order_by().values_list("pk", *fields)
    if len(fields) == 1:
        return dict(rows)
    return {pk: f"{code}. {name}" for pk, code, name in rows}


def dimension_rows(groups) -> tuple[list[NamedRow], list[NamedRow], list[NamedRow]]:
    """Areas (with their criteria), directives and inspections, from the
    counts of each combination that occurs (rows of ``DIMENSIONS`` then
    ``COUNT_COLUMNS``), rolled up here."""
    areas: dict[int, Counts] = {}
    criteria: dict[tuple[int, int], Counts] = {}
    directives: dict[int, Counts] = {}
    inspections: dict[int, Counts] = {}
    for area, criterion, inspection, directive, source, *values in groups:
        counts = Counts.from_values(values)
        if area:
            areas.setdefault(area, Counts()).add(counts)
        if area and criterion:  # its link filters on both
            criteria.setdefault((area, criterion), Counts()).add(counts)
        if inspection:
            inspections.setdefault(inspection, Counts()).add(counts)
        # A task counts once under each document it answers (``van_ban``
        # matches the task's own directive or its finding's).
        for pk in {directive, source} - {None}:
            directives.setdefault(pk, Counts()).add(counts)
    area_names = _named(ReformArea, set(areas), "name")
    criterion_names = _named(Criterion, {pk for _a, pk in criteria}, "code", "name")
    area_rows = {
        pk: NamedRow(pk, area_names.get(pk, str(pk)), counts) for pk, counts in areas.items()
    }
    for (area, pk), counts in sorted(
        criteria.items(), key=lambda item: criterion_names.get(item[0][1], "")
    ):
        area_rows[area].children.append(NamedRow(pk, criterion_names.get(pk, str(pk)), counts))
    order = {pk: i for i, pk in enumerate(ReformArea.objects.values_list("pk", flat=True))}
    directive_names = _named(Directive, set(directives), "symbol")
    inspection_names = _named(Inspection, set(inspections), "name")
    return (
        sorted(area_rows.values(), key=lambda row: order.get(row.id, 0)),
        sorted(
            (NamedRow(pk, directive_names.get(pk, str(pk)), c) for pk, c in directives.items()),
            key=lambda row: row.name,
        ),
        sorted(
            (NamedRow(pk, inspection_names.get(pk, str(pk)), c) for pk, c in inspections.items()),
            key=lambda row: row.name,
        ),
    )


def month_window(
    as_of: datetime.date, start: datetime.date | None, end: datetime.date | None, limit: int = 120
) -> list[tuple[datetime.date, datetime.date]]:
    """The trend's months: the chosen period, else the twelve months to the as-of date."""
    end = end or as_of
    start = start or datetime.date(end.year - (end.month <= 11), (end.month % 12) + 1, 1)
    months = []
    first = datetime.date(start.year, start.month, 1)
    while first <= end and len(months) < limit:
        following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        months.append((max(first, start), min(following - datetime.timedelta(days=1), end)))
        first = following
    return months


def trend(months: list[tuple[datetime.date, datetime.date]], due: dict, done: dict) -> list[Month]:
    """Per month: tasks falling due, and tasks completed (by the as-of date)."""
    due = {_as_date(k): v for k, v in due.items() if k}
    done = {_as_date(k): v for k, v in done.items() if k}
    return [
        Month(start, end, due.get(start.replace(day=1), 0), done.get(start.replace(day=1), 0))
        for start, end in months
    ]


def _grouped_separately(tasks: QuerySet[RemediationTask], today: datetime.date, months) -> tuple:
    """The four GROUP BYs as separate queries (databases without GROUPING SETS)."""
    tasks = tasks.order_by()
    aggregates = class_aggregates(today)
    agencies = agency_rows(
        tasks.values(*AGENCY_FIELDS).annotate(**aggregates).values_list(*AGENCY_FIELDS, *aggregates)
    )
    dimensions = (
        tasks.values(*DIMENSIONS).annotate(**aggregates).values_list(*DIMENSIONS, *aggregates)
    )
    if not months:
        return agencies, dimensions, {}, {}
    first, last = months[0][0], months[-1][1]
    due = dict(
        tasks.filter(effective_due_date__gte=first, effective_due_date__lte=last)
        .annotate(month=TruncMonth("effective_due_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    done = dict(
        tasks.filter(
            Q(status=TaskStatus.COMPLETED, completed_on__lte=min(last, today)),
            completed_on__gte=first,
        )
        .annotate(month=TruncMonth("completed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return agencies, dimensions, due, done


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def figures_compute(
    tasks: QuerySet[RemediationTask],
    *,
    as_of: datetime.date,
    months: list[tuple[datetime.date, datetime.date]],
    narrow: bool = False,
) -> Figures:
    """``narrow``: the tasks are a small part of a large table (a filter on
    the findings, or one agency's scope). Then one scan beats four; over
    most of a million tasks PostgreSQL cannot hash the grouping sets and
    sorts them, and four hashed GROUP BYs are faster."""
    if narrow and connection.vendor == "postgresql":
        groups = grouped_in_one_scan(tasks, as_of, months)
    else:
        groups = _grouped_separately(tasks, as_of, months)
    agencies, dimension_groups, due, done = groups
    total = Counts()
    for row in agencies:
        total.add(row.counts)
    areas, directives, inspections = dimension_rows(dimension_groups)
    return Figures(
        as_of=as_of,
        total=total,
        agencies=agencies,
        areas=areas,
        directives=directives,
        inspections=inspections,
        trend=trend(months, due, done),
    )
