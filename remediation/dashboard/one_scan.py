"""Every breakdown of the dashboard in one pass over the filtered tasks.

On PostgreSQL the four GROUP BYs the page needs (by agency, by the finding's
dimensions, tasks falling due per month, tasks completed per month) run as
the GROUPING SETS of one query over the filtered queryset's own SQL: the
filter, the scope rule and the join to the findings are paid once instead of
four times. The rows have the same keys as the separate ORM queries, and the
counts use ``deadline_class_expression``, whose classes are exactly the
``deadline_q`` filters of the task list.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

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
) -> tuple[list[dict], list[dict], dict, dict]:
    from .figures import AGENCY_FIELDS, CLASSES, DIMENSIONS

    keys = [*AGENCY_FIELDS, *DIMENSIONS]
    inner = (
        tasks.order_by()
        .annotate(dashboard_class=deadline_class_expression(today))
        .values_list(*keys, "dashboard_class", "effective_due_date", "status", "completed_on")
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    names = [f"c{i}" for i in range(len(keys))] + ["klass", "due", "status", "done_on"]
    agency, dimensions = names[: len(AGENCY_FIELDS)], names[len(AGENCY_FIELDS) : len(keys)]
    first, last = (months[0][0], months[-1][1]) if months else (None, None)
    counts = ", ".join(f"count(*) FILTER (WHERE klass = '{state}')" for state in CLASSES)
    sql = f"""
        WITH t AS (
            SELECT s.*,
                CASE WHEN due BETWEEN %s AND %s THEN date_trunc('month', due)::date END AS due_m,
                CASE WHEN status = %s AND done_on BETWEEN %s AND %s
                     THEN date_trunc('month', done_on)::date END AS done_m
            FROM ({inner_sql}) AS s ({", ".join(names)})
        )
        SELECT GROUPING({agency[0]}, {dimensions[0]}, due_m, done_m), {", ".join(agency)},
            {", ".join(dimensions)}, due_m, done_m, count(*), {counts},
            min(due) FILTER (WHERE klass = '{DeadlineState.OVERDUE.value}')
        FROM t
        GROUP BY GROUPING SETS (({", ".join(agency)}), ({", ".join(dimensions)}), (due_m), (done_m))
    """  # noqa: S608 - names and class values are ours; values are parameters
    done_until = min(last, today) if last else None
    params = [first, last, TaskStatus.COMPLETED, first, done_until, *inner_params]
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in SETTINGS:
            cursor.execute(setting)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    agencies, groups, due, done = [], [], {}, {}
    # One dict per row with every column: the agency and dimension rows are
    # read by name, like the ORM's ``values()`` rows.
    columns = [*keys, "due_m", "done_m", "total", *CLASSES, "oldest_due"]
    for grouping, *values in rows:
        if grouping == BY_AGENCY:
            agencies.append(dict(zip(columns, values, strict=True)))
        elif grouping == BY_DIMENSIONS:
            groups.append(dict(zip(columns, values, strict=True)))
        elif grouping == BY_DUE_MONTH and values[len(keys)]:
            due[values[len(keys)]] = values[len(keys) + 2]
        elif grouping == BY_DONE_MONTH and values[len(keys) + 1]:
            done[values[len(keys) + 1]] = values[len(keys) + 2]
    return agencies, groups, due, done
