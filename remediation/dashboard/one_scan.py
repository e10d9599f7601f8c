"""Every breakdown of the dashboard in one pass over the filtered tasks.

On PostgreSQL the four GROUP BYs the page needs (by agency, by the finding's
dimensions, tasks falling due per month, tasks completed per month) run as
the GROUPING SETS of one query over the filtered queryset's own SQL: the
filter and the scope rule are paid once instead of four times. The rows have
the same columns, in the same order, as the separate ORM queries, and the
counts use ``deadline_class_expression``, whose classes are exactly the
``deadline_q`` filters of the task list.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from agencies.models import Agency

from ..deadlines import DeadlineState, deadline_class_expression
from ..workflow import TaskStatus
from .columns import COUNT_COLUMNS
from .presentation import GROUP_LABELS, AgencyTable, TablePage, clamped_offset, parse_sort
from .rows import AgencyRow, Counts
from .table_sql import PART_BEST, PART_GROUPS, PART_PAGE, table_ctes, table_parts

# GROUPING(agency, area, due_m, done_m) of each set: 0 where grouped.
BY_AGENCY, BY_DIMENSIONS, BY_DUE_MONTH, BY_DONE_MONTH, BY_TOTAL = (
    0b0111,
    0b1011,
    0b1101,
    0b1110,
    0b1111,
)
# The aggregates are hashed side by side; 4 MB (the default) would spill the
# 60,000 dimension groups of a national data set to disk. Random reads are
# cheap where the tasks live in memory or on SSD: let a narrow filter use
# its indexes rather than read every task.
SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL random_page_cost = 1.1")
RANKED = 10  # the ranking's best and last


@dataclasses.dataclass
class Grouped:
    """What the page needs of the tasks: every agency's row, or with a
    ``TablePage`` only the table's page and ranking (``table``)."""

    agencies: list
    total: Counts
    dimensions: list[tuple]  # ``DIMENSIONS`` then ``COUNT_COLUMNS``
    due: dict  # tasks falling due per month
    done: dict  # tasks completed per month
    table: AgencyTable | None = None


def grouped_in_one_scan(
    tasks: QuerySet,
    today: datetime.date,
    months: list[tuple[datetime.date, datetime.date]],
    page: TablePage | None = None,
) -> Grouped:
    from .figures import DIMENSIONS

    # Grouped by ids only; the agencies' names are joined to the (few) agency
    # groups afterwards, not to every task.
    inner = (
        tasks.order_by()
        .annotate(dashboard_class=deadline_class_expression(today))
        .values_list(
            "lead_agency_id",
            *DIMENSIONS,
            "dashboard_class",
            "effective_due_date",
            "status",
            "completed_on",
        )
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    dimensions = [f"d{i}" for i in range(len(DIMENSIONS))]
    names = ["agency", *dimensions, "klass", "due", "status", "done_on"]
    first, last = (months[0][0], months[-1][1]) if months else (None, None)
    counts = ", ".join(
        f"count(*) AS {column}"
        if column == "total"
        else f"count(*) FILTER (WHERE klass = '{column}') AS {column}"
        for column in COUNT_COLUMNS[:-1]
    )
    grouped = f"""
        WITH t AS (
            SELECT s.*,
                CASE WHEN due BETWEEN %s AND %s THEN date_trunc('month', due)::date END AS due_m,
                CASE WHEN status = %s AND done_on BETWEEN %s AND %s
                     THEN date_trunc('month', done_on)::date END AS done_m
            FROM ({inner_sql}) AS s ({", ".join(names)})
        ),
        g AS (
            SELECT GROUPING(agency, d0, due_m, done_m) AS grouping, agency, {", ".join(dimensions)},
                due_m, done_m, {counts},
                min(due) FILTER (WHERE klass = '{DeadlineState.OVERDUE.value}') AS oldest_due
            FROM t
            GROUP BY GROUPING SETS ((agency), ({", ".join(dimensions)}), (due_m), (done_m), ())
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
        ctes = table_ctes(by_agency=BY_AGENCY, sort_key=sort_key, descending=descending)
        parts = table_parts(
            keys=["grouping", "agency", *dimensions, "due_m", "done_m"],
            by_agency=BY_AGENCY,
            offset=page.offset,
            per_page=page.per_page,
            ranked=RANKED,
        )
        sql = f"{grouped}, {ctes} {parts}"
    done_until = min(last, today) if last else None
    params = [first, last, TaskStatus.COMPLETED, first, done_until, *inner_params]
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if page is not None:
        # Each row starts with its part; then the same columns as below.
        return _from_parts(rows, len(dimensions), page)
    # Positions in a row: grouping, agency, the dimensions, due_m, done_m, the
    # counts, then the agency's name, kind, parent, parent's name and the two
    # sort keys. Read by index: a national table has 12,000 agency rows.
    width = len(dimensions)
    counts_at = 4 + width
    names_at = counts_at + len(COUNT_COLUMNS)
    result = Grouped([], Counts(), [], {}, {})
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
    result.total, result.dimensions, result.due, result.done = _other_groups(groups, width)
    result.agencies.sort(key=lambda row: row.id)
    return result


def _other_groups(rows, width: int) -> tuple[Counts, list[tuple], dict, dict]:
    """The total, the dimensions' groups and the months, from rows of
    grouping, agency, the dimensions, due_m, done_m and the counts."""
    due_at, counts_at = 2 + width, 4 + width
    end = counts_at + len(COUNT_COLUMNS)
    total, groups, due, done = Counts(), [], {}, {}
    for row in rows:
        grouping = row[0]
        if grouping == BY_DIMENSIONS:
            groups.append(tuple(row[2:due_at]) + tuple(row[counts_at:end]))
        elif grouping == BY_DUE_MONTH and row[due_at]:
            due[row[due_at]] = row[counts_at]
        elif grouping == BY_DONE_MONTH and row[due_at + 1]:
            done[row[due_at + 1]] = row[counts_at]
        elif grouping == BY_TOTAL:
            total = Counts.from_values(row[counts_at:end])
    return total, groups, due, done


def _from_parts(rows, width: int, page: TablePage) -> Grouped:
    labels = [str(label) for label in GROUP_LABELS]
    counts_at = 4 + width
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
    total, dimensions, due, done = _other_groups(groups, width)
    table = AgencyTable(
        [line[1:] for line in lines],
        count,
        clamped_offset(page.offset, count, page.per_page),
        best,
        worst,
    )
    return Grouped([], total, dimensions, due, done, table)
