"""What was written after a snapshot (PostgreSQL): which tables, and each
task's counted columns before and after.

The refresh computes every snapshot in one REPEATABLE READ transaction and
keeps that transaction's database snapshot (``pg_current_snapshot()``) with
them. Triggers record each writing transaction's id with what it wrote: a
write the snapshot did not see is a recorded id not visible in it. No
clocks: a transaction still running while the snapshot was computed, and
committed later, counts as unseen.

- ``CHANGES``, one row per version of a task that a statement replaced or
  wrote, of the columns the dashboard counts (``COLUMNS``), where they
  changed: a task's rows in the order written (``seq``: a row lock orders
  the writers of one task) run from its version in the snapshot to its
  version now. ``current`` brings a snapshot up to date with them.
- ``WRITES``, the transactions that wrote the agencies or the tasks'
  supporting agencies (what the scopes and the agencies' rows read), or
  emptied the tasks: those cannot be added row by row.
"""

# ruff: noqa: S608 - only the constant table names below are interpolated

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Iterator
from typing import NamedTuple

from django.db import connection, transaction

from agencies.models import Agency

from ..models import RemediationTask

WRITES = "remediation_dashboard_writes"
CHANGES = "remediation_dashboard_changes"
FUNCTION = "remediation_dashboard_written"
CHANGED = "remediation_dashboard_changed"
# What a task counts under, and its class: the one scan's columns.
COLUMNS = (
    "lead_agency_id",
    "monitoring_agency_id",
    "finding_area_id",
    "finding_criterion_id",
    "finding_inspection_id",
    "directive_id",
    "finding_source_directive_id",
    "effective_due_date",
    "open_until",
)


class Version(NamedTuple):
    """A task's id and ``COLUMNS``."""

    task: int
    agency: int
    monitoring: int | None
    area: int | None
    criterion: int | None
    inspection: int | None
    directive: int | None
    source: int | None
    due: datetime.date
    open_until: datetime.date


# A task's version when the snapshot was computed and now; None: there was
# none (inserted since), there is none (deleted since).
Change = tuple[Version | None, Version | None]


def _tasks() -> str:
    return RemediationTask._meta.db_table


def _supporting() -> str:
    return RemediationTask.supporting_agencies.through._meta.db_table


def _watched() -> list[str]:
    """Written as a whole (``WRITES``), with ``TRUNCATE`` of the tasks."""
    return [_supporting(), Agency._meta.db_table]


def install(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(COLUMNS)
    uninstall(schema_editor)
    # One row per writing transaction and table, however many statements.
    schema_editor.execute(
        f"CREATE TABLE {WRITES} (xid xid8, watched text, PRIMARY KEY (xid, watched))"
    )
    schema_editor.execute(
        f"""
        CREATE TABLE {CHANGES} (
            seq bigserial PRIMARY KEY, xid xid8 NOT NULL, task_id bigint NOT NULL,
            is_new boolean NOT NULL, lead_agency_id bigint NOT NULL,
            monitoring_agency_id bigint, finding_area_id bigint, finding_criterion_id bigint,
            finding_inspection_id bigint, directive_id bigint,
            finding_source_directive_id bigint,
            effective_due_date date NOT NULL, open_until date NOT NULL
        )
        """
    )
    schema_editor.execute(f"CREATE INDEX {CHANGES}_xid ON {CHANGES} (xid)")
    schema_editor.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {WRITES} VALUES (pg_current_xact_id(), TG_TABLE_NAME)
                ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """
    )
    # Transition tables: a statement's rows at once (an import writes
    # thousands). An update only where a counted column changed, each
    # task's old version first, so that ``seq`` runs from the oldest.
    keep = f"INSERT INTO {CHANGES} (xid, task_id, is_new, {columns})"
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in COLUMNS)
    versions = ", ".join(
        f"({is_new}, {', '.join(f'{row}.{c}' for c in COLUMNS)})"
        for is_new, row in (("false", "o"), ("true", "n"))
    )
    bodies = {
        "INSERT": f"{keep} SELECT pg_current_xact_id(), id, true, {columns} FROM new_rows;",
        "DELETE": f"{keep} SELECT pg_current_xact_id(), id, false, {columns} FROM old_rows;",
        "UPDATE": f"""
            {keep} SELECT pg_current_xact_id(), o.id, v.*
            FROM old_rows o JOIN new_rows n USING (id),
            LATERAL (VALUES {versions}) AS v
            WHERE {changed} ORDER BY o.id, v.column1;
        """,
    }
    tables = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}
    tables["UPDATE"] = f"{tables['DELETE']} {tables['INSERT']}"
    for event, body in bodies.items():
        name = f"{CHANGED}_{event.lower()}"
        schema_editor.execute(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {body}
                RETURN NULL;
            END $$
            """
        )
        schema_editor.execute(
            f"""
            CREATE TRIGGER {name} AFTER {event} ON {_tasks()}
            REFERENCING {tables[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()
            """
        )
    schema_editor.execute(
        f"""
        CREATE TRIGGER {FUNCTION} AFTER TRUNCATE ON {_tasks()}
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()
        """
    )
    for table in _watched():
        schema_editor.execute(
            f"""
            CREATE TRIGGER {FUNCTION}
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()
            """
        )


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [_tasks(), *_watched()]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
    for event in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {CHANGED}_{event} ON {_tasks()}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {CHANGED}_{event}()")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    schema_editor.execute(f"DROP TABLE IF EXISTS {WRITES}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {CHANGES}")


def snapshot_begin(*, isolate: bool) -> str:
    """The database snapshot of the reads that follow, to be kept with what
    they compute; empty where there is none. ``isolate``: in a transaction
    just begun (``atomic``), before any other statement, make every later
    read see this one snapshot (else each statement sees its own)."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        if isolate:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


# Unseen by a snapshot: an id from its xmin on (every earlier one is visible
# in it), not visible in it. The range reads the index of ``CHANGES``.
UNSEEN = (
    "xid >= pg_snapshot_xmin(%s::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot)"
)


@dataclasses.dataclass
class Unseen:
    """What was written after a snapshot."""

    watched: set[str]  # the tables of ``_watched`` written, and the tasks if emptied
    changes: dict[int, Change]  # by task
    # Which versions: they are only ever added to (the refresh prunes those
    # of older snapshots), so their number and the last one name the set.
    token: tuple[int, int]

    def countable(self, *, supporting: bool) -> bool:
        """Whether ``changes`` bring a view up to date: no agency written (a
        scope, a level, the table's places), the tasks not emptied, and
        where its scope reads them (``supporting``: an agency's, not the
        province's), no supporting agency written."""
        return not (self.watched - (set() if supporting else {_supporting()}))

    @property
    def nothing(self) -> bool:
        return not self.watched and not self.changes


def unseen(seen: str, *, up_to: int) -> Unseen | None:
    """What was written after the database snapshot ``seen``; None when it
    is unknown (no snapshot, not PostgreSQL) or more than ``up_to`` versions
    of tasks were written."""
    if not seen or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT NULL, watched, NULL, {", ".join("NULL" for _c in COLUMNS)}
                FROM {WRITES} WHERE {UNSEEN}
            UNION ALL (SELECT seq, task_id::text, is_new, {", ".join(COLUMNS)}
                FROM {CHANGES} WHERE {UNSEEN} ORDER BY seq LIMIT %s)
            """,
            [seen, seen, seen, seen, up_to + 1],
        )
        rows = cursor.fetchall()
    watched = {task for seq, task, *_rest in rows if seq is None}
    versions = sorted(row for row in rows if row[0] is not None)
    if len(versions) > up_to:
        return None
    changes: dict[int, Change] = {}
    token = (len(versions), versions[-1][0] if versions else 0)
    for _seq, task, is_new, *columns in versions:
        # The first version recorded is the one the snapshot saw (an
        # insert's: none); the last is the current (a delete's: none).
        version = Version(int(task), *columns)
        before = changes[int(task)][0] if int(task) in changes else (None if is_new else version)
        changes[int(task)] = (before, version if is_new else None)
    return Unseen(watched, changes, token)


@contextlib.contextmanager
def consistent() -> Iterator[bool]:
    """Reads that see one database snapshot: the snapshot kept, what was
    written since it, and the tasks, read in one REPEATABLE READ
    transaction of their own (True); where the caller's transaction is
    already open (``ATOMIC_REQUESTS``, a test's), in that one (False)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield True


def forget_seen(seen: str) -> None:
    """Drop the writes ``seen`` saw: no kept snapshot is older."""
    if seen and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (WRITES, CHANGES):
                cursor.execute(
                    f"DELETE FROM {table} WHERE xid < pg_snapshot_xmax(%s::pg_snapshot)"
                    " AND pg_visible_in_snapshot(xid, %s::pg_snapshot)",
                    [seen, seen],
                )


def forget_all() -> None:
    """No snapshot is kept: no write needs remembering."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (WRITES, CHANGES):
                cursor.execute(f"DELETE FROM {table}")


def pages_visible_again() -> None:
    """VACUUM the tables the dashboard reads, outside any transaction.

    Its covering indexes answer without the tasks' pages only where the
    visibility map marks a page all-visible, and every write clears its
    page's mark: after a day's 1,300 writes, a quarter of the entries an
    earlier day's figures read were checked in the table (up to 55 ms of
    a first look at 1,000,000 tasks). With
    PostgreSQL's defaults autovacuum waits for a fifth of the tasks to change,
    and a server may run without it. Run before each refresh, it reads only
    the pages written since the last (the map skips the rest), so the marks
    are never older than a refresh. ``SKIP_LOCKED``: a refresh does not wait
    on another VACUUM."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (SKIP_LOCKED) {_tasks()}, {_supporting()}, {CHANGES}, {WRITES}")
