"""The database triggers that keep a finding's inspection, reform area,
criterion and directing document on its task (``RemediationTask.finding_*``).

One rule, in the database, so that every writer obeys it: the import's bulk
statements, the admin, a raw UPDATE, a criterion deleted (SET NULL on the
finding). A task takes the values from its finding when it is inserted or
when any of those columns is written; a finding whose values change writes
its tasks' ``finding_id``, which applies the task's rule again.

PostgreSQL sets the row before it is stored (BEFORE trigger); SQLite, which
cannot change NEW, updates the row just written (AFTER trigger; its triggers
do not fire themselves again). A migration that makes SQLite rebuild the task
or finding table drops these triggers: it must call ``install`` again, and
the tests of ``test_finding_copies`` fail until it does.
"""

# ruff: noqa: S608 - only the constant table and column names below are interpolated

from __future__ import annotations

TASK = "remediation_remediationtask"
FINDING = "remediation_finding"
# task column <- finding column
COPIES = {
    "finding_inspection_id": "inspection_id",
    "finding_area_id": "reform_area_id",
    "finding_criterion_id": "criterion_id",
    "finding_source_directive_id": "source_directive_id",
}
WRITTEN = ", ".join(["finding_id", *COPIES])
CHANGED_PG = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COPIES.values())
CHANGED_SQLITE = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COPIES.values())

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION remediation_task_copy_finding() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- No finding (a task under a directive only): every copy is NULL.
        SELECT {", ".join(f"f.{c}" for c in COPIES.values())}
          INTO {", ".join(f"NEW.{c}" for c in COPIES)}
          FROM {FINDING} f WHERE f.id = NEW.finding_id;
        RETURN NEW;
    END $$
    """,
    f"DROP TRIGGER IF EXISTS remediation_task_copy_finding ON {TASK}",
    f"""
    CREATE TRIGGER remediation_task_copy_finding
    BEFORE INSERT OR UPDATE OF {WRITTEN} ON {TASK}
    FOR EACH ROW EXECUTE FUNCTION remediation_task_copy_finding()
    """,
    f"""
    CREATE OR REPLACE FUNCTION remediation_finding_copy_to_tasks() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {TASK} SET finding_id = finding_id WHERE finding_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    f"DROP TRIGGER IF EXISTS remediation_finding_copy_to_tasks ON {FINDING}",
    f"""
    CREATE TRIGGER remediation_finding_copy_to_tasks
    AFTER UPDATE OF {", ".join(COPIES.values())} ON {FINDING}
    FOR EACH ROW WHEN ({CHANGED_PG})
    EXECUTE FUNCTION remediation_finding_copy_to_tasks()
    """,
]

_SQLITE_COPY = ", ".join(
    f"{task} = (SELECT f.{finding} FROM {FINDING} f WHERE f.id = NEW.finding_id)"
    for task, finding in COPIES.items()
)
SQLITE = [
    "DROP TRIGGER IF EXISTS remediation_task_copy_finding_insert",
    f"""
    CREATE TRIGGER remediation_task_copy_finding_insert AFTER INSERT ON {TASK}
    BEGIN UPDATE {TASK} SET {_SQLITE_COPY} WHERE id = NEW.id; END
    """,
    "DROP TRIGGER IF EXISTS remediation_task_copy_finding_update",
    f"""
    CREATE TRIGGER remediation_task_copy_finding_update AFTER UPDATE OF {WRITTEN} ON {TASK}
    BEGIN UPDATE {TASK} SET {_SQLITE_COPY} WHERE id = NEW.id; END
    """,
    "DROP TRIGGER IF EXISTS remediation_finding_copy_to_tasks",
    f"""
    CREATE TRIGGER remediation_finding_copy_to_tasks AFTER UPDATE OF
        {", ".join(COPIES.values())} ON {FINDING} WHEN {CHANGED_SQLITE}
    BEGIN
        UPDATE {TASK} SET {", ".join(f"{t} = NEW.{f}" for t, f in COPIES.items())}
        WHERE finding_id = NEW.id;
    END
    """,
]

BACKFILL = {
    "postgresql": f"""
        UPDATE {TASK} t SET {", ".join(f"{task} = f.{finding}" for task, finding in COPIES.items())}
        FROM {FINDING} f WHERE f.id = t.finding_id
    """,
    "sqlite": f"UPDATE {TASK} SET {_SQLITE_COPY.replace('NEW.', f'{TASK}.')}",
}


def install(schema_editor) -> None:
    """Create (or replace) the triggers, and set the copies of every task."""
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"finding copies have no triggers for {vendor}")
    # The existing tasks first: with the triggers in place, each row's update
    # would look its finding up once more.
    schema_editor.execute(BACKFILL[vendor], params=None)
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS remediation_task_copy_finding ON {TASK}")
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS remediation_finding_copy_to_tasks ON {FINDING}"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS remediation_task_copy_finding()")
        schema_editor.execute("DROP FUNCTION IF EXISTS remediation_finding_copy_to_tasks()")
    else:
        for name in (
            "remediation_task_copy_finding_insert",
            "remediation_task_copy_finding_update",
            "remediation_finding_copy_to_tasks",
        ):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
