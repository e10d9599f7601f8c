"""Where the one scan's aggregate is split in two, to run on two cores.

PostgreSQL does not run GROUPING SETS in parallel: over the whole province
one process hashed a million tasks into four sets (470 ms at 1,000,000
tasks on 2 cores). Two aggregates, each over one half of the due dates,
under a UNION ALL are run side by side by a Parallel Append (two workers),
and their groups (a few thousand each) are summed after: 335 ms for the
same aggregate. The halves are ranges of ``effective_due_date``, which every
dashboard index leads or includes, split at the median due date that the
planner's own statistics give (``pg_stats``), within the filter's period.
The split point only balances the work: any day gives the same figures.
"""

from __future__ import annotations

import datetime
import itertools
import time

from django.db import connection
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.db.models.sql.where import AND, WhereNode

from ..models import RemediationTask

DUE = "effective_due_date"
# A half of fewer tasks gains less than merging the halves costs (200,000 tasks: even).
SPLIT_FROM_TASKS = 200_000
STATISTICS_KEPT_SECONDS = 600  # ANALYZE rewrites them rarely; a stale split is only slower
Shares = list[tuple[datetime.date, float]]
_statistics: tuple[float, Shares, float] | None = None


def _due_statistics() -> tuple[Shares, float]:
    """The planner's picture of the due dates, as the share of the tasks at
    each day it names (in order), and its count of the tasks; nothing before
    the first ANALYZE. Its most common days carry their own share (a
    province's report dates gather many tasks); the histogram's bounds
    share the rest equally."""
    global _statistics
    now = time.monotonic()
    if _statistics is None or now - _statistics[0] > STATISTICS_KEPT_SECONDS:
        table = RemediationTask._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT s.most_common_vals::text::date[], s.most_common_freqs,
                    s.histogram_bounds::text::date[], s.null_frac, c.reltuples
                FROM pg_stats s
                JOIN pg_class c ON c.relname = s.tablename
                    AND c.relnamespace = to_regnamespace(s.schemaname)
                WHERE s.schemaname = current_schema() AND s.tablename = %s
                    AND s.attname = %s
                """,
                [table, DUE],
            )
            row = cursor.fetchone()
        shares: Shares = []
        tasks = 0.0
        if row:
            common, frequencies, bounds, nulls, tasks = row
            shares = list(zip(common or [], frequencies or [], strict=True))
            if bounds and len(bounds) > 1:
                rest = (1 - nulls - sum(frequencies or [])) / (len(bounds) - 1)
                shares += [(day, rest) for day in bounds[:-1]]
            shares.sort()
        _statistics = (now, shares, max(tasks, 0.0))
    return _statistics[1], _statistics[2]


def _period(where: WhereNode) -> tuple[datetime.date | None, datetime.date | None]:
    """The due dates a ``WHERE`` of ANDed due-date comparisons admits (a
    side unknown where it says none)."""
    first = last = None
    if where.connector != AND or where.negated:
        return None, None
    for child in where.children:
        if isinstance(child, WhereNode):
            inner = _period(child)
            first = max(filter(None, (first, inner[0])), default=None)
            last = min(filter(None, (last, inner[1])), default=None)
        elif isinstance(child.rhs, datetime.date):
            if isinstance(child, GreaterThan | GreaterThanOrEqual):
                first = max(filter(None, (first, child.rhs)), default=None)
            elif isinstance(child, LessThan | LessThanOrEqual):
                last = min(filter(None, (last, child.rhs)), default=None)
    return first, last


def due_split(where: WhereNode) -> datetime.date | None:
    """The due date that best halves the tasks of ``where`` (a filter on
    ``effective_due_date`` alone), or None where they are too few to split."""
    shares, tasks = _due_statistics()
    first, last = _period(where)
    within = [
        (day, share)
        for day, share in shares
        if (first is None or day >= first) and (last is None or day <= last)
    ]
    whole = sum(share for _day, share in within)
    if len(within) < 2 or whole * tasks < 2 * SPLIT_FROM_TASKS:
        return None
    # The day whose earlier days hold the nearest to half the tasks.
    best, gap, below = within[1][0], whole, 0.0
    for (_earlier, share), (day, _share) in itertools.pairwise(within):
        below += share
        if abs(whole / 2 - below) < gap:
            best, gap = day, abs(whole / 2 - below)
    return best
