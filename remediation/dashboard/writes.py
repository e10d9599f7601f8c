"""Whether anything a snapshot counts was written after it (PostgreSQL).

``as_of`` derives a view at an earlier as-of date from today's snapshot of
the same scope, which is exact only while the data is still the data the
snapshot was computed from. Each statement that writes a table the figures
or the scopes read (the tasks, their supporting agencies, the agencies)
records its transaction's id in ``WRITES`` (a statement trigger); the
refresh computes every snapshot in one REPEATABLE READ transaction and keeps
that transaction's database snapshot (``pg_current_snapshot()``) with them.
A write the snapshot did not see is then a recorded id that is not visible
in it: no clocks, so a transaction still running while the snapshot was
computed, and committed later, counts as unseen.
"""

# ruff: noqa: S608 - only the constant table names below are interpolated

from __future__ import annotations

from django.db import connection

from agencies.models import Agency

from ..models import RemediationTask

WRITES = "remediation_dashboard_writes"
FUNCTION = "remediation_dashboard_written"


def _watched() -> list[str]:
    return [
        RemediationTask._meta.db_table,
        RemediationTask.supporting_agencies.through._meta.db_table,
        Agency._meta.db_table,
    ]


def install(schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # One row per writing transaction, however many statements it runs.
    schema_editor.execute(f"CREATE TABLE IF NOT EXISTS {WRITES} (xid xid8 PRIMARY KEY)")
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {WRITES} VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """
    )
    for table in _watched():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
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
    for table in _watched():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FUNCTION} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    schema_editor.execute(f"DROP TABLE IF EXISTS {WRITES}")


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


def written_since(seen: str) -> bool:
    """Whether a write committed that the database snapshot ``seen`` did not
    see (an unknown one: always)."""
    if not seen or connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT FROM {WRITES} WHERE NOT pg_visible_in_snapshot(xid, %s::pg_snapshot))",
            [seen],
        )
        return cursor.fetchone()[0]


def forget_seen(seen: str) -> None:
    """Drop the writes ``seen`` saw: no kept snapshot is older."""
    if seen and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {WRITES} WHERE pg_visible_in_snapshot(xid, %s::pg_snapshot)", [seen]
            )


def forget_all() -> None:
    """No snapshot is kept: no write needs remembering."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {WRITES}")
