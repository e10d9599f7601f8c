"""The province's tasks as columns in the web process's memory (numpy), for
the province's views no snapshot keeps: a period of several years, an
as-of date with another filter, a filtered level.

PostgreSQL groups a million tasks in 400–500 ms on two cores whatever
the indexes (every task hashed into four sets); the same counts over
columns in memory are a few bincounts. The columns are read once per
process (``COPY`` in binary, with the database snapshot they are of) and
then brought up to date with what was written since, as a snapshot is
(``writes.unseen``): each use applies the tasks' versions written since
and moves the columns' database snapshot on. The refresh keeps those
versions one refresh longer than its own snapshots need (``pruned``), so
that columns used at least once between two refreshes never need reading
again; older ones, or where an agency was written, are read anew.

``test_dashboard_in_memory.py`` holds every figure equal to the one scan's.
"""

# ruff: noqa: S608 - only constant table and column names are interpolated

from __future__ import annotations

import dataclasses
import datetime
import io
import threading

import numpy as np
from django.db import connection

from agencies.models import Agency

from ..models import RemediationTask
from . import writes
from .months import Months, trend_ranges
from .rows import AgencyRow, Counts, DimensionCounts
from .scan_rows import Grouped

# The tasks' columns read: the id, then what the dashboard counts under
# (``writes.COLUMNS`` less the monitoring agency: no province view reads
# it), the two dates as days since 1970-01-01.
IDS = ("lead_agency_id", "finding_area_id", "finding_criterion_id", "finding_inspection_id")
DOCUMENTS = ("directive_id", "finding_source_directive_id")
DATES = ("effective_due_date", "open_until")
EPOCH = datetime.date(1970, 1, 1)
EPOCH_ORDINAL = EPOCH.toordinal()
# A write of more versions than this is read anew with every task.
UP_TO = 20_000
# Class codes, in the order of ``Counts``'s fields after the total.
ON_TIME, LATE, IN_TIME, SOON, OVERDUE = range(5)
NOT_OVERDUE = np.iinfo(np.int32).max


def _days(day: datetime.date) -> int:
    return day.toordinal() - EPOCH_ORDINAL


def _date(days: int) -> datetime.date:
    return datetime.date.fromordinal(days + EPOCH_ORDINAL)


class Codes:
    """Dense codes for the ids of one column (0: none), so that counts are
    ``bincount``s; a new id gets the next code."""

    def __init__(self, values: np.ndarray):
        # Ids are dense enough for a table indexed by id (no sort: a
        # million values sorted took 90 ms a column).
        present = np.zeros(int(values.max(initial=0)) + 1, dtype=bool)
        present[values] = True
        ids = np.flatnonzero(present)
        code_of = np.cumsum(present, dtype=np.int32) - 1
        self.ids = ids.tolist()
        self.of = {pk: code for code, pk in enumerate(self.ids)}
        self.codes = code_of[values]

    def code(self, pk: int) -> int:
        if pk not in self.of:
            self.of[pk] = len(self.ids)
            self.ids.append(pk)
        return self.of[pk]


@dataclasses.dataclass
class Filters:
    """The province view's filters (``TaskFilterForm.apply``'s, those the
    dashboard takes)."""

    first: datetime.date | None = None  # tu_ngay
    last: datetime.date | None = None  # den_ngay
    inspection: int | None = None  # dot
    document: int | None = None  # van_ban: the task's directive or its finding's
    area: int | None = None  # linh_vuc
    criterion: int | None = None  # tieu_chi
    level: str = ""  # cap: the lead agency's kind

    @classmethod
    def of(cls, active: dict) -> Filters:
        return cls(
            first=active.get("tu_ngay"),
            last=active.get("den_ngay"),
            inspection=active.get("dot"),
            document=active.get("van_ban"),
            area=active.get("linh_vuc"),
            criterion=active.get("tieu_chi"),
            level=active.get("cap") or "",
        )


FILTERED = {"tu_ngay", "den_ngay", "dot", "van_ban", "linh_vuc", "tieu_chi", "cap"}


class TaskColumns:
    """Every task's ``IDS``, documents and dates, as of the database
    snapshot ``seen``; the agencies' rows as of it too."""

    def __init__(self, seen: str, rows: np.ndarray, agencies: list[tuple]):
        self.seen = seen
        if not np.all(rows["id"][1:] > rows["id"][:-1]):  # read in the table's order
            rows = rows[np.argsort(rows["id"], kind="stable")]
        self.ids = rows["id"].astype(np.int64)
        self.alive = np.ones(len(rows), dtype=bool)
        # The agencies' codes are their places in ``agencies``, by id.
        self.agencies = sorted(agencies)
        self.agency_of = {row[0]: code for code, row in enumerate(self.agencies)}
        agency_ids = np.array([row[0] for row in self.agencies], dtype=np.int64)
        self.kinds = np.array([row[2] for row in self.agencies], dtype=object)
        code_of = np.zeros(int(agency_ids.max(initial=0)) + 1, dtype=np.int32)
        code_of[agency_ids] = np.arange(len(agency_ids), dtype=np.int32)
        self.agency = code_of[rows["lead_agency_id"]]
        self.area = Codes(rows["finding_area_id"])
        self.criterion = Codes(rows["finding_criterion_id"])
        self.inspection = Codes(rows["finding_inspection_id"])
        # One code space for both documents: a document's counts sum both.
        documents = Codes(np.concatenate([rows[name] for name in DOCUMENTS]))
        self.documents = documents
        self.directive = documents.codes[: len(rows)]
        self.source = documents.codes[len(rows) :]
        self.due = rows["effective_due_date"].astype(np.int32)
        self.open_until = rows["open_until"].astype(np.int32)

    # Brought up to date.

    def apply(self, changes: dict[int, writes.Change], seen: str) -> None:
        """The tasks' versions now (``writes.unseen``); ``seen``: the
        database snapshot they are of."""
        new = []
        for task, (_before, after) in changes.items():
            at = int(np.searchsorted(self.ids, task))
            if at < len(self.ids) and self.ids[at] == task:
                if after is None:
                    self.alive[at] = False
                else:
                    self._set(at, after)
            elif after is not None:
                new.append(after)
        if new:
            self._grow(sorted(new))
        self.seen = seen

    def _values(self, version: writes.Version) -> tuple:
        return (
            self.agency_of[version.agency],
            self.area.code(version.area or 0),
            self.criterion.code(version.criterion or 0),
            self.inspection.code(version.inspection or 0),
            self.documents.code(version.directive or 0),
            self.documents.code(version.source or 0),
            _days(version.due),
            _days(version.open_until),
        )

    def _columns(self) -> tuple:
        return (
            self.agency,
            self.area.codes,
            self.criterion.codes,
            self.inspection.codes,
            self.directive,
            self.source,
            self.due,
            self.open_until,
        )

    def _set(self, at: int, version: writes.Version) -> None:
        self.alive[at] = True
        for column, value in zip(self._columns(), self._values(version), strict=True):
            column[at] = value

    def _grow(self, versions: list[writes.Version]) -> None:
        """Tasks inserted since: their ids are above every other, so the
        ids stay sorted (a ``bigserial``)."""
        values = list(zip(*(self._values(v) for v in versions), strict=True))
        grown = [
            np.concatenate([column, np.array(added, dtype=column.dtype)])
            for column, added in zip(self._columns(), values, strict=True)
        ]
        (
            self.agency,
            self.area.codes,
            self.criterion.codes,
            self.inspection.codes,
            self.directive,
            self.source,
            self.due,
            self.open_until,
        ) = grown
        ids = np.array([v.task for v in versions], dtype=np.int64)
        self.ids = np.concatenate([self.ids, ids])
        self.alive = np.concatenate([self.alive, np.ones(len(ids), dtype=bool)])
        if len(self.ids) > 1 and not np.all(self.ids[1:] > self.ids[:-1]):
            order = np.argsort(self.ids, kind="stable")
            self.ids, self.alive = self.ids[order], self.alive[order]
            (
                self.agency,
                self.area.codes,
                self.criterion.codes,
                self.inspection.codes,
                self.directive,
                self.source,
                self.due,
                self.open_until,
            ) = (column[order] for column in grown)

    # Counted.

    def selected(self, filters: Filters) -> np.ndarray | None:
        """The rows of the view's tasks, as indexes (None: every row)."""
        mask = self.alive.copy() if not self.alive.all() else None

        def narrowed(condition: np.ndarray) -> None:
            nonlocal mask
            mask = condition if mask is None else mask & condition

        def code_of(codes: Codes, pk: int) -> int:
            return codes.of.get(pk, -1)

        if filters.first:
            narrowed(self.due >= _days(filters.first))
        if filters.last:
            narrowed(self.due <= _days(filters.last))
        if filters.inspection:
            narrowed(self.inspection.codes == code_of(self.inspection, filters.inspection))
        if filters.area:
            narrowed(self.area.codes == code_of(self.area, filters.area))
        if filters.criterion:
            narrowed(self.criterion.codes == code_of(self.criterion, filters.criterion))
        if filters.document:
            code = code_of(self.documents, filters.document)
            narrowed((self.directive == code) | (self.source == code))
        if filters.level:
            narrowed((self.kinds == filters.level)[self.agency])
        return None if mask is None else np.flatnonzero(mask)

    def grouped(self, filters: Filters, as_of: datetime.date, months: Months) -> Grouped:
        """What ``one_scan.grouped_in_one_scan`` gives for every agency's row
        (no ``TablePage``)."""
        rows = self.selected(filters)

        def taken(column: np.ndarray) -> np.ndarray:
            return column if rows is None else column[rows]

        due, open_until = taken(self.due), taken(self.open_until)
        today = _days(as_of)
        # Completed: on time or late; else in time, plus one when due soon
        # and one more when overdue (overdue is due soon too).
        klass = np.where(
            open_until <= today,
            (open_until > due).view(np.int8),
            IN_TIME + (due <= today + _soon_days()).view(np.int8) + (due < today).view(np.int8),
        )
        overdue = np.flatnonzero(klass == OVERDUE)
        oldest_due = due[overdue]

        def counts(codes: np.ndarray, size: int, where: np.ndarray | None = None):
            """Each code's counts by class and oldest overdue due date."""
            keys, classes, late_rows = codes, klass, overdue
            oldest_of = oldest_due
            if where is not None:
                keys, classes = codes[where], klass[where]
                keep = where[klass[where] == OVERDUE]
                late_rows, oldest_of = keep, due[keep]
            by_class = np.bincount(keys * 5 + classes, minlength=size * 5).reshape(size, 5)
            oldest = np.full(size, NOT_OVERDUE, dtype=np.int32)
            np.minimum.at(oldest, codes[late_rows], oldest_of)
            return by_class, oldest

        agency = taken(self.agency)
        by_agency, oldest_agency = counts(agency, len(self.agencies))
        area, criterion = taken(self.area.codes), taken(self.criterion.codes)
        n_criteria = len(self.criterion.ids)
        pairs = area.astype(np.int64) * n_criteria + criterion
        by_pair, oldest_pair = counts(pairs, len(self.area.ids) * n_criteria)
        inspection = taken(self.inspection.codes)
        by_inspection, oldest_inspection = counts(inspection, len(self.inspection.ids))
        directive, source = taken(self.directive), taken(self.source)
        n_documents = len(self.documents.ids)
        by_document, oldest_document = counts(directive, n_documents)
        other = np.flatnonzero(source != directive)
        by_source, oldest_source = counts(source, n_documents, other)
        by_document += by_source
        oldest_document = np.minimum(oldest_document, oldest_source)

        result = Grouped([], Counts(), DimensionCounts(), {}, {})
        for code, values in _nonzero(by_agency, oldest_agency):
            pk, name, kind, parent, parent_name, key, parent_key = self.agencies[code]
            result.agencies.append(
                AgencyRow(pk, name, kind, parent, parent_name, values, key, parent_key)
            )
            result.total.add(values)
        dimensions = result.dimensions
        area_ids, criterion_ids = self.area.ids, self.criterion.ids
        for code, values in _nonzero(by_pair, oldest_pair):
            area_pk, criterion_pk = area_ids[code // n_criteria], criterion_ids[code % n_criteria]
            if area_pk:
                dimensions.areas.setdefault(area_pk, Counts()).add(values)
                if criterion_pk:
                    dimensions.criteria[(area_pk, criterion_pk)] = values
        for code, values in _nonzero(by_inspection, oldest_inspection):
            if self.inspection.ids[code]:
                dimensions.inspections[self.inspection.ids[code]] = values
        for code, values in _nonzero(by_document, oldest_document):
            if self.documents.ids[code]:
                dimensions.directives[self.documents.ids[code]] = values
        if months:
            result.due, result.done = self._months(due, open_until, months, as_of)
        return result

    @staticmethod
    def _months(
        due: np.ndarray, open_until: np.ndarray, months: Months, as_of: datetime.date
    ) -> tuple[dict, dict]:
        """Tasks falling due and tasks completed, by month (``trend_ranges``)."""
        lines = []
        for (first, last), days in zip(trend_ranges(months, as_of), (due, open_until), strict=True):
            start, end = _days(first), _days(last)
            if end < start:
                lines.append({})
                continue
            # By day, then the days summed into months: a few thousand days,
            # where a month per task would convert every task's date.
            inside = days[(days >= start) & (days <= end)]
            by_day = np.bincount(inside - start, minlength=end - start + 1)
            day_months = np.arange(start, end + 1).astype("datetime64[D]").astype("datetime64[M]")
            starts, at = np.unique(day_months, return_index=True)
            numbers = np.add.reduceat(by_day, at).tolist()
            lines.append(
                {
                    month.astype(datetime.date): n
                    for month, n in zip(starts, numbers, strict=True)
                    if n
                }
            )
        return lines[0], lines[1]


def _soon_days() -> int:
    from ..deadlines import DUE_SOON_DAYS

    return DUE_SOON_DAYS


def _nonzero(by_class: np.ndarray, oldest: np.ndarray):
    """(code, ``Counts``) of each code that counts a task."""
    totals = by_class.sum(axis=1)
    codes = np.flatnonzero(totals)
    for code, total, values, day in zip(
        codes.tolist(),
        totals[codes].tolist(),
        by_class[codes].tolist(),
        oldest[codes].tolist(),
        strict=True,
    ):
        on_time, late, in_time, soon, overdue = values
        oldest_due = None if day == NOT_OVERDUE else _date(day)
        yield code, Counts(total, on_time, late, in_time, soon, overdue, oldest_due)


# Read.


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
_lock = threading.Lock()


def province_grouped(
    filters: Filters, as_of: datetime.date, months: Months, *, pruned: str
) -> Grouped:
    """The province's figures under ``filters``, from the columns: read
    anew where the writes since them are no longer all kept (``pruned``:
    the refresh dropped those its database snapshot saw) or cannot be
    applied. Called inside ``writes.consistent()``'s transaction: the
    columns are then exactly the tasks this transaction sees."""
    global _columns
    with _lock:
        columns = _columns
        if columns is not None and not _sees_every_write_of(columns.seen, pruned):
            columns = None  # some writes since the columns were forgotten
        if columns is not None:
            unseen = writes.unseen(columns.seen, up_to=UP_TO)
            if unseen is None or not unseen.countable(supporting=False):
                columns = None
            else:
                try:
                    columns.apply(unseen.changes, _database_snapshot())
                except KeyError:  # a lead agency the columns do not know
                    columns = None
        if columns is None:
            _columns = None  # its memory freed before the new columns are read
            columns = _columns = _read()
        return columns.grouped(filters, as_of, months)


def forget() -> None:
    """Drop the columns (tests)."""
    global _columns
    _columns = None
