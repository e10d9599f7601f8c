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

import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from agencies.models import Agency

from ..deadlines import DeadlineState, deadline_class_expression
from ..workflow import TaskStatus

# GROUPING(agency, area, due_m, done_m) of each set: 0 where grouped.
BY_AGENCY, BY_DIMENSIONS, BY_DUE_MONTH, BY_DONE_MONTH = 0b0111, 0b1011, 0b1101, 0b1110
# The aggregates are hashed side by side; 4 MB (the default) would spill the
# 60,000 dimension groups of a national data set to disk. Random reads are
# cheap where the tasks live in memory or on SSD: let a narrow filter use
# its indexes rather than read every task.
SETTINGS = ("SET LOCAL work_mem = '64MB'", "SET LOCAL random_page_cost = 1.1")


def grouped_in_one_scan(
    tasks: QuerySet,
    today: datetime.date,
    months: list[tuple[datetime.date, datetime.date]],
) -> tuple[list, list[tuple], dict, dict]:
    """The agencies' rows (``AgencyRow``, by id); rows of ``DIMENSIONS``
    followed by ``COUNT_COLUMNS``; tasks falling due and completed per month."""
    from .figures import COUNT_COLUMNS, DIMENSIONS, AgencyRow, Counts

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
        "count(*)" if column == "total" else f"count(*) FILTER (WHERE klass = '{column}')"
        for column in COUNT_COLUMNS[:-1]
    )
    sql = f"""
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
                min(due) FILTER (WHERE klass = '{DeadlineState.OVERDUE.value}') AS oldest
            FROM t
            GROUP BY GROUPING SETS ((agency), ({", ".join(dimensions)}), (due_m), (done_m))
        )
        SELECT g.*, a.name, a.kind, a.parent_id, p.name
        FROM g
        LEFT JOIN {Agency._meta.db_table} a ON g.grouping = {BY_AGENCY} AND a.id = g.agency
        LEFT JOIN {Agency._meta.db_table} p ON p.id = a.parent_id
    """  # noqa: S608 - names and class values are ours; values are parameters
    done_until = min(last, today) if last else None
    params = [first, last, TaskStatus.COMPLETED, first, done_until, *inner_params]
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Positions in a row: grouping, agency, the dimensions, due_m, done_m, the
    # counts, then the agency's name, kind, parent and parent's name. Read by
    # index: a national table has 12,000 agency rows.
    width = len(DIMENSIONS)
    due_at, counts_at = 2 + width, 4 + width
    names_at = counts_at + len(COUNT_COLUMNS)
    agencies, groups, due, done = [], [], {}, {}
    for row in rows:
        grouping = row[0]
        if grouping == BY_AGENCY:
            agencies.append(
                AgencyRow(row[1], *row[names_at:], Counts.from_values(row[counts_at:names_at]))
            )
        elif grouping == BY_DIMENSIONS:
            groups.append(row[2:due_at] + row[counts_at:names_at])
        elif grouping == BY_DUE_MONTH and row[due_at]:
            due[row[due_at]] = row[counts_at]
        elif grouping == BY_DONE_MONTH and row[due_at + 1]:
            done[row[due_at + 1]] = row[counts_at]
    agencies.sort(key=lambda row: row.id)
    return agencies, groups, due, done
