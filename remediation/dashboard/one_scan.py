"""Every breakdown of the dashboard in one pass over the filtered tasks.

On PostgreSQL the groups the page needs (by agency and by the finding's
dimensions) are the GROUPING SETS of one statement over the UNION ALL of the
filtered scope's disjoint parts (``involving_parts``): the filter and the
scope rule are paid once, each part from its own index. The total is summed
from the agencies' groups. The months (tasks falling due, tasks completed)
need only a count: over the whole province they are their own GROUP BYs
over a range of an index (``_months_apart``), else two more sets of the
scan. With
a ``TablePage`` the same statement
orders and cuts the by-agency table and the ranking (``table_sql``). The
counts use ``deadline_class_expression``, whose classes are exactly the
``deadline_q`` filters of the task list; ``test_dashboard`` holds the figures
equal to those of the separate ORM queries.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.where import WhereNode

from agencies.models import Agency

from ..deadlines import DeadlineState, deadline_class_expression
from .columns import COUNT_COLUMNS
from .halves import agency_split
from .months import Months, trend_ranges
from .presentation import GROUP_LABELS, AgencyTable, TablePage, clamped_offset, parse_sort
from .rows import AgencyRow, Counts, DimensionCounts
from .table_sql import PART_BEST, PART_GROUPS, PART_PAGE, table_ctes, table_parts

# The columns of ``t`` the sets group by: d0 to d4 are ``DIMENSIONS`` (area,
# criterion, inspection, directive, the finding's directive); ``other_d4``
# is the finding's directive where it is not the task's own, so that a task
# counts once under each document it answers (as ``figures.rolled_up``).
GROUPED = ("agency", "d0", "d1", "d2", "d3", "other_d4", "due_m", "done_m")
# Each set costs every task its aggregates: an area's counts are summed
# from its criteria's groups (criterion or none), a document's from the
# (directive, other document) pairs. ``AGGREGATED`` are always sets of the
# aggregate, the months are where they are not read apart, and the total is
# summed from the agencies' groups; each row still carries the code of its
# set over every ``GROUPED`` column.
SETS = {
    "agency": ("agency",),
    "criteria": ("d0", "d1"),
    "inspections": ("d2",),
    "documents": ("d3", "other_d4"),
    "due": ("due_m",),
    "done": ("done_m",),
    "total": (),
}


def _grouping(columns: tuple[str, ...]) -> int:
    """``GROUPING(GROUPED)`` of the set of ``columns``: a bit set for each column not grouped."""
    return sum(1 << (len(GROUPED) - 1 - i) for i, c in enumerate(GROUPED) if c not in columns)


AGGREGATED = ("agency", "criteria", "inspections", "documents")
KEYS = GROUPED[:-2]  # what ``AGGREGATED`` group by
MONTH_BITS = len(GROUPED) - len(KEYS)
BY_SET = {_grouping(columns): name for name, columns in SETS.items()}
BY_AGENCY = _grouping(SETS["agency"])
# The aggregates are hashed side by side; 4 MB (the default) would spill the
# 60,000 dimension groups of a national data set to disk. Random reads are
# cheap where the tasks live in memory or on SSD: let a narrow filter use
# its indexes rather than read every task.
SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL random_page_cost = 1.1")
RANKED = 10  # the ranking's best and last
# The deadline classes as numbers in the statement: a million rows compare
# each class once per count and set, and numbers compare faster than text.
CLASS_CODES = {state: code for code, state in enumerate(DeadlineState, start=1)}


@dataclasses.dataclass
class Grouped:
    """What the page needs of the tasks: every agency's row, or with a
    ``TablePage`` only the table's page and ranking (``table``)."""

    agencies: list
    total: Counts
    dimensions: DimensionCounts
    due: dict  # tasks falling due per month
    done: dict  # tasks completed per month
    table: AgencyTable | None = None


def _union(parts: list[QuerySet], *fields) -> tuple[str, list]:
    """The parts' rows of ``fields`` as one ``UNION ALL`` (empty SQL: no part
    can hold a task)."""
    statements, params = [], []
    for part in parts:
        try:
            sql, part_params = part.order_by().values_list(*fields).query.sql_with_params()
        except EmptyResultSet:  # a part that can hold no task (``none()``)
            continue
        statements.append(f"({sql})")
        params += part_params
    return " UNION ALL ".join(statements), params


def _months_apart(parts: list[QuerySet]) -> bool:
    """Whether the months are read apart: only for the whole province, over
    a period or not (one part, filtered on the due date alone). There each
    line reads a range of an index, far fewer rows than the scan; a narrower
    filter, a join (``cap``) or a scope's parts would be read again for each
    line, for less than their two sets cost in the scan."""
    if len(parts) != 1:
        return False
    return {col.target.column for col in _columns(parts[0].query.where)} <= {"effective_due_date"}


def _columns(node) -> Iterator[Col]:
    """The columns a ``WHERE`` reads."""
    if isinstance(node, Col):
        yield node
    children = node.children if isinstance(node, WhereNode) else node.get_source_expressions()
    for child in children:
        if child is not None:
            yield from _columns(child)


@dataclasses.dataclass
class _TrendSql:
    """Where the trend's months are counted: ``columns`` of ``t`` and the
    ``sets`` of the aggregate (its ``grouping`` code and ``grouped``
    columns), or ``groups`` of their own after it; ``params`` in that order."""

    sets: tuple[str, ...]
    grouping: str
    grouped: str
    columns: str = ""
    groups: str = ""
    params: list = dataclasses.field(default_factory=list)


def _trend_sql(parts: list[QuerySet], months: Months, today: datetime.date) -> _TrendSql:
    if months and not _months_apart(parts):
        # Sets of the one scan: a second read of tasks that a join or the
        # scope's parts select would cost more than their counts.
        return _TrendSql(
            sets=(*AGGREGATED, "due", "done"),
            grouping=f"GROUPING({', '.join(GROUPED)})",
            grouped=", ".join(GROUPED),
            columns=""",
                CASE WHEN due BETWEEN %s AND %s
                     THEN date_trunc('month', due::timestamp)::date END AS due_m,
                CASE WHEN open_until BETWEEN %s AND %s
                     THEN date_trunc('month', open_until::timestamp)::date END AS done_m""",
            params=[day for days in trend_ranges(months, today) for day in days],
        )
    # The months count tasks only: each is then its own GROUP BY over its
    # range of the tasks, which PostgreSQL pushes down to a range scan of an
    # index; as sets of the aggregate they would cost every task every count
    # twice more. Completed by a day is ``open_until`` up to it
    # (``completed_between_q``).
    trend = _TrendSql(
        sets=AGGREGATED,
        # ``GROUPING`` over ``KEYS`` as the code of its set over ``GROUPED``
        # (the months, not grouped here, are its last bits).
        grouping=f"GROUPING({', '.join(KEYS)}) * {1 << MONTH_BITS} + {(1 << MONTH_BITS) - 1}",
        grouped=f"{', '.join(KEYS)}, NULL::date AS due_m, NULL::date AS done_m",
    )
    lines = (
        zip(("due", "done"), ("due", "open_until"), trend_ranges(months, today), strict=True)
        if months
        else ()
    )
    zeros = ", ".join(["0"] * (len(COUNT_COLUMNS) - 2))
    for name, column, days in lines:
        at = GROUPED.index(f"{name}_m")
        group = ", ".join("m" if i == at else "NULL" for i in range(len(GROUPED)))
        trend.groups += f"""
            UNION ALL
            SELECT {_grouping(SETS[name])}, {group}, count(*), {zeros}, NULL
            FROM (SELECT date_trunc('month', {column}::timestamp)::date AS m
                  FROM u WHERE {column} BETWEEN %s AND %s) AS month
            GROUP BY m"""  # noqa: S608 - names are ours; days are parameters
        trend.params += days
    return trend


def grouped_in_one_scan(
    parts: list[QuerySet],
    today: datetime.date,
    months: Months,
    page: TablePage | None = None,
) -> Grouped:
    from .figures import DIMENSIONS

    # Grouped by ids only; the agencies' names are joined to the (few) agency
    # groups afterwards, not to every task. The parts are disjoint: their
    # UNION ALL is the tasks.
    tasks_sql, params = _union(
        [
            part.annotate(dashboard_class=deadline_class_expression(today, CLASS_CODES))
            for part in parts
        ],
        "lead_agency_id",
        *DIMENSIONS,
        "dashboard_class",
        "effective_due_date",
        "open_until",
    )
    if not tasks_sql:
        return Grouped([], Counts(), DimensionCounts(), {}, {}, _empty_table(page))
    dimensions = [f"d{i}" for i in range(len(DIMENSIONS))]
    columns = ", ".join(["agency", *dimensions, "klass", "due", "open_until"])
    classes = {
        column: f"count(*) FILTER (WHERE klass = {CLASS_CODES[DeadlineState(column)]})"
        for column in COUNT_COLUMNS
        if column in DeadlineState.values
    }
    # Every task is in one class: the total is their sum, per group, from
    # the same aggregates (PostgreSQL computes an aggregate named twice once).
    counts = ", ".join(
        [f"{' + '.join(classes.values())} AS total"]
        + [f"{count} AS {column}" for column, count in classes.items()]
    )
    overdue = CLASS_CODES[DeadlineState.OVERDUE]
    sums = ", ".join(f"coalesce(sum({column}), 0)::bigint" for column in COUNT_COLUMNS[:-1])
    nulls = ", ".join(["NULL"] * len(KEYS))
    trend = _trend_sql(parts, months, today)
    sets = ", ".join(f"({', '.join(SETS[name])})" for name in trend.sets)

    def aggregate(where: str = "") -> str:
        return f"""
            SELECT {trend.grouping} AS grouping, {trend.grouped}, {counts},
                min(due) FILTER (WHERE klass = {overdue}) AS oldest_due
            FROM t {where}
            GROUP BY GROUPING SETS ({sets})
        """  # noqa: S608 - names and class values are ours

    split = agency_split(parts[0].query.where) if _months_apart(parts) else None
    if split is None:
        halves, a = "", aggregate()
    else:
        # Two halves of the agencies side by side (see ``halves``): an
        # agency's group lies in one, a dimension's counts are the sums of
        # its groups in both.
        halves = " UNION ALL ".join(f"({aggregate(f'WHERE agency {op} %s')})" for op in ("<", ">="))
        halves = f"halves AS MATERIALIZED ({halves}),"
        params += [split, split]
        summed = ", ".join(f"sum({column})::bigint AS {column}" for column in COUNT_COLUMNS[:-1])
        a = f"""
            SELECT * FROM halves WHERE grouping = {BY_AGENCY}
            UNION ALL
            SELECT grouping, {", ".join(GROUPED)}, {summed}, min(oldest_due) AS oldest_due
            FROM halves WHERE grouping <> {BY_AGENCY}
            GROUP BY grouping, {", ".join(GROUPED)}
        """  # noqa: S608 - names are ours
    params += trend.params
    grouped = f"""
        WITH u ({columns}) AS NOT MATERIALIZED ({tasks_sql}),
        t AS NOT MATERIALIZED (
            SELECT u.*, CASE WHEN d4 IS DISTINCT FROM d3 THEN d4 END AS other_d4 {trend.columns}
            FROM u
        ),
        {halves}
        a AS ({a}),
        g AS (
            SELECT * FROM a
            UNION ALL
            SELECT {_grouping(SETS["total"])}, {nulls}, NULL, NULL, {sums}, min(oldest_due)
            FROM a WHERE grouping = {BY_AGENCY}
            {trend.groups}
        )
    """  # noqa: S608 - names and class values are ours; values are parameters
    if page is None:
        # Every agency's row, with its name.
        sql = f"""{grouped}
            SELECT g.*, a.name, a.kind, a.parent_id, p.name, a.sort_key, p.sort_key
            FROM g
            LEFT JOIN {Agency._meta.db_table} a ON g.grouping = {BY_AGENCY} AND a.id = g.agency
            LEFT JOIN {Agency._meta.db_table} p ON p.id = a.parent_id
        """  # noqa: S608
    else:
        sort_key, descending = parse_sort(page.sort)
        ctes = table_ctes(
            by_agency=BY_AGENCY,
            sort_key=sort_key,
            descending=descending,
            offset=page.offset,
            per_page=page.per_page,
            ranked=RANKED,
        )
        parts = table_parts(keys=["grouping", *GROUPED], by_agency=BY_AGENCY)
        sql = f"{grouped}, {ctes} {parts}"
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if page is not None:
        # Each row starts with its part; then the same columns as below.
        return _from_parts(rows, page)
    # Positions in a row: grouping, ``GROUPED``, the counts, then the agency's
    # name, kind, parent, parent's name and the two sort keys. Read by index:
    # a national table has 12,000 agency rows.
    counts_at = COUNTS_AT
    names_at = counts_at + len(COUNT_COLUMNS)
    result = Grouped([], Counts(), DimensionCounts(), {}, {})
    groups = []
    for row in rows:
        if row[0] == BY_AGENCY:
            name, kind, parent, parent_name, key, parent_key = row[names_at:]
            counts = Counts.from_values(row[counts_at:names_at])
            result.agencies.append(
                AgencyRow(row[1], name, kind, parent, parent_name, counts, key, parent_key)
            )
        else:
            groups.append(row)
    result.total, result.dimensions, result.due, result.done = _other_groups(groups)
    result.agencies.sort(key=lambda row: row.id)
    return result


COUNTS_AT = 1 + len(GROUPED)  # in a row of ``g``


def _empty_table(page: TablePage | None) -> AgencyTable | None:
    return None if page is None else AgencyTable([], 0, 0, [], [])


def _other_groups(rows) -> tuple[Counts, DimensionCounts, dict, dict]:
    """The total, the dimensions' counts and the months, from rows of ``g``."""
    end = COUNTS_AT + len(COUNT_COLUMNS)
    total, dimensions, due, done = Counts(), DimensionCounts(), {}, {}
    at = {column: 1 + i for i, column in enumerate(GROUPED)}
    for row in rows:
        name = BY_SET[row[0]]
        key = tuple(row[at[column]] for column in SETS[name])
        if name in ("due", "done"):
            if key[0] is not None:  # tasks outside the months are grouped under None
                (due if name == "due" else done)[key[0]] = row[COUNTS_AT]
            continue
        counts = Counts.from_values(row[COUNTS_AT:end])
        if name == "total":
            total = counts
        elif name == "inspections":
            if key[0] is not None:
                dimensions.inspections[key[0]] = counts
        elif name == "criteria":
            area, criterion = key
            if area is not None:
                dimensions.areas.setdefault(area, Counts()).add(counts)
                if criterion is not None:  # its link filters on both
                    dimensions.criteria[key] = counts
        else:  # documents: the task's own directive and its finding's other one
            for pk in key:
                if pk is not None:
                    dimensions.directives.setdefault(pk, Counts()).add(counts)
    return total, dimensions, due, done


def _from_parts(rows, page: TablePage) -> Grouped:
    labels = [str(label) for label in GROUP_LABELS]
    counts_at = COUNTS_AT
    rest_at = counts_at + len(COUNT_COLUMNS)
    groups, lines, best, worst = [], [], [], []
    count = decided = 0
    for part, *row in rows:
        if part == PART_GROUPS:
            groups.append(row[:rest_at])
            continue
        rn, n, grp, depth, name, kind, parent, parent_name, key, parent_key = row[rest_at:]
        agency = AgencyRow(
            row[1],
            name,
            kind,
            parent,
            parent_name,
            Counts.from_values(row[counts_at:rest_at]),
            key,
            parent_key,
        )
        if part == PART_PAGE:
            lines.append((rn, labels[grp], agency, depth))
            count = n
        elif part == PART_BEST:
            best.append((rn, agency))
            decided = n
        else:
            worst.append((n - rn + 1, agency))
    lines.sort(key=lambda line: line[0])
    best.sort(key=lambda item: item[0])
    worst.sort(key=lambda item: item[0])
    if decided <= 2 * RANKED:
        worst = []
    else:
        best = best[:RANKED]
    total, dimensions, due, done = _other_groups(groups)
    table = AgencyTable(
        [line[1:] for line in lines],
        count,
        clamped_offset(page.offset, count, page.per_page),
        best,
        worst,
    )
    return Grouped([], total, dimensions, due, done, table)
