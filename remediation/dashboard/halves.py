"""Whether a dashboard view is large, and where its aggregate is split in
two to run on two cores.

PostgreSQL does not run GROUPING SETS in parallel: over the whole province
one process grouped a million tasks (470 ms at 1,000,000 tasks on 2 cores).
A view of one part (the province's scope) that the planner expects to hold
at least ``SPLIT_FROM_TASKS`` tasks (the whole province, a long period, the
communes' level) is aggregated as two aggregates under a UNION ALL, each
over the tasks of one half of the agencies, which a Parallel Append runs
side by side: an agency's group lies whole in one half, and only the few
hundred groups of the finding's dimensions are summed after. The halves are
ranges of ``lead_agency_id``, which ``task_lead_dashboard`` leads, split
where the planner's statistics (``pg_stats``) put half the tasks. The split
point only balances the work: any id gives the same figures.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from ..models import RemediationTask

AGENCY = "lead_agency_id"
# Fewer tasks gain less than the two workers' start and the merge cost
# (measured even at 200,000 tasks, a year of the national benchmark).
SPLIT_FROM_TASKS = 400_000
STATISTICS_KEPT_SECONDS = 600  # ANALYZE rewrites them rarely; a stale split is only slower
Shares = list[tuple[Any, float]]
_statistics: dict[str, tuple[float, Shares]] = {}


def estimated_tasks(tasks: QuerySet) -> float:
    """How many tasks the planner expects ``tasks`` to hold (EXPLAIN, not a
    count: planning takes a millisecond, counting a million tasks 30)."""
    try:
        sql, params = tasks.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def column_statistics(column: str) -> Shares:
    """The planner's picture of a column of the tasks: the share of the
    tasks at each value it names, in order; nothing before the first
    ANALYZE. Its most common values carry their own share (an agency that
    leads many tasks); the histogram's bounds share the rest equally."""
    now = time.monotonic()
    kept = _statistics.get(column)
    if kept is None or now - kept[0] > STATISTICS_KEPT_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT most_common_vals::text::bigint[], most_common_freqs,
                    histogram_bounds::text::bigint[], null_frac
                FROM pg_stats
                WHERE schemaname = current_schema() AND tablename = %s AND attname = %s
                """,
                [RemediationTask._meta.db_table, column],
            )
            row = cursor.fetchone()
        shares: Shares = []
        if row:
            common, frequencies, bounds, nulls = row
            shares = list(zip(common or [], frequencies or [], strict=True))
            if bounds and len(bounds) > 1:
                rest = (1 - nulls - sum(frequencies or [])) / (len(bounds) - 1)
                shares += [(value, rest) for value in bounds[:-1]]
            shares.sort()
        kept = _statistics[column] = (now, shares)
    return kept[1]


def _median(shares: Shares) -> Any:
    """The value whose lower values hold the nearest to half the shares."""
    whole = sum(share for _value, share in shares)
    best, gap, below = shares[1][0], whole, 0.0
    for (_lower, share), (value, _share) in itertools.pairwise(shares):
        below += share
        if abs(whole / 2 - below) < gap:
            best, gap = value, abs(whole / 2 - below)
    return best


def is_large(parts: list[QuerySet]) -> bool:
    """A view of one part that the planner expects to hold at least
    ``SPLIT_FROM_TASKS`` tasks."""
    return len(parts) == 1 and estimated_tasks(parts[0]) >= SPLIT_FROM_TASKS


def agency_split() -> int | None:
    """The agency id below which lie half the tasks, or None before the
    table's first ANALYZE."""
    shares = column_statistics(AGENCY)
    return _median(shares) if len(shares) >= 2 else None
