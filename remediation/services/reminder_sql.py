"""The two set-based statements of a reminder claim (PostgreSQL and SQLite).

1. ``candidates_sql``: the open tasks whose threshold of the day has no
   reminder yet, into a temporary table. Taken before anything is inserted,
   so the check against the log never reads rows this claim is adding.
2. ``claim_sql``: every (task, recipient, threshold) of those tasks, inserted
   with ON CONFLICT DO NOTHING: the unique constraint keeps each once.

Who waits on a task (``workflow`` statuses):
  - open, in progress, returned: the lead agency's officers and leader;
  - awaiting approval: its leader;
  - submitted, or overdue ``REMINDER_ESCALATE_AFTER_DAYS`` days or more:
    Home Affairs coordinators;
  - overdue: the monitoring department's monitors (and coordinators);
  - an agency with nobody to reach in that role: its official mailbox.
A task's recipients are the ones it has when its threshold comes.
Only quoted table names and placeholders are interpolated; values are
parameters.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from agencies.models import Agency, Role, User

from ..models import RemediationTask, ReminderLog
from ..models.reminders import MAILBOX_PREFIX, USER_PREFIX
from ..workflow import AGENCY_STATUSES, OPEN_STATUSES, TaskStatus

if TYPE_CHECKING:
    from .reminders import PlannedDay

CANDIDATES = "reminder_candidate"  # a temporary table, dropped by the claim


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _in(values) -> tuple[str, list[str]]:
    values = [str(v) for v in values]
    return ", ".join(["%s"] * len(values)), values


def candidates_sql(plan: list[PlannedDay]) -> tuple[str, list]:
    task, log = table(RemediationTask), table(ReminderLog)
    days = ", ".join(["(%s, %s, %s)"] * len(plan))
    open_in, open_params = _in(OPEN_STATUSES)
    sql = f"""
    CREATE TEMPORARY TABLE {CANDIDATES} AS
    WITH plan (due, threshold, overdue) AS (VALUES {days})
    SELECT t.id, t.status, t.lead_agency_id, t.monitoring_agency_id,
           p.due, p.threshold, p.overdue
    FROM {task} t JOIN plan p ON t.effective_due_date = p.due
    WHERE t.status IN ({open_in})
      AND t.effective_due_date BETWEEN %s AND %s
      AND NOT EXISTS (
          SELECT 1 FROM {log} l
          WHERE l.task_id = t.id AND l.due_date = p.due AND l.threshold = p.threshold)
    """  # noqa: S608
    params = [v for day in plan for v in (day.due_date, day.threshold, day.overdue_days)]
    return sql, [*params, *open_params, plan[-1].due_date, plan[0].due_date]


def tasks_claimed_sql() -> tuple[str, list]:
    """The candidates that got a reminder, per threshold."""
    log = table(ReminderLog)
    sql = f"""
    SELECT c.threshold, COUNT(*) FROM {CANDIDATES} c
    WHERE EXISTS (
        SELECT 1 FROM {log} l
        WHERE l.task_id = c.id AND l.due_date = c.due AND l.threshold = c.threshold)
    GROUP BY c.threshold
    """  # noqa: S608
    return sql, []


def claim_sql(now: datetime.datetime, *, skip_claimed: bool) -> tuple[str, list]:
    """The INSERT, with ON CONFLICT DO NOTHING when ``skip_claimed``. It
    answers (recipient, reminders) rows: counted by PostgreSQL in a
    data-modifying CTE, or one row per reminder on SQLite, which has none."""
    agency, user, log = table(Agency), table(User), table(ReminderLog)
    staff_in, staff_params = _in([Role.OFFICER, Role.LEADER])
    agency_in, agency_params = _in(AGENCY_STATUSES)
    monitor_in, monitor_params = _in([Role.MONITOR, Role.COORDINATOR])
    reachable = "u.is_active = %s AND u.email <> ''"
    pg = connection.vendor == "postgresql"
    claimed = ",\n    claimed AS (" if pg else ""
    tally = (
        ")\n    SELECT recipient_key, COUNT(*) FROM claimed GROUP BY recipient_key" if pg else ""
    )
    conflict = "ON CONFLICT DO NOTHING" if skip_claimed else ""
    sql = f"""
    WITH staff AS (
        SELECT u.agency_id, MAX(CASE WHEN u.role = %s THEN 1 ELSE 0 END) AS leaders
        FROM {user} u WHERE {reachable} AND u.role IN ({staff_in}) GROUP BY u.agency_id
    ),
    monitor AS (
        SELECT DISTINCT u.agency_id FROM {user} u
        WHERE {reachable} AND u.role IN ({monitor_in})
    ),
    recipient AS (
        SELECT c.id AS task_id, c.due, c.threshold, %s || CAST(u.id AS VARCHAR(20)) AS recipient
        FROM {CANDIDATES} c JOIN {user} u ON u.agency_id = c.lead_agency_id
        WHERE {reachable} AND (
            (c.status IN ({agency_in}) AND u.role IN ({staff_in}))
            OR (c.status = %s AND u.role = %s))
        UNION ALL
        SELECT c.id, c.due, c.threshold, %s || LOWER(a.official_email)
        FROM {CANDIDATES} c JOIN {agency} a ON a.id = c.lead_agency_id
        LEFT JOIN staff s ON s.agency_id = a.id
        WHERE a.official_email <> '' AND (
            (c.status IN ({agency_in}) AND s.agency_id IS NULL)
            OR (c.status = %s AND COALESCE(s.leaders, 0) = 0))
        UNION ALL
        SELECT c.id, c.due, c.threshold, %s || CAST(u.id AS VARCHAR(20))
        FROM {CANDIDATES} c CROSS JOIN {user} u
        WHERE {reachable} AND u.role = %s AND (c.status = %s OR c.overdue >= %s)
        UNION ALL
        SELECT c.id, c.due, c.threshold, %s || CAST(u.id AS VARCHAR(20))
        FROM {CANDIDATES} c JOIN {user} u ON u.agency_id = c.monitoring_agency_id
        WHERE c.overdue >= 1 AND {reachable} AND (u.role = %s OR (u.role = %s
            AND NOT (c.status = %s OR c.overdue >= %s)))
        UNION ALL
        SELECT c.id, c.due, c.threshold, %s || LOWER(a.official_email)
        FROM {CANDIDATES} c JOIN {agency} a ON a.id = c.monitoring_agency_id
        LEFT JOIN monitor m ON m.agency_id = a.id
        WHERE c.overdue >= 1 AND a.official_email <> '' AND m.agency_id IS NULL
    ){claimed}
    INSERT INTO {log} (task_id, due_date, threshold, recipient_key, claimed_at)
    SELECT task_id, due, threshold, recipient, %s FROM recipient WHERE 1 = 1
    {conflict}
    RETURNING recipient_key{tally}
    """  # noqa: S608
    params: list = [Role.LEADER, True, *staff_params]  # staff
    params += [True, *monitor_params]  # monitor
    params += [USER_PREFIX, True, *agency_params, *staff_params]  # the lead agency's staff
    params += [TaskStatus.AWAITING_APPROVAL, Role.LEADER]
    params += [MAILBOX_PREFIX, *agency_params, TaskStatus.AWAITING_APPROVAL]  # its mailbox
    params += [USER_PREFIX, True, Role.COORDINATOR, TaskStatus.SUBMITTED]  # coordinators
    params += [settings.REMINDER_ESCALATE_AFTER_DAYS]
    params += [USER_PREFIX, True, Role.MONITOR, Role.COORDINATOR]  # monitors, not twice
    params += [TaskStatus.SUBMITTED, settings.REMINDER_ESCALATE_AFTER_DAYS]
    params += [MAILBOX_PREFIX, now]  # the monitoring department's mailbox; the claim
    return sql, [str(p) if isinstance(p, str) else p for p in params]
