"""Where the one scan's aggregate is split in two, to run on two cores.

PostgreSQL does not run GROUPING SETS in parallel: over the whole province
one process hashed a million tasks into four sets (470 ms at 1,000,000
tasks on 2 cores). Two aggregates, each over the tasks of one half of the
agencies, under a UNION ALL are run side by side by a Parallel Append (two
workers): an agency's group lies whole in one half, and only the few
hundred groups of the finding's dimensions are summed after. The halves are
ranges of ``lead_agency_id``, which ``task_lead_dashboard`` leads, split
where the planner's own statistics (``pg_stats``) put half the tasks. The
split point only balances the work: any id gives the same figures.
"""

from __future__ import annotations

import datetime
import itertools
import time
from typing import Any

from django.db import connection
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.db.models.sql.where import AND, WhereNode

from ..models import RemediationTask

DUE, AGENCY = "effective_due_date", "lead_agency_id"
# Fewer tasks gain less than the two workers' start and the merge cost
# (measured even at 200,000 tasks, a year of the national benchmark).
SPLIT_FROM_TASKS = 400_000
STATISTICS_KEPT_SECONDS = 600  # ANALYZE rewrites them rarely; a stale split is only slower
Shares = list[tuple[Any, float]]
_statistics: dict[str, tuple[float, Shares, float]] = {}


def column_statistics(column: str) -> tuple[Shares, float]:
    """The planner's picture of a column of the tasks: the share of the
    tasks at each value it names (in order), and its count of the tasks;
    nothing before the first ANALYZE. Its most common values carry their own
    share (a province's report dates gather many tasks); the histogram's
    bounds share the rest equally."""
    now = time.monotonic()
    kept = _statistics.get(column)
    if kept is None or now - kept[0] > STATISTICS_KEPT_SECONDS:
        table = RemediationTask._meta.db_table
        kind = "date" if column == DUE else "bigint"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT s.most_common_vals::text::{kind}[], s.most_common_freqs,
                    s.histogram_bounds::text::{kind}[], s.null_frac, c.reltuples
                FROM pg_stats s
                JOIN pg_class c ON c.relname = s.tablename
                    AND c.relnamespace = to_regnamespace(s.schemaname)
                WHERE s.schemaname = current_schema() AND s.tablename = %s
                    AND s.attname = %s
                """,  # noqa: S608 - the type is ours
                [table, column],
            )
            row = cursor.fetchone()
        shares: Shares = []
        tasks = 0.0
        if row:
            common, frequencies, bounds, nulls, tasks = row
            shares = list(zip(common or [], frequencies or [], strict=True))
            if bounds and len(bounds) > 1:
                rest = (1 - nulls - sum(frequencies or [])) / (len(bounds) - 1)
                shares += [(value, rest) for value in bounds[:-1]]
            shares.sort()
        kept = _statistics[column] = (now, shares, max(tasks, 0.0))
    return kept[1], kept[2]


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


def _median(shares: Shares) -> Any:
    """The value whose lower values hold the nearest to half the shares."""
    whole = sum(share for _value, share in shares)
    best, gap, below = shares[1][0], whole, 0.0
    for (_lower, share), (value, _share) in itertools.pairwise(shares):
        below += share
        if abs(whole / 2 - below) < gap:
            best, gap = value, abs(whole / 2 - below)
    return best


def agency_split(where: WhereNode) -> int | None:
    """The agency id below which lie half the tasks of ``where`` (a filter
    on ``effective_due_date`` alone), or None where they are too few to split."""
    dues, tasks = column_statistics(DUE)
    first, last = _period(where)
    within = sum(
        share
        for day, share in dues
        if (first is None or day >= first) and (last is None or day <= last)
    )
    agencies, _tasks = column_statistics(AGENCY)
    if within * tasks < SPLIT_FROM_TASKS or len(agencies) < 2:
        return None
    return _median(agencies)
