"""A snapshot's figures brought up to date with the tasks written since it
(``writes.unseen``): the province's, one of its agency levels', a kept
year's, a monitoring department's.

Every count is a sum over tasks, so the figures now are the snapshot's, less
what each task written since counted in its version the snapshot saw, plus
what it counts in its version now (a few rows in Python, where the refresh
groups a million). Both versions are counted by the one deadline rule
(``deadline_state``) and under the same rows as the one scan
(``figures.rolled_up``): the task's lead agency, its finding's area,
(area, criterion) and inspection, and each document it answers.

The oldest overdue due date is a minimum, which a removal cannot undo: where
a version taken off was overdue and due on a row's oldest date, that row's
oldest date is read again from the tasks (``oldest``).

Exact only while nothing but the tasks' counted columns was written
(``Unseen.countable``: no agency written, the tasks not emptied, and for an
agency's scope no supporting agency); otherwise the page shows the snapshot
as it was computed, and says when.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
from collections.abc import Callable, Iterator

from django.db.models import QuerySet

from agencies.models import Agency

from ..deadlines import NEVER, DeadlineState, deadline_state
from ..models import RemediationTask
from ..workflow import TaskStatus
from .among import Among
from .current_rows import Names, agencies_renewed, areas_renewed, named_renewed
from .figures import Figures, Month, NamedRow
from .oldest import earlier, read_again
from .rows import Counts
from .writes import Change, Unseen, Version

# Past this many versions written since the snapshot (a large import), the
# next refresh is nearer than the rows are cheap.
CHANGES_UP_TO = 20_000

Key = tuple[str, object]
# Whether a task's version is of the scope viewed.
Scope = Callable[[Version], bool]


def class_of(version: Version, day: datetime.date) -> DeadlineState:
    completed = version.open_until < NEVER
    return deadline_state(
        status=TaskStatus.COMPLETED if completed else TaskStatus.OPEN,
        due_date=version.due,
        completed_on=version.open_until if completed else None,
        today=day,
    )


def counted_under(version: Version) -> Iterator[Key]:
    """The rows a task counts in (``figures.rolled_up``)."""
    yield "total", None
    yield "agency", version.agency
    if version.area:
        yield "area", version.area
        if version.criterion:  # its link filters on both
            yield "criterion", (version.area, version.criterion)
    if version.inspection:
        yield "inspection", version.inspection
    for pk in sorted({version.directive, version.source} - {None}):
        yield "document", pk


@dataclasses.dataclass
class Delta:
    """One row's counts now less the snapshot's."""

    numbers: list[int] = dataclasses.field(default_factory=lambda: [0] * 6)
    added_oldest: datetime.date | None = None  # of the versions put on, overdue
    removed_oldest: datetime.date | None = None  # of the versions taken off, overdue


FIELDS = ("completed_on_time", "completed_late", "in_time", "due_soon", "overdue")
POSITION = {DeadlineState(field): i + 1 for i, field in enumerate(FIELDS)}


def deltas(changes: list[Change], in_scope: Scope, day: datetime.date) -> dict[Key, Delta]:
    by_key: dict[Key, Delta] = collections.defaultdict(Delta)
    for before, now in changes:
        for version, sign in ((before, -1), (now, 1)):
            if version is None or not in_scope(version):
                continue
            state = class_of(version, day)
            position = POSITION[state]
            overdue = version.due if state == DeadlineState.OVERDUE else None
            for key in counted_under(version):
                delta = by_key[key]
                numbers = delta.numbers
                numbers[0] += sign
                numbers[position] += sign
                if overdue is None:  # most versions: no oldest date to keep
                    continue
                if sign > 0:
                    delta.added_oldest = earlier(delta.added_oldest, overdue)
                else:
                    delta.removed_oldest = earlier(delta.removed_oldest, overdue)
    return by_key


def province_scope(
    level: str, period: tuple[datetime.date | None, datetime.date | None], changes
) -> Scope:
    """The province's scope, of one agency ``level`` (``cap``) or over a
    ``period`` of due dates (``tu_ngay``, ``den_ngay``): the page's filters."""
    first, last = period
    kinds: dict[int, str] = {}
    if level:
        agencies = {v.agency for change in changes.values() for v in change if v is not None}
        kinds = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "kind"))

    def in_scope(version: Version) -> bool:
        return (
            (not level or kinds.get(version.agency) == level)
            and (first is None or version.due >= first)
            and (last is None or version.due <= last)
        )

    return in_scope


def agency_scope(agency_id: int, changes: dict[int, Change]) -> Scope:
    """What any user of the agency sees (``agency_scope_tasks``): the tasks
    its subtree leads, monitors or supports. The supporting agencies are
    read now: they were not written since the snapshot (``countable``)."""
    ids = set(Agency.objects.subtree_ids(agency_id))
    through = RemediationTask.supporting_agencies.through.objects
    supported = set(
        through.filter(Among("remediationtask_id", changes), agency_id__in=ids).values_list(
            "remediationtask_id", flat=True
        )
    )

    def in_scope(version: Version) -> bool:
        return version.agency in ids or version.monitoring in ids or version.task in supported

    return in_scope


def figures_now(
    kept: Figures, unseen: Unseen | None, *, in_scope: Scope | None, parts: list[QuerySet]
) -> Figures:
    """Today's snapshot with the changes since it counted (``in_scope``
    says which are the view's; None: they cannot be counted), kept with it
    until more are written; else the snapshot as computed."""
    if unseen is None or in_scope is None or not unseen.changes:
        return kept
    memo = kept.memo.get("current")
    if memo is None or memo[0] != unseen.token:
        figures = brought_up_to_date(
            kept, unseen.changes, in_scope=in_scope, parts=parts, trend_kept=True
        )
        kept.memo["current"] = memo = (unseen.token, figures)
    return memo[1]


def brought_up_to_date(
    figures: Figures,
    changes: dict[int, Change],
    *,
    in_scope: Scope,
    parts: list[QuerySet],
    trend_kept: bool,
) -> Figures:
    """``figures`` (of the scope whose disjoint ``parts`` are given, as of
    their own day) with ``changes`` counted; with ``trend_kept`` their
    trend too (else it was read now)."""
    day = figures.as_of
    by_key = deltas(list(changes.values()), in_scope, day)
    if not by_key:
        return figures
    oldest = _oldest_read_again(figures, by_key, parts, day)

    def counts(key: Key, kept: Counts | None) -> Counts:
        kept = kept or Counts()
        delta = by_key.get(key)
        if delta is None:
            return kept
        numbers = [
            getattr(kept, name) + n
            for name, n in zip(("total", *FIELDS), delta.numbers, strict=True)
        ]
        first = oldest[key] if key in oldest else earlier(kept.oldest_due, delta.added_oldest)
        return Counts(*numbers, first)

    names = Names(by_key)
    keys: dict[str, list] = collections.defaultdict(list)
    for kind, pk in by_key:
        keys[kind].append(pk)

    def named(kind: str, rows: list[NamedRow]) -> list[NamedRow]:
        positions = figures.kept(
            ("positions", kind), lambda: {row.id: i for i, row in enumerate(rows)}
        )
        return named_renewed(rows, kind, keys[kind], counts, names, positions)

    return dataclasses.replace(
        figures,
        total=counts(("total", None), figures.total),
        agencies=agencies_renewed(figures, keys["agency"], counts, names),
        areas=areas_renewed(figures.areas, keys, counts, names),
        directives=named("document", figures.directives),
        inspections=named("inspection", figures.inspections),
        trend=trend_changed(figures.trend, changes, in_scope, day) if trend_kept else figures.trend,
        memo={},
        current=True,
        basis=figures,
    )


def _oldest_read_again(
    figures: Figures, by_key: dict[Key, Delta], parts: list[QuerySet], day: datetime.date
) -> dict[Key, datetime.date | None]:
    """The oldest overdue due date, now, of each row whose oldest was taken
    off: read from the tasks (``oldest.read_again``)."""
    kept = figures.kept("oldest_by_key", lambda: _oldest_by_key(figures))
    lost: dict[str, set] = collections.defaultdict(set)
    for (kind, pk), delta in by_key.items():
        first = kept.get((kind, pk))
        if delta.removed_oldest is not None and first is not None and delta.removed_oldest <= first:
            lost[kind].add(pk)
    return read_again(lost, parts, day) if lost else {}


def _oldest_by_key(figures: Figures) -> dict[Key, datetime.date | None]:
    kept = {("total", None): figures.total.oldest_due}
    kept |= {("agency", row.id): row.counts.oldest_due for row in figures.agencies}
    for area in figures.areas:
        kept["area", area.id] = area.counts.oldest_due
        kept |= {("criterion", (area.id, c.id)): c.counts.oldest_due for c in area.children}
    kept |= {("document", row.id): row.counts.oldest_due for row in figures.directives}
    kept |= {("inspection", row.id): row.counts.oldest_due for row in figures.inspections}
    return kept


def trend_changed(
    months: list[Month],
    changes: dict[int, Change],
    in_scope: Scope,
    day: datetime.date,
) -> list[Month]:
    """The two lines (``months.trend_ranges``) with the changes counted."""
    if not months:
        return months
    first, last = months[0].start, months[-1].end
    due: dict[datetime.date, int] = collections.Counter()
    done: dict[datetime.date, int] = collections.Counter()
    for before, now in changes.values():
        for version, sign in ((before, -1), (now, 1)):
            if version is None or not in_scope(version):
                continue
            if first <= version.due <= last:
                due[version.due.replace(day=1)] += sign
            if first <= version.open_until <= min(last, day):
                done[version.open_until.replace(day=1)] += sign
    return [
        Month(
            m.start,
            m.end,
            m.falling_due + due[m.start.replace(day=1)],
            m.completed + done[m.start.replace(day=1)],
        )
        for m in months
    ]
