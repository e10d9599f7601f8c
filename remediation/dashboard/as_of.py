"""A view at another as-of date, earlier or later, derived from today's
snapshot of the same scope (PostgreSQL).

A task's deadline class as of a day turns on three comparisons: completed by
then (``open_until``), past due, and due within ``DUE_SOON_DAYS``. Between a
day D and the snapshot's day T one of them changes only for a task
completed after the earlier of the two and by the later, or due from the
earlier to the later + ``DUE_SOON_DAYS``: every other task is in the same
class on both days. So the figures as of D are the snapshot's, with the
class as of T of those tasks taken off and their class as of D put on, in
one statement over them (each part read through its date indexes: 120,000
tasks for 1 June at 1,000,000, where a live view groups them all). A task
overdue at an earlier D is either overdue at T too (due before D) or one of
those tasks: the oldest overdue due date at D is the earlier of the
snapshot's, when it is before D, and theirs. At a later D, a task overdue at
T stays overdue, unless completed after T: a later day is derived only
while no task is (a completion date after today, entered by hand).

The tasks written since the snapshot (``writes.unseen``) are taken as the
snapshot saw them: the statement leaves them out, and their versions then
are shifted in Python; the figures so derived are the snapshot's as of D,
kept with it, and ``current`` counts the changes in them. Where they cannot
be counted, only while nothing was written since the snapshot. Only for an
other day, and while the tasks that change are at most ``CHANGED_UP_TO``
of the scope's; otherwise the page aggregates live. The trend's months are
summed from the days the snapshot kept (``trend_days``).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from ..deadlines import DUE_SOON_DAYS, DeadlineState
from . import current
from .figures import Figures, NamedRow, most_pressing, trend
from .months import Months, trend_filters
from .rows import AgencyRow, Counts
from .shifts import SHIFTED, Shift, Shifts, shifts_read
from .trend_days import days_read
from .writes import Change, Unseen

# Past this share of the scope's tasks, the two classes of each cost more
# than a live view's one.
CHANGED_UP_TO = 0.4
# Tasks written since the snapshot that the statement leaves out, at most.
WRITTEN_UP_TO = 5_000

# Derived figures kept with their snapshot (its ``memo``), per day and
# months, this many at most: the same snapshot, with nothing written since,
# gives the same figures, so paging through a view, sorting it or another
# user's look at it reads them again (and the page's own memo of them).
DERIVED_KEPT = 8


def figures_before(
    kept: Figures,
    *,
    parts: list[QuerySet],
    as_of: datetime.date,
    months: Months,
    unseen: Unseen | None,
    in_scope: current.Scope | None,
) -> Figures | None:
    """``kept`` (a snapshot of the scope whose disjoint ``parts`` are
    given) as of another day ``as_of``, with the trend of ``months``,
    and the changes ``unseen`` since it counted where ``in_scope`` says
    which are the scope's (None: they cannot be counted); or None where it
    cannot be derived (see the module)."""
    if connection.vendor != "postgresql" or as_of == kept.as_of or unseen is None:
        return None
    if in_scope is None and not unseen.nothing:
        return None
    if len(unseen.changes) > WRITTEN_UP_TO:
        return None
    derived = kept.memo.setdefault("derived", collections.OrderedDict())
    key = (as_of, tuple(months))
    entry = derived.get(key)
    if entry is None:
        figures = _derived(
            kept, parts=parts, as_of=as_of, months=months, unseen=unseen, in_scope=in_scope
        )
        if figures is None:
            return None
        # As the snapshot saw the tasks, every row; then as a page shows it.
        derived[key] = entry = {"seen": figures}
        while len(derived) > DERIVED_KEPT:
            derived.popitem(last=False)
    if not unseen.changes:
        if "shown" not in entry:
            entry["shown"] = _shown(entry["seen"])
        return entry["shown"]
    if entry.get("token") != unseen.token:
        now = current.brought_up_to_date(
            entry["seen"], unseen.changes, in_scope=in_scope, parts=parts, trend_kept=True
        )
        entry["token"], entry["now"] = unseen.token, _shown(now)
    return entry["now"]


def figures_earlier_in_refresh(
    kept: Figures, *, tasks: QuerySet, as_of: datetime.date, months: Months
) -> Figures | None:
    """``kept`` (the province's, just computed) as of an earlier day, in the
    transaction that computed it: nothing written since. The refresh derives
    its kept days so (``snapshot.kept_days``), a quarter or a year of tasks
    each, where a full aggregate groups them all; None where too many
    change class."""
    nothing = Unseen(watched=set(), changes={}, token=(0, 0))
    return _derived(kept, parts=[tasks], as_of=as_of, months=months, unseen=nothing, in_scope=None)


def _shown(figures: Figures) -> Figures:
    """Only the documents and inspections a page may show (``most_pressing``),
    as a live page keeps them: a national catalogue has 15,000. Cut after
    the changes are counted, which may bring a row among them."""
    cut = {}
    for name in ("directives", "inspections"):
        rows = getattr(figures, name)
        shown = most_pressing({row.id: row.counts for row in rows})
        cut[name] = [row for row in rows if row.id in shown]
        cut[f"{name}_counted"] = len(rows)
    return dataclasses.replace(figures, memo={}, basis=figures, **cut)


def _derived(
    kept: Figures,
    *,
    parts: list[QuerySet],
    as_of: datetime.date,
    months: Months,
    unseen: Unseen,
    in_scope: current.Scope | None,
) -> Figures | None:
    """The snapshot's figures as of ``as_of``: its tasks as it saw them."""
    today = kept.as_of
    first, last = min(as_of, today), max(as_of, today)
    soon = last + datetime.timedelta(days=DUE_SOON_DAYS)
    # Disjoint ranges, each read through an index: as one OR (or a NOT),
    # the whole of an index is read (100 ms at 1,000,000 tasks, against 15).
    completed = Q(open_until__gt=first, open_until__lte=last)
    if as_of > today and _completed_between(parts, unseen, first, last):
        return None  # see the module: the snapshot's oldest dates may be gone
    ranges = (
        Q(effective_due_date__gte=first, effective_due_date__lte=soon),
        completed & Q(effective_due_date__lt=first),
        completed & Q(effective_due_date__gt=soon),
    )
    changed = [part.filter(range_) for part in parts for range_ in ranges]
    written = list(unseen.changes)
    shifts = shifts_read(
        changed, as_of, today, leaving_out=written, up_to=CHANGED_UP_TO * kept.total.total
    )
    if shifts is None:
        return None
    if written:
        _shift_as_seen(shifts, unseen.changes.values(), in_scope, as_of, today)

    def named(rows: list[NamedRow], by_id: dict) -> list[NamedRow]:
        """Each row whose counts shift anew; the others as they are (most
        of a national catalogue's 15,000 documents and inspections)."""
        result = []
        for row in rows:
            counts = _shifted(row.counts, by_id.get(row.id), as_of)
            result.append(row if counts is row.counts else NamedRow(row.id, row.name, counts))
        return result

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
        trend=_trend(kept, parts, months, as_of, unseen.changes, in_scope),
        computed_at=kept.computed_at,
        snapshot_agency_id=kept.snapshot_agency_id,
        memo={},
        basis=kept,
    )


def _completed_between(
    parts: list[QuerySet], unseen: Unseen, first: datetime.date, last: datetime.date
) -> bool:
    """Whether a task of ``parts``, as the snapshot saw it, was completed
    after ``first`` and by ``last``: a task written since, in its version
    then (its version now is counted by ``current``); any other, now."""
    written = unseen.changes
    seen = (before for before, _now in written.values() if before is not None)
    if any(first < version.open_until <= last for version in seen):
        return True
    for part in parts:
        completed = part.filter(open_until__gt=first, open_until__lte=last).order_by()
        # At most one more than the tasks written since: one of them is not.
        ids = completed.values_list("pk", flat=True)[: len(written) + 1]
        if any(pk not in written for pk in ids):
            return True
    return False


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
        # Most rows of a national catalogue: kept as they are.
        return (
            counts
            if oldest == counts.oldest_due
            else dataclasses.replace(counts, oldest_due=oldest)
        )
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


def _shift_as_seen(
    shifts: Shifts,
    changes,
    in_scope: current.Scope,
    as_of: datetime.date,
    today: datetime.date,
) -> None:
    """Add to ``shifts`` those of the tasks written since the snapshot, in
    their versions the snapshot saw (the statement left them out)."""
    rows = {
        "agency": shifts.agencies,
        "area": shifts.areas,
        "criterion": shifts.criteria,
        "inspection": shifts.inspections,
        "document": shifts.directives,
    }
    for version, _now in changes:
        if version is None or not in_scope(version):
            continue
        was, now = current.class_of(version, as_of), current.class_of(version, today)
        overdue = version.due if was == DeadlineState.OVERDUE else None
        for kind, pk in current.counted_under(version):
            if kind == "total":
                shifts.total = shift = shifts.total or [0, 0, 0, 0, 0, None]
            else:
                shift = rows[kind].setdefault(pk, [0, 0, 0, 0, 0, None])
            shift[SHIFTED.index(was)] += 1
            shift[SHIFTED.index(now)] -= 1
            if overdue and (shift[5] is None or overdue < shift[5]):
                shift[5] = overdue


def _trend(
    kept: Figures,
    parts: list[QuerySet],
    months: Months,
    as_of: datetime.date,
    changes: dict[int, Change],
    in_scope: current.Scope | None,
):
    """The trend's two lines as of ``as_of`` (``trend_filters``) as the
    snapshot saw the tasks: summed from its kept days where they cover the
    months, else read now by day (with the changes since taken off) and
    summed into months."""
    if not months:
        return []
    # A later day is derived only where the snapshot saw no task completed
    # after its own day (``_completed_between``): its completed line, kept
    # to that day, stays flat to ``as_of``.
    seen_by = min(as_of, kept.as_of)
    if kept.days is not None and kept.days.covers(months, seen_by):
        return kept.days.trend(months, seen_by)
    falling_due, completed = trend_filters(months, as_of)
    lines = trend(
        months,
        _by_month(days_read(parts, "effective_due_date", falling_due)),
        _by_month(days_read(parts, "open_until", completed)),
    )
    if not changes:
        return lines
    undone = {task: (now, before) for task, (before, now) in changes.items()}
    return current.trend_changed(lines, undone, in_scope, as_of)


def _by_month(days: dict[datetime.date, int]) -> dict[datetime.date, int]:
    months: dict[datetime.date, int] = {}
    for day, n in days.items():
        month = day.replace(day=1)
        months[month] = months.get(month, 0) + n
    return months
