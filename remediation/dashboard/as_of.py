"""A view at an earlier as-of date, derived from today's snapshot of the
same scope (PostgreSQL).

A task's deadline class as of a day turns on three comparisons: completed by
then (``open_until``), past due, and due within ``DUE_SOON_DAYS``. Between an
earlier day D and the snapshot's day T one of them changes only for a task
completed after D and by T, or due from D to T + ``DUE_SOON_DAYS``: every
other task is in the same class on both days. So the figures as of D are the
snapshot's, with the class as of T of those tasks taken off and their class
as of D put on, in one statement over them (each part read through its date
indexes: 120,000 tasks for 1 June at 1,000,000, where a live view groups
them all). A task overdue at D is either overdue at T too (due before D) or
one of those tasks: the oldest overdue due date at D is the earlier of the
snapshot's, when it is before D, and theirs.

Only while nothing was written since the snapshot (``writes``), for an
earlier day, and while the tasks that change are at most ``CHANGED_UP_TO``
of the scope's; otherwise the page aggregates live.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import NullIf

from ..deadlines import DUE_SOON_DAYS, DeadlineState, deadline_class_expression
from . import writes
from .figures import DIMENSIONS, Figures, NamedRow, trend
from .halves import agency_split, estimated_tasks
from .months import Months, trend_filters
from .one_scan import CLASS_CODES, SETTINGS, parts_union
from .rows import AgencyRow, Counts

# Past this share of the scope's tasks, the two classes of each cost more
# than a live view's one.
CHANGED_UP_TO = 0.4
# The classes a shift moves, in the order of ``Counts``' fields.
SHIFTED = (
    DeadlineState.COMPLETED_ON_TIME,
    DeadlineState.COMPLETED_LATE,
    DeadlineState.IN_TIME,
    DeadlineState.DUE_SOON,
    DeadlineState.OVERDUE,
)
GROUPED = ("agency", "d0", "d1", "d2", "d3", "d4")
SETS = {
    "agency": ("agency",),
    "criteria": ("d0", "d1"),
    "inspection": ("d2",),
    "pair": ("d3", "d4"),
}
CODES = {
    sum(1 << (len(GROUPED) - 1 - i) for i, c in enumerate(GROUPED) if c not in columns): name
    for name, columns in SETS.items()
}
# Per class of ``SHIFTED``: tasks in it as of D less tasks in it as of T; then
# the oldest due date of those overdue as of D.
Shift = list


@dataclasses.dataclass
class Shifts:
    agencies: dict[int, Shift] = dataclasses.field(default_factory=dict)
    areas: dict[int, Shift] = dataclasses.field(default_factory=dict)
    criteria: dict[tuple[int, int], Shift] = dataclasses.field(default_factory=dict)
    inspections: dict[int | None, Shift] = dataclasses.field(default_factory=dict)
    directives: dict[int, Shift] = dataclasses.field(default_factory=dict)
    total: Shift | None = None


# Derived figures kept with their snapshot (its ``memo``), per day and
# months, this many at most: the same snapshot, with nothing written since,
# gives the same figures, so paging through a view, sorting it or another
# user's look at it reads them again (and the page's own memo of them).
DERIVED_KEPT = 8


def figures_before(
    kept: Figures, *, parts: list[QuerySet], as_of: datetime.date, months: Months
) -> Figures | None:
    """``kept`` (a snapshot of the scope whose disjoint ``parts`` are
    given) as of the earlier day ``as_of``, with the trend of ``months``; or
    None where it cannot be derived (see the module)."""
    today = kept.as_of
    if connection.vendor != "postgresql" or as_of >= today or writes.written_since(kept.seen):
        return None
    derived = kept.memo.setdefault("derived", collections.OrderedDict())
    key = (as_of, tuple(months))
    figures = derived.get(key)
    if figures is None:
        figures = _derived(kept, parts=parts, as_of=as_of, months=months)
        if figures is None:
            return None
        derived[key] = figures
        while len(derived) > DERIVED_KEPT:
            derived.popitem(last=False)
    return figures


def _derived(
    kept: Figures, *, parts: list[QuerySet], as_of: datetime.date, months: Months
) -> Figures | None:
    today = kept.as_of
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # Disjoint ranges, each read through an index: as one OR (or a NOT),
    # the whole of an index is read (100 ms at 1,000,000 tasks, against 15).
    completed = Q(open_until__gt=as_of, open_until__lte=today)
    ranges = (
        Q(effective_due_date__gte=as_of, effective_due_date__lte=soon),
        completed & Q(effective_due_date__lt=as_of),
        completed & Q(effective_due_date__gt=soon),
    )
    changed = [part.filter(range_) for part in parts for range_ in ranges]
    if sum(estimated_tasks(part) for part in changed) > CHANGED_UP_TO * kept.total.total:
        return None
    shifts = _shifts(changed, as_of, today)

    def named(rows: list[NamedRow], by_id: dict) -> list[NamedRow]:
        return [NamedRow(r.id, r.name, _shifted(r.counts, by_id.get(r.id), as_of)) for r in rows]

    areas = [
        NamedRow(
            area.id,
            area.name,
            _shifted(area.counts, shifts.areas.get(area.id), as_of),
            named(area.children, {c: s for (a, c), s in shifts.criteria.items() if a == area.id}),
        )
        for area in kept.areas
    ]
    return Figures(
        as_of=as_of,
        total=_shifted(kept.total, shifts.total, as_of),
        agencies=_agencies(kept.agencies, shifts.agencies, as_of),
        areas=areas,
        directives=named(kept.directives, shifts.directives),
        inspections=named(kept.inspections, shifts.inspections),
        trend=_trend(parts, months, as_of),
        computed_at=kept.computed_at,
        snapshot_agency_id=kept.snapshot_agency_id,
        memo={},
    )


def _agencies(rows: list[AgencyRow], shifts: dict[int, Shift], as_of: datetime.date):
    """The agencies' rows, new where their counts change (12,000 of them
    in a national table: no ``dataclasses.replace``, three times slower)."""
    result = []
    for row in rows:
        shift, oldest = shifts.get(row.id), row.counts.oldest_due
        if shift is None and (oldest is None or oldest < as_of):
            result.append(row)
            continue
        result.append(
            AgencyRow(
                row.id,
                row.name,
                row.kind,
                row.parent_id,
                row.parent_name,
                _shifted(row.counts, shift, as_of),
                row.sort_key,
                row.parent_sort_key,
            )
        )
    return result


def _shifted(counts: Counts, shift: Shift | None, as_of: datetime.date) -> Counts:
    oldest = counts.oldest_due if counts.oldest_due and counts.oldest_due < as_of else None
    if shift is None:
        return dataclasses.replace(counts, oldest_due=oldest)
    on_time, late, in_time, soon, overdue, then_oldest = shift
    if then_oldest and (oldest is None or then_oldest < oldest):
        oldest = then_oldest
    return Counts(
        counts.total,
        counts.completed_on_time + on_time,
        counts.completed_late + late,
        counts.in_time + in_time,
        counts.due_soon + soon,
        counts.overdue + overdue,
        oldest,
    )


def _sum_into(was: Shift, shift: Shift) -> None:
    """Add ``shift`` to ``was`` (the oldest date: the earlier)."""
    for i in range(len(SHIFTED)):
        was[i] += shift[i]
    if shift[-1] and (was[-1] is None or shift[-1] < was[-1]):
        was[-1] = shift[-1]


def _add(into: dict, key, shift: Shift) -> None:
    if key in into:
        _sum_into(into[key], shift)
    else:
        into[key] = list(shift)


def _shifts(changed: list[QuerySet], as_of: datetime.date, today: datetime.date) -> Shifts:
    """The shifts of the changing tasks, grouped as the one scan groups them
    (``scan_rows.SETS``): by agency, (area, criterion), inspection and
    (directive, the finding's other directive)."""
    *dimensions, source = DIMENSIONS
    sql, params = parts_union(
        [
            part.annotate(
                dashboard_then=deadline_class_expression(as_of, CLASS_CODES),
                dashboard_now=deadline_class_expression(today, CLASS_CODES),
                dashboard_other_document=NullIf(source, "directive_id"),
            )
            for part in changed
        ],
        "lead_agency_id",
        *dimensions,
        "dashboard_other_document",
        "dashboard_then",
        "dashboard_now",
        "effective_due_date",
    )
    shifts = Shifts()
    if not sql:
        return shifts
    counts = ", ".join(
        f"count(*) FILTER (WHERE was = {CLASS_CODES[state]})"
        f" - count(*) FILTER (WHERE now = {CLASS_CODES[state]})"
        for state in SHIFTED
    )
    sets = ", ".join(f"({', '.join(columns)})" for columns in SETS.values())
    aggregate = f"""
        SELECT GROUPING({", ".join(GROUPED)}), {", ".join(GROUPED)}, {counts},
            min(due) FILTER (WHERE was = {CLASS_CODES[DeadlineState.OVERDUE]})
        FROM u {{where}} GROUP BY GROUPING SETS ({sets})
    """  # noqa: S608 - names and class codes are ours
    # Two halves of the agencies side by side, as a large live view's
    # (``halves``): a group of the finding's dimensions comes in both,
    # summed here.
    split = agency_split()
    if split is None:
        aggregates = aggregate.format(where="")
    else:
        aggregates = " UNION ALL ".join(
            f"({aggregate.format(where=f'WHERE agency {op} %s')})" for op in ("<", ">=")
        )
        params = [*params, split, split]
    statement = f"""
        WITH u ({", ".join(GROUPED)}, was, now, due) AS NOT MATERIALIZED ({sql})
        {aggregates}
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    total: Shift = [0] * len(SHIFTED) + [None]
    for code, agency, area, criterion, inspection, directive, other, *shift in rows:
        name = CODES[code]
        if name == "agency":
            shifts.agencies[agency] = shift
            _sum_into(total, shift)
        elif name == "criteria":
            if area is not None:
                _add(shifts.areas, area, shift)
                if criterion is not None:  # its link filters on both
                    _add(shifts.criteria, (area, criterion), shift)
        elif name == "inspection":
            _add(shifts.inspections, inspection, shift)
        else:
            for document in (directive, other):
                if document is not None:
                    _add(shifts.directives, document, shift)
    shifts.total = total
    return shifts


def _trend(parts: list[QuerySet], months: Months, as_of: datetime.date):
    """The trend's two lines as of ``as_of`` (``trend_filters``), by day
    then summed into months."""
    if not months:
        return []
    falling_due, completed = trend_filters(months, as_of)
    due: dict[datetime.date, int] = {}
    done: dict[datetime.date, int] = {}
    for part in parts:
        for line, day_field, condition in (
            (due, "effective_due_date", falling_due),
            (done, "open_until", completed),
        ):
            days = part.filter(condition).order_by().values_list(day_field).annotate(n=Count("*"))
            for day, n in days:
                month = day.replace(day=1)
                line[month] = line.get(month, 0) + n
    return trend(months, due, done)
