"""The shifts of an earlier day (``as_of``): each changing task's class as
of that day less its class as of the snapshot's, summed per agency, area,
criterion, inspection and document in one statement."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import QuerySet

from ..deadlines import DeadlineState, deadline_class_expression
from .halves import agency_split, estimated_rows
from .one_scan import CLASS_CODES, SETTINGS, keyed_union

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


def shifts_read(
    changed: list[QuerySet],
    as_of: datetime.date,
    today: datetime.date,
    *,
    leaving_out: Sequence[int] = (),
    up_to: float | None = None,
) -> Shifts | None:
    """The shifts of the changing tasks, but those ``leaving_out``, grouped
    as the one scan groups them (``scan_rows.SETS``): by agency, (area,
    criterion), inspection and (directive, the finding's other directive),
    then summed in the statement into one row per agency, area, criterion,
    inspection, document and the total (a national catalogue's halves give
    40,000 rows to sum). None: the planner expects more than ``up_to``
    changing tasks (one EXPLAIN of the statement's rows, compiled once)."""
    classes = {
        "dashboard_then": deadline_class_expression(as_of, CLASS_CODES),
        "dashboard_now": deadline_class_expression(today, CLASS_CODES),
    }
    sql, params = keyed_union(changed, classes, "effective_due_date", "pk")
    shifts = Shifts()
    if not sql:
        return shifts
    if up_to is not None and estimated_rows(sql, params) > up_to:
        return None
    shifted = [f"s{i}" for i in range(len(SHIFTED))]
    counts = ", ".join(
        f"count(*) FILTER (WHERE was = {CLASS_CODES[state]})"
        f" - count(*) FILTER (WHERE now = {CLASS_CODES[state]}) AS {column}"
        for state, column in zip(SHIFTED, shifted, strict=True)
    )
    sets = ", ".join(f"({', '.join(columns)})" for columns in SETS.values())
    aggregate = f"""
        SELECT GROUPING({", ".join(GROUPED)}) AS g, {", ".join(GROUPED)}, {counts},
            min(due) FILTER (WHERE was = {CLASS_CODES[DeadlineState.OVERDUE]}) AS oldest
        FROM u WHERE {{where}} GROUP BY GROUPING SETS ({sets})
    """  # noqa: S608 - names and class codes are ours
    # The tasks left out as one anti-join a half: as ``pk <> ALL(…)`` on each
    # part, PostgreSQL weighed every id for every index scan, and planning a
    # monitoring department's 18 scans after a busy day's 1,300 writes took
    # 76 ms.
    left_out = "NOT EXISTS (SELECT FROM unnest(%s::bigint[]) AS w (id) WHERE w.id = u.task)"
    # Two halves of the agencies side by side, as a large live view's
    # (``halves``): a group of the finding's dimensions comes in both.
    split = agency_split()
    halves = [("", [])] if split is None else [(f"agency {op} %s", [split]) for op in ("<", ">=")]
    aggregates, aggregate_params = [], []
    for half, half_params in halves:
        conditions = [half] if half else []
        if leaving_out:
            conditions.append(left_out)
            half_params = [*half_params, list(leaving_out)]
        aggregates.append(f"({aggregate.format(where=' AND '.join(conditions) or 'TRUE')})")
        aggregate_params += half_params
    aggregates = " UNION ALL ".join(aggregates)
    params = [*params, *aggregate_params]
    codes = {name: code for code, name in CODES.items()}
    sums = ", ".join([*(f"coalesce(sum({c}), 0)::int" for c in shifted), "min(oldest)"])

    def summed(name: str, keys: list[str], source: str) -> str:
        """One row per ``keys`` (one or two) of ``source``."""
        selected = ", ".join([*keys, "NULL::bigint"][:2])
        return f"SELECT '{name}', {selected}, {sums} FROM {source} GROUP BY {', '.join(keys)}"  # noqa: S608 - ours

    pairs = f"FROM h WHERE g = {codes['pair']}"
    documents = (
        f"(SELECT d3 AS k, {', '.join(shifted)}, oldest {pairs}"
        f" UNION ALL SELECT d4, {', '.join(shifted)}, oldest {pairs}) AS d WHERE k IS NOT NULL"
    )
    criteria = f"(SELECT * FROM h WHERE g = {codes['criteria']} AND d0 IS NOT NULL) AS c"  # noqa: S608 - ours
    statement = f"""
        WITH u ({", ".join(GROUPED)}, was, now, due, task) AS NOT MATERIALIZED ({sql}),
        h AS MATERIALIZED ({aggregates})
        SELECT 'agency', agency, NULL::bigint, {", ".join(shifted)}, oldest
            FROM h WHERE g = {codes["agency"]}
        UNION ALL SELECT 'total', NULL, NULL, {sums} FROM h WHERE g = {codes["agency"]}
        UNION ALL {summed("area", ["d0"], criteria)}
        UNION ALL {summed("criterion", ["d0", "d1"], f"{criteria} WHERE d1 IS NOT NULL")}
        UNION ALL {summed("inspection", ["d2"], f"h WHERE g = {codes['inspection']}")}
        UNION ALL {summed("document", ["k"], documents)}
    """  # noqa: S608 - names and class codes are ours; values are parameters
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    by_name = {
        "agency": shifts.agencies,
        "area": shifts.areas,
        "inspection": shifts.inspections,
        "document": shifts.directives,
    }
    for name, key, second, *shift in rows:
        if name == "total":
            shifts.total = shift
        elif name == "criterion":
            shifts.criteria[key, second] = shift
        else:
            by_name[name][key] = shift
    return shifts
