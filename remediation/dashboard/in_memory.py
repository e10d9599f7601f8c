"""The province's tasks as columns in the web process's memory (numpy), for
the province's views no snapshot keeps: a period of several years, an
inspection, an area, a document, a level with any of them, an as-of date
(``selectors_dashboard``).

PostgreSQL groups a million tasks in 300–500 ms on two cores whatever
the indexes (every task hashed into four sets); the same counts over
columns in memory are a few bincounts (``task_columns``). The columns are
read once per process (``COPY`` in binary, with the database snapshot they
are of) and then brought up to date with what was written since, as a
snapshot is (``writes.unseen``): each use applies the tasks' versions
written since and moves the columns' database snapshot on. The refresh
keeps those versions an hour (``snapshot.WRITES_KEPT``, ``pruned``), so
that columns used at least once an hour never need reading again; older
ones, or where an agency was written, are read anew.

``test_dashboard_in_memory.py`` holds every figure equal to the one scan's.
"""

# ruff: noqa: S608 - only constant table and column names are interpolated

from __future__ import annotations

import collections
import datetime
import io
import threading
from collections.abc import Callable

import numpy as np
from django.db import connection

from agencies.models import Agency

from ..models import RemediationTask
from . import writes
from .figures import Figures
from .months import Months
from .scan_rows import Grouped
from .task_columns import DOCUMENTS, Filters, TaskColumns

# The tasks' columns read: the id, then what the dashboard counts under
# (``writes.COLUMNS`` less the monitoring agency: no province view reads
# it), the two dates as days since 1970-01-01.
IDS = ("lead_agency_id", "finding_area_id", "finding_criterion_id", "finding_inspection_id")
DATES = ("effective_due_date", "open_until")
# A write of more versions than this is read anew with every task.
UP_TO = 20_000


def _copied(sql: str) -> bytes:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)
    return buffer.getvalue()


def _read() -> TaskColumns:
    """Every task, in binary ``COPY``: each row is its field count, then
    each field's length and value (none null: ``COALESCE``), which one
    numpy record type reads as it is."""
    names = ("id", *IDS, *DOCUMENTS)
    selected = [
        "id",
        "lead_agency_id",
        *(f"COALESCE({name}, 0)" for name in names[2:]),
        *(f"{name} - DATE '1970-01-01'" for name in DATES),
    ]
    table = RemediationTask._meta.db_table
    data = _copied(f"COPY (SELECT {', '.join(selected)} FROM {table}) TO STDOUT (FORMAT binary)")
    fields = [("count", ">i2")]
    for name in names:
        fields += [(f"{name}_length", ">i4"), (name, ">i8")]
    for name in DATES:
        fields += [(f"{name}_length", ">i4"), (name, ">i4")]
    # A header of 19 bytes (signature, flags, no extension), a trailer of 2.
    rows = np.frombuffer(
        data, dtype=np.dtype(fields), offset=19, count=(len(data) - 21) // np.dtype(fields).itemsize
    )
    agencies = list(
        Agency.objects.order_by().values_list(
            "pk", "name", "kind", "parent_id", "parent__name", "sort_key", "parent__sort_key"
        )
    )
    return TaskColumns(_database_snapshot(), rows, agencies)


def _database_snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _sees_every_write_of(seen: str, other: str) -> bool:
    """Whether every transaction visible in the database snapshot ``other``
    is visible in ``seen`` (each ``xmin:xmax:running,…``): then whatever
    was forgotten as seen by ``other`` was applied to columns of ``seen``.
    A transaction left open (running in both) does not matter."""

    def parsed(snapshot: str) -> tuple[int, set[int]]:
        _xmin, xmax, running = snapshot.split(":")
        return int(xmax), {int(xid) for xid in running.split(",") if xid}

    seen_max, seen_running = parsed(seen)
    other_max, other_running = parsed(other)
    # Unseen by ``seen``: from its xmax on, and those running then.
    return other_max <= seen_max and all(
        xid >= other_max or xid in other_running for xid in seen_running
    )


_columns: TaskColumns | None = None
# Figures counted from the columns as they are, by view: paging and sorting
# a view read them again. Dropped whenever the columns change.
_counted: collections.OrderedDict[tuple, Figures] = collections.OrderedDict()
COUNTED_KEPT = 16
_lock = threading.Lock()


def usable(pruned: str) -> bool:
    """Whether this process holds columns that the writes kept can bring up
    to date (``pruned``: the refresh forgot those its database snapshot
    saw): a view is then counted from them rather than derived."""
    columns = _columns
    return columns is not None and bool(pruned) and _sees_every_write_of(columns.seen, pruned)


def province_figures(
    filters: Filters,
    as_of: datetime.date,
    months: Months,
    *,
    pruned: str,
    build: Callable[[Grouped], Figures],
) -> Figures:
    """The province's figures under ``filters`` (``build`` makes them of the
    rows), from the columns: read anew where the writes since them are no
    longer all kept or cannot be applied. Called inside
    ``writes.consistent()``'s transaction: the columns are then exactly
    the tasks this transaction sees."""
    global _columns
    with _lock:
        columns = _columns if usable(pruned) else None
        if columns is not None:
            unseen = writes.unseen(columns.seen, up_to=UP_TO)
            if unseen is None or not unseen.countable(supporting=False):
                columns = None
            else:
                try:
                    columns.apply(unseen.changes, _database_snapshot())
                except KeyError:  # a lead agency the columns do not know
                    columns = None
                if unseen.changes:
                    _counted.clear()
        if columns is None:
            _columns = None  # its memory freed before the new columns are read
            _counted.clear()
            columns = _columns = _read()
        key = (filters, as_of, tuple(months))
        if key not in _counted:
            figures = build(columns.grouped(filters, as_of, months))
            figures.memo = {}  # the table's order by sort, as for a snapshot
            _counted[key] = figures
            while len(_counted) > COUNTED_KEPT:
                _counted.popitem(last=False)
        _counted.move_to_end(key)
        return _counted[key]


def forget_counted() -> None:
    """Drop the figures counted: what a view's first look costs (the benchmark)."""
    _counted.clear()


def forget() -> None:
    """Drop the columns (tests, the benchmark)."""
    global _columns
    _columns = None
    _counted.clear()
