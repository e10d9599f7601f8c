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
where the planner's statistics (``pg_stats``) put half the tasks; a view
of some agencies only (the agency level, ``cap``: the communes lead 890,000
of a million tasks, half of them below the province's split) is split at
the median id of those agencies. The split point only balances the work:
any id gives the same figures.

Such a view (``Split.agencies``) reads its agencies' tasks without the join
to the agencies that its filter is: each half reads its own agencies' ids as
an array, ``lead_agency_id = ANY(...)``, which ``task_lead_dashboard`` serves
as an index condition. The join probed a hash for every task and the scan
read every task of the half's id range, the other levels' too (the communes'
level live, 1,000,000 tasks: 339–346 → 305–310 ms at p50 for the page).
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import AND, WhereNode

from agencies.models import Agency

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
    return estimated_rows(sql, params)


def estimated_rows(sql: str, params: list) -> float:
    """How many rows the planner expects the statement to return."""
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


@dataclasses.dataclass(frozen=True)
class Split:
    """Where a view's aggregate is split: below ``at`` and from it. For a
    view of some agencies only (``cap``), ``agencies`` are their ids below
    ``at`` and from it, and ``tasks`` the view without its conditions on the
    lead agency, which the ids stand for; else ``tasks`` is the view."""

    at: int
    tasks: QuerySet
    agencies: tuple[list[int], list[int]] | None = None
    # The condition on those agencies' fields (``Agency`` lookups).
    condition: Q | None = None

    def ids(self, half: int) -> str:
        """The agencies of a half as an array literal: as ``ARRAY[…]`` (a
        list parameter) 10,000 constants took PostgreSQL 20 ms to plan."""
        return "{" + ",".join(map(str, self.agencies[half])) + "}"


def view_split(tasks: QuerySet | None = None) -> Split | None:
    """The split of ``tasks`` (every task by default) in two halves of
    about as many tasks; None before the table's first ANALYZE, or where
    the view's agencies are none."""
    condition = _lead_agencies(tasks.query) if tasks is not None else None
    if condition is not None:
        ids = list(Agency.objects.filter(condition).order_by("pk").values_list("pk", flat=True))
        if not ids:
            return None
        # Their median (``percentile_disc(0.5)``): agencies of one level
        # lead about as many tasks each.
        at = ids[(len(ids) + 1) // 2 - 1]
        below = bisect.bisect_left(ids, at)
        return Split(at, _without_lead_agency(tasks), (ids[:below], ids[below:]), condition)
    shares = column_statistics(AGENCY)
    return Split(_median(shares), tasks) if len(shares) >= 2 else None


def agency_split(tasks: QuerySet | None = None) -> int | None:
    """The agency id below which lie half of ``tasks`` (``view_split``)."""
    split = view_split(tasks)
    return split.at if split else None


def _lead_agencies(query) -> Q | None:
    """The condition of ``query`` on its lead agency's fields (``cap``: the
    agency level) as a filter of agencies, when it has one and nothing
    else filters the lead agency (an OR, a negation, another lookup)."""
    conditions = []

    def walk(node) -> bool:
        """Whether the lead agency's conditions under ``node`` are all read."""
        if isinstance(node, WhereNode):
            if node.connector != AND or node.negated:
                return not any(on_lead_agency(query, col) for col in where_columns(node))
            return all(walk(child) for child in node.children)
        if not on_lead_agency(query, getattr(node, "lhs", None)):
            return not any(on_lead_agency(query, col) for col in where_columns(node))
        if type(node) not in (Exact, In) or hasattr(node.rhs, "resolve_expression"):
            return False
        conditions.append(Q(**{f"{node.lhs.target.name}__{node.lookup_name}": node.rhs}))
        return True

    if not walk(query.where) or not conditions:
        return None
    return Q(*conditions)


def where_columns(node) -> Iterator[Col]:
    """The columns a ``WHERE`` (or a node of it) reads."""
    if isinstance(node, Col):
        yield node
    children = node.children if isinstance(node, WhereNode) else node.get_source_expressions()
    for child in children:
        if child is not None:
            yield from where_columns(child)


def on_lead_agency(query, col) -> bool:
    """Whether ``col`` is a column of the task's lead agency (its join)."""
    if not isinstance(col, Col) or col.target.model is not Agency:
        return False
    join = query.alias_map.get(col.alias)
    return isinstance(join, Join) and join.join_field.name == "lead_agency"


def _without_lead_agency(tasks: QuerySet) -> QuerySet:
    """``tasks`` without the conditions on its lead agency that
    ``_lead_agencies`` reads (under ANDs only), nor their join."""
    tasks = tasks.all()
    query = tasks.query
    unused: dict[str, int] = {}

    def kept(node) -> bool:
        if isinstance(node, WhereNode):
            node.children = [child for child in node.children if kept(child)]
            return True
        lhs = getattr(node, "lhs", None)
        if on_lead_agency(query, lhs):
            unused[lhs.alias] = unused.get(lhs.alias, 0) + 1
            return False
        return True

    kept(query.where)  # the clone's own (``Query.clone``)
    for alias, count in unused.items():
        query.unref_alias(alias, count)
    return tasks
