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
import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncMonth

from agencies.models import Criterion, ReformArea
from directives.models import Directive

from ..deadlines import DeadlineState, deadline_q
from ..models import Inspection, RemediationTask
from .columns import COUNT_COLUMNS
from .months import trend_filters
from .one_scan import grouped_in_one_scan
from .presentation import AgencyTable, TablePage, agency_table
from .rows import AgencyRow, Counts, DimensionCounts, as_date
from .scan_rows import Grouped

if TYPE_CHECKING:
    from .trend_days import TrendDays

CLASSES = [state.value for state in DeadlineState]


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
    # The page of the by-agency table asked for, and the ranking (None:
    # every agency's row is in ``agencies``).
    table: AgencyTable | None = None
    computed_at: datetime.datetime | None = None  # set when read from a snapshot
    snapshot_agency_id: int | None = None  # a monitoring department's snapshot
    seen: str = ""  # a snapshot's database snapshot (``writes``)
    # A snapshot's figures with every task written since counted (``current``).
    current: bool = False
    # A snapshot's figures never change: what the page derives from them
    # (agencies sorted and grouped, links) is kept here per process.
    memo: dict | None = None
    # How many documents and inspections were counted, where ``directives``
    # and ``inspections`` hold only the most pressing (``BREAKDOWN_ROWS``).
    directives_counted: int | None = None
    inspections_counted: int | None = None
    # A snapshot's trend by day, further back than its months (``trend_days``).
    days: TrendDays | None = None
    # The figures these were derived from, whose agencies' rows they hold
    # where unchanged (``reordered``).
    basis: Figures | None = None

    def kept(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept in ``memo`` where these figures have one."""
        if self.memo is None:
            return compute()
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def agency_positions(self) -> dict[int, int]:
        """Each agency's place in ``agencies``."""
        return self.kept("positions", lambda: {row.id: i for i, row in enumerate(self.agencies)})


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
    "lead_agency__sort_key",
    "lead_agency__parent__sort_key",
)


def agency_rows(groups) -> list[AgencyRow]:
    """One row per lead agency (the ``co_quan`` filter of the task list), by
    id, from rows of ``AGENCY_FIELDS`` then ``COUNT_COLUMNS``."""
    rows = [
        AgencyRow(pk, name, kind, parent, parent_name, Counts.from_values(counts), key, parent_key)
        for pk, name, kind, parent, parent_name, key, parent_key, *counts in groups
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


@dataclasses.dataclass
class DimensionNames:
    """The names the breakdowns show, by id, and the areas' order: read by
    ``dimension_rows``, or given by the page's filter form, which has just
    read the same tables for its lists."""

    areas: dict[int, str]
    area_order: list[int]
    # None: not given (a list too long for the form's select), read for the
    # rows counted.
    criteria: dict[int, str] | None  # "code. name"
    directives: dict[int, str] | None  # the symbol
    inspections: dict[int, str] | None


# A page's breakdown by document or by inspection lists at most this many
# rows (``page._most_pressing``): a national catalogue holds thousands (10 MB
# of page for 15,000 rows).
BREAKDOWN_ROWS = 50


def most_pressing(counts: dict[int, Counts]) -> dict[int, Counts]:
    """Of ``counts``, those a page's breakdown may show: the
    ``BREAKDOWN_ROWS`` first by ``Counts.pressing``, and those tied with the
    last (their names break the tie). Only those are then named: a national
    catalogue's 15,000 names cost a live page 60 ms."""
    if len(counts) <= BREAKDOWN_ROWS:
        return counts
    keys = {pk: c.pressing() for pk, c in counts.items()}
    last = heapq.nsmallest(BREAKDOWN_ROWS, keys.values())[-1]
    return {pk: counts[pk] for pk, key in keys.items() if key <= last}


# Past this many ids, every row of the table is read instead of an IN list:
# a national catalogue counts thousands of documents, and an IN of 10,000
# parameters costs more to build and plan than the table costs to read.
NAMED_BY_ID = 1000


def _named(model, ids: set[int], *fields: str) -> dict[int, str]:
    """Names by id, read as values (no model instances): the first field, or
    "code. name" for two."""
    if not ids:
        return {}
    rows = model.objects.order_by().values_list("pk", *fields)
    if len(ids) <= NAMED_BY_ID:
        rows = rows.filter(pk__in=ids)
    if len(fields) == 1:
        return dict(rows)
    return {pk: f"{code}. {name}" for pk, code, name in rows}


def rolled_up(groups) -> DimensionCounts:
    """The counts of each combination that occurs (rows of ``DIMENSIONS``
    then ``COUNT_COLUMNS``) summed by area, criterion, inspection and
    document; ``one_scan`` has the database sum them the same way."""
    rolled = DimensionCounts()
    for area, criterion, inspection, directive, source, *values in groups:
        counts = Counts.from_values(values)
        if area:
            rolled.areas.setdefault(area, Counts()).add(counts)
        if area and criterion:  # its link filters on both
            rolled.criteria.setdefault((area, criterion), Counts()).add(counts)
        if inspection:
            rolled.inspections.setdefault(inspection, Counts()).add(counts)
        # ``van_ban`` matches the task's own directive or its finding's.
        for pk in {directive, source} - {None}:
            rolled.directives.setdefault(pk, Counts()).add(counts)
    return rolled


def _names(rolled: DimensionCounts, given: DimensionNames | None) -> DimensionNames:
    """The names of what ``rolled`` counts: those ``given``, the others read
    from the database."""
    if given is None:
        given = DimensionNames(
            areas=_named(ReformArea, set(rolled.areas), "name"),
            area_order=list(ReformArea.objects.values_list("pk", flat=True)),
            criteria=None,
            directives=None,
            inspections=None,
        )
    return dataclasses.replace(
        given,
        criteria=given.criteria
        if given.criteria is not None
        else _named(Criterion, {pk for _a, pk in rolled.criteria}, "code", "name"),
        directives=given.directives
        if given.directives is not None
        else _named(Directive, set(rolled.directives), "symbol"),
        inspections=given.inspections
        if given.inspections is not None
        else _named(Inspection, set(rolled.inspections), "name"),
    )


def dimension_rows(
    rolled: DimensionCounts, names: DimensionNames | None = None
) -> tuple[list[NamedRow], list[NamedRow], list[NamedRow]]:
    """Areas (with their criteria), directives and inspections, named and in
    the page's order."""
    areas, criteria = rolled.areas, rolled.criteria
    directives, inspections = rolled.directives, rolled.inspections
    names = _names(rolled, names)
    area_names, criterion_names = names.areas, names.criteria
    area_rows = {
        pk: NamedRow(pk, area_names.get(pk, str(pk)), counts) for pk, counts in areas.items()
    }
    for (area, pk), counts in sorted(
        criteria.items(), key=lambda item: criterion_names.get(item[0][1], "")
    ):
        area_rows[area].children.append(NamedRow(pk, criterion_names.get(pk, str(pk)), counts))
    order = {pk: i for i, pk in enumerate(names.area_order)}
    directive_names, inspection_names = names.directives, names.inspections
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


def trend(months: list[tuple[datetime.date, datetime.date]], due: dict, done: dict) -> list[Month]:
    """Per month: tasks falling due, and tasks completed (by the as-of date)."""
    due = {as_date(k): v for k, v in due.items() if k}
    done = {as_date(k): v for k, v in done.items() if k}
    return [
        Month(start, end, due.get(start.replace(day=1), 0), done.get(start.replace(day=1), 0))
        for start, end in months
    ]


def _grouped_separately(tasks: QuerySet[RemediationTask], today: datetime.date, months) -> Grouped:
    """The four GROUP BYs as separate queries (databases without GROUPING SETS)."""
    tasks = tasks.order_by()
    aggregates = class_aggregates(today)
    agencies = agency_rows(
        tasks.values(*AGENCY_FIELDS).annotate(**aggregates).values_list(*AGENCY_FIELDS, *aggregates)
    )
    total = Counts()
    for row in agencies:
        total.add(row.counts)
    dimensions = rolled_up(
        tasks.values(*DIMENSIONS).annotate(**aggregates).values_list(*DIMENSIONS, *aggregates)
    )
    if not months:
        return Grouped(agencies, total, dimensions, {}, {})
    falling_due, completed = trend_filters(months, today)
    due = dict(
        tasks.filter(falling_due)
        .annotate(month=TruncMonth("effective_due_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    done = dict(
        tasks.filter(completed)
        .annotate(month=TruncMonth("completed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return Grouped(agencies, total, dimensions, due, done)


def figures_compute(
    tasks: QuerySet[RemediationTask],
    *,
    as_of: datetime.date,
    months: list[tuple[datetime.date, datetime.date]],
    page: TablePage | None = None,
    parts: list[QuerySet[RemediationTask]] | None = None,
    separate: bool = False,
    names: DimensionNames | None = None,
) -> Figures:
    """On PostgreSQL one statement (``one_scan``) makes every figure;
    elsewhere, or with ``separate``, four GROUP BYs of the ORM do (the
    tests hold the two equal).

    ``page``: only that page of the by-agency table is wanted (and the
    ranking); on the one-scan path the database orders and cuts it, and
    ``Figures.agencies`` stays empty. ``parts``: disjoint querysets whose
    union is ``tasks``, which the one scan reads instead (see
    ``involving_parts``). ``names``: of every area, criterion, document and
    inspection (else read for those counted). With a ``page`` too, only the
    most pressing documents and inspections (``most_pressing``)."""
    if connection.vendor == "postgresql" and not separate:
        grouped = grouped_in_one_scan(parts or [tasks], as_of, months, page)
    else:
        grouped = _grouped_separately(tasks, as_of, months)
    return figures_from_grouped(grouped, as_of=as_of, months=months, page=page, names=names)


def figures_from_grouped(
    grouped: Grouped,
    *,
    as_of: datetime.date,
    months: list[tuple[datetime.date, datetime.date]],
    page: TablePage | None = None,
    names: DimensionNames | None = None,
) -> Figures:
    """The figures of ``grouped`` rows, as ``figures_compute`` describes."""
    dimensions = grouped.dimensions
    counted = {}
    if page is not None:
        counted = {
            "directives_counted": len(dimensions.directives),
            "inspections_counted": len(dimensions.inspections),
        }
        dimensions = dataclasses.replace(
            dimensions,
            directives=most_pressing(dimensions.directives),
            inspections=most_pressing(dimensions.inspections),
        )
    areas, directives, inspections = dimension_rows(dimensions, names)
    table = grouped.table
    if table is None and page is not None:
        table = agency_table(grouped.agencies, page)
    return Figures(
        as_of=as_of,
        total=grouped.total,
        agencies=grouped.agencies,
        areas=areas,
        directives=directives,
        inspections=inspections,
        trend=trend(months, grouped.due, grouped.done),
        table=table,
        **counted,
    )
