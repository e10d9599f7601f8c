"""Every breakdown of the dashboard in one pass over the filtered tasks.

On PostgreSQL the groups the page needs (by agency and by the finding's
dimensions) are the GROUPING SETS of one statement over the UNION ALL of the
filtered scope's disjoint parts (``involving_parts``): the filter and the
scope rule are paid once, each part from its own index. The total is summed
from the agencies' groups. Over the whole province or a large agency level
(``_months_apart``) the months (tasks falling due, tasks completed), which
need only a count, are their own GROUP BYs over a range of an index;
elsewhere they are two more sets of the scan. A large view's aggregate
(``halves.is_large``: the whole province, a long period, the communes'
level) runs as two halves of the agencies side by side (``halves``). With a ``TablePage`` the same
statement orders and cuts the by-agency table and the ranking
(``table_sql``); ``scan_rows`` reads the rows back. The counts use
``deadline_class_expression``, whose classes are exactly the ``deadline_q``
filters of the task list; ``test_dashboard`` holds the figures equal to
those of the separate ORM queries.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import NullIf

from agencies.models import Agency

from ..deadlines import DeadlineState, deadline_class_expression
from .columns import COUNT_COLUMNS
from .halves import is_large, on_lead_agency, view_split, where_columns
from .months import Months, trend_ranges
from .presentation import TablePage, parse_sort
from .rows import Counts, DimensionCounts
from .scan_rows import (
    AGGREGATED,
    BY_AGENCY,
    GROUPED,
    KEYS,
    MONTH_BITS,
    RANKED,
    SETS,
    Grouped,
    empty_table,
    every_agency,
    from_parts,
    grouping_code,
)
from .table_sql import table_ctes, table_parts

# The aggregates are hashed side by side; 4 MB (the default) would spill the
# 60,000 dimension groups of a national data set to disk. Random reads are
# cheap where the tasks live in memory or on SSD: let a narrow filter use
# its indexes rather than read every task.
SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL random_page_cost = 1.1")
# The deadline classes as numbers in the statement: a million rows compare
# each class once per count and set, and numbers compare faster than text.
CLASS_CODES = {state: code for code, state in enumerate(DeadlineState, start=1)}


def parts_union(parts: list[QuerySet], *fields) -> tuple[str, list]:
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


def keyed_union(parts: list[QuerySet], classes: dict, *columns: str) -> tuple[str, list]:
    """``parts_union`` of what the one scan groups by: the lead agency, the
    finding's ``DIMENSIONS`` (its directive only where it is another
    document than the task's: ``SETS``), then ``classes`` (annotations) and
    ``columns``."""
    from .figures import DIMENSIONS

    *dimensions, source = DIMENSIONS
    annotated = [
        part.annotate(**classes, dashboard_other_document=NullIf(source, "directive_id"))
        for part in parts
    ]
    return parts_union(
        annotated,
        "lead_agency_id",
        *dimensions,
        "dashboard_other_document",
        *classes,
        *columns,
    )


def _months_apart(parts: list[QuerySet], large: bool) -> bool:
    """Whether the trend's lines are read apart, each a range of an index
    (far fewer rows than the scan): for the whole province, over a period
    or not (one part, filtered on the due date alone), and for a large view
    of one agency level (``cap``, a join), whose lines read through the
    same join cost the communes' view 108 ms against 245 for two more sets
    of its halves. A narrower filter or a scope's parts would be read again
    for each line, for less than their two sets cost in the scan; so would a
    small level (its lines read every level's tasks of the months)."""
    if len(parts) != 1:
        return False
    query = parts[0].query
    columns = list(where_columns(query.where))
    level = [col for col in columns if on_lead_agency(query, col)]
    on_task = {col.target.column for col in columns if col not in level}
    return on_task <= {"effective_due_date"} and (large or not level)


@dataclasses.dataclass
class _TrendSql:
    """Where the trend's months are counted: ``columns`` of ``t`` and the
    ``sets`` of the aggregate (its ``grouping`` code and ``grouped``
    columns), or ``groups`` of their own after it; the parameters of each."""

    sets: tuple[str, ...]
    grouping: str
    grouped: str
    columns: str = ""
    groups: str = ""
    column_params: list = dataclasses.field(default_factory=list)
    group_params: list = dataclasses.field(default_factory=list)


def _trend_sql(
    months: Months, today: datetime.date, *, apart: bool, agencies: QuerySet | None = None
) -> _TrendSql:
    # Both ways the lines are grouped by day, summed into months by
    # ``other_groups``: a day is the column itself, where a month would be a
    # ``date_trunc`` for every task (twice the cost of the lines apart).
    if months and not apart:
        # Sets of the one scan: a second read of tasks that a narrower
        # filter, a join or the scope's parts select would cost more than
        # their counts.
        return _TrendSql(
            sets=(*AGGREGATED, "due", "done"),
            grouping=f"GROUPING({', '.join(GROUPED)})",
            grouped=", ".join(GROUPED),
            columns=""",
                CASE WHEN due BETWEEN %s AND %s THEN due END AS due_day,
                CASE WHEN open_until BETWEEN %s AND %s THEN open_until END AS done_day""",
            column_params=[day for days in trend_ranges(months, today) for day in days],
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
        grouped=f"{', '.join(KEYS)}, NULL::date AS due_day, NULL::date AS done_day",
    )
    lines = (
        zip(("due", "done"), ("due", "open_until"), trend_ranges(months, today), strict=True)
        if months
        else ()
    )
    zeros = ", ".join(["0"] * (len(COUNT_COLUMNS) - 2))
    # ``u`` without the join its ``agencies`` stand for (``halves.Split``):
    # a semi-join to them here, over a few months' tasks.
    among, among_params = "", []
    if agencies is not None:
        sql, among_params = agencies.order_by().values("pk").query.sql_with_params()
        among = f" AND agency IN ({sql})"
    for name, column, days in lines:
        at = GROUPED.index(f"{name}_day")
        group = ", ".join("m" if i == at else "NULL" for i in range(len(GROUPED)))
        trend.groups += f"""
            UNION ALL
            SELECT {grouping_code(SETS[name])}, {group}, count(*), {zeros}, NULL
            FROM (SELECT {column} AS m FROM u WHERE {column} BETWEEN %s AND %s{among}) AS day
            GROUP BY m"""  # noqa: S608 - names are ours; days are parameters
        trend.group_params += [*days, *among_params]
    return trend


def _documents(source: str) -> str:
    """Rows of ``g``: each document's counts, summed from the groups of the
    pairs set in ``source`` (a task under its directive, and under its
    finding's where that is another document: d4 is null otherwise)."""
    pairs = f"FROM {source} WHERE grouping = {grouping_code(SETS['pairs'])}"
    counts = ", ".join(COUNT_COLUMNS)
    summed = ", ".join(f"sum({column})::bigint" for column in COUNT_COLUMNS[:-1])
    keys = ", ".join("k" if column == "d3" else "NULL" for column in GROUPED)
    return f"""
            UNION ALL
            SELECT {grouping_code(SETS["documents"])}, {keys}, {summed}, min(oldest_due)
            FROM (SELECT d3 AS k, {counts} {pairs} UNION ALL SELECT d4, {counts} {pairs}) AS s
            WHERE k IS NOT NULL GROUP BY k"""  # noqa: S608 - names are ours


def grouped_in_one_scan(
    parts: list[QuerySet],
    today: datetime.date,
    months: Months,
    page: TablePage | None = None,
) -> Grouped:
    from .figures import DIMENSIONS

    # Grouped by ids only; the agencies' names are joined to the (few) agency
    # groups afterwards, not to every task. The parts are disjoint: their
    # UNION ALL is the tasks. A large view runs in halves (``halves``), a
    # view of some agencies read through their ids, not a join.
    large = is_large(parts)
    split = view_split(parts[0]) if large else None
    tasks_sql, params = keyed_union(
        [split.tasks] if split else parts,
        {"dashboard_class": deadline_class_expression(today, CLASS_CODES)},
        "effective_due_date",
        "open_until",
    )
    if not tasks_sql:
        return Grouped([], Counts(), DimensionCounts(), {}, {}, empty_table(page))
    dimensions = [f"d{i}" for i in range(len(DIMENSIONS))]
    columns = ", ".join(["agency", *dimensions, "klass", "due", "open_until"])
    classes = {
        column: f"count(*) FILTER (WHERE klass = {CLASS_CODES[DeadlineState(column)]})"
        for column in COUNT_COLUMNS
        if column in DeadlineState.values
    }
    # Every task is in one class: the first class is the total less the
    # others, per group (PostgreSQL computes an aggregate named twice once),
    # a filter fewer for every task and set (a national half 12 ms).
    first, *others = classes
    classes[first] = f"count(*) - ({' + '.join(classes[column] for column in others)})"
    counts = ", ".join(
        ["count(*) AS total"] + [f"{count} AS {column}" for column, count in classes.items()]
    )
    overdue = CLASS_CODES[DeadlineState.OVERDUE]
    sums = ", ".join(f"coalesce(sum({column}), 0)::bigint" for column in COUNT_COLUMNS[:-1])
    nulls = ", ".join(["NULL"] * len(KEYS))
    # Where its months are read is ``_months_apart``'s to say.
    by_ids = split is not None and split.agencies is not None
    trend = _trend_sql(
        months,
        today,
        apart=_months_apart(parts, large),
        agencies=Agency.objects.filter(split.condition) if by_ids else None,
    )
    sets = ", ".join(f"({', '.join(SETS[name])})" for name in trend.sets)

    def aggregate(where: str = "") -> str:
        return f"""
            SELECT {trend.grouping} AS grouping, {trend.grouped}, {counts},
                min(due) FILTER (WHERE klass = {overdue}) AS oldest_due
            FROM t {where}
            GROUP BY GROUPING SETS ({sets})
        """  # noqa: S608 - names and class values are ours

    split_params = []
    pairs = grouping_code(SETS["pairs"])
    if split is None:
        halves, a, pairs_from = "", aggregate(), "a"
    else:
        # Two halves of the agencies side by side (see ``halves``): an
        # agency's group lies in one, a dimension's counts are the sums of
        # its groups in both. The documents are summed from both halves'
        # pairs at once: merging the pairs first cost a national catalogue
        # (10,000 documents) a hash of 40,000 rows on nine columns.
        among = " AND agency = ANY(%s::bigint[])" if by_ids else ""
        halves = " UNION ALL ".join(
            f"({aggregate(f'WHERE agency {op} %s{among}')})" for op in ("<", ">=")
        )
        halves = f"halves AS MATERIALIZED ({halves}),"
        for half in (0, 1):
            split_params += [split.at, split.ids(half)] if by_ids else [split.at]
        summed = ", ".join(f"sum({column})::bigint AS {column}" for column in COUNT_COLUMNS[:-1])
        # The other sets' groups, merged on their own columns only.
        merged = {c for name in trend.sets if name not in ("agency", "pairs") for c in SETS[name]}
        keys = ", ".join(c if c in merged else f"NULL AS {c}" for c in GROUPED)
        a = f"""
            SELECT * FROM halves WHERE grouping = {BY_AGENCY}
            UNION ALL
            SELECT grouping, {keys}, {summed}, min(oldest_due) AS oldest_due
            FROM halves WHERE grouping NOT IN ({BY_AGENCY}, {pairs})
            GROUP BY grouping, {", ".join(c for c in GROUPED if c in merged)}
        """  # noqa: S608 - names are ours
        pairs_from = "halves"
    # In the statement's order: ``u``, ``t``, the halves, ``g``.
    params += trend.column_params + split_params + trend.group_params
    grouped = f"""
        WITH u ({columns}) AS NOT MATERIALIZED ({tasks_sql}),
        t AS NOT MATERIALIZED (
            SELECT u.* {trend.columns}
            FROM u
        ),
        {halves}
        a AS ({a}),
        g AS (
            SELECT * FROM a WHERE grouping <> {pairs}
            {_documents(pairs_from)}
            UNION ALL
            SELECT {grouping_code(SETS["total"])}, {nulls}, NULL, NULL, {sums}, min(oldest_due)
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
        # Each row starts with its part; then the same columns as ``g``'s.
        return from_parts(rows, page)
    return every_agency(rows)
