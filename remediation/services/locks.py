"""Transaction-scoped advisory locks on PostgreSQL. SQLite needs none: its
transactions start with the write lock (``transaction_mode`` IMMEDIATE)."""

from __future__ import annotations

from django.db import connection


def advisory_xact_lock(name: str, *, wait: bool = True) -> bool:
    """Hold ``name`` until the transaction ends; False if ``wait`` is off and
    someone else holds it."""
    if connection.vendor != "postgresql":
        return True
    function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [name])
        return wait or bool(cursor.fetchone()[0])
