"""Every task's counted columns as numpy arrays (``TaskColumns``), and the
dashboard's figures counted over them: what ``one_scan`` groups in the
database, as a few ``bincount``s (``in_memory`` keeps them per process)."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np

from ..deadlines import DUE_SOON_DAYS
from . import writes
from .months import Months, trend_ranges
from .rows import AgencyRow, Counts, DimensionCounts
from .scan_rows import Grouped

# The tasks' documents, as read: one code space (``TaskColumns.documents``).
DOCUMENTS = ("directive_id", "finding_source_directive_id")
EPOCH = datetime.date(1970, 1, 1)
EPOCH_ORDINAL = EPOCH.toordinal()
# Class codes, in the order of ``Counts``'s fields after the total: on time
# (0), late (1), in time, due soon (3), overdue.
IN_TIME, OVERDUE = 2, 4
NOT_OVERDUE = np.iinfo(np.int32).max
# Past this many (area, criterion) pairs, only those that occur are counted.
PAIRS_BY_TABLE = 1_000_000
# Ids up to this are coded through a table indexed by id (a byte each).
DENSE_UP_TO = 50_000_000


def _days(day: datetime.date) -> int:
    return day.toordinal() - EPOCH_ORDINAL


def _date(days: int) -> datetime.date:
    return datetime.date.fromordinal(days + EPOCH_ORDINAL)


class Codes:
    """Dense codes for the ids of one catalogue (0: none), so that counts
    are ``bincount``s; a new id gets the next code."""

    def __init__(self, values: np.ndarray):
        largest = int(values.max(initial=0))
        self.table = None
        if largest <= DENSE_UP_TO:
            # A table indexed by id: no sort (a million values sorted took
            # 90 ms a column).
            present = np.zeros(largest + 1, dtype=bool)
            present[values] = True
            ids = np.flatnonzero(present)
            self.table = np.cumsum(present, dtype=np.int32) - 1
        else:  # ids too sparse for a table of them
            ids = np.unique(values)
        self.ids = ids.tolist()
        self.of = {pk: code for code, pk in enumerate(self.ids)}

    def coded(self, values: np.ndarray) -> np.ndarray:
        if self.table is None:
            return np.searchsorted(np.array(self.ids, dtype=np.int64), values).astype(np.int32)
        return self.table[values]

    def code(self, pk: int | None) -> int:
        pk = pk or 0
        if pk not in self.of:
            self.of[pk] = len(self.ids)
            self.ids.append(pk)
        return self.of[pk]


@dataclasses.dataclass(frozen=True)
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


# Each task's row: its lead agency's code, the codes of the finding's keys
# and documents, the two dates; ``_values`` gives them in this order.
COLUMNS = ("agency", "area", "criterion", "inspection", "directive", "source", "due", "open_until")


class TaskColumns:
    """Every task's ``COLUMNS`` (``column``), and the agencies' rows, as of
    the database snapshot ``seen``."""

    def __init__(self, seen: str, rows: np.ndarray, agencies: list[tuple]):
        self.seen = seen
        if not np.all(rows["id"][1:] > rows["id"][:-1]):  # read in the table's order
            rows = rows[np.argsort(rows["id"], kind="stable")]
        self.ids = rows["id"].astype(np.int64)
        self.alive = np.ones(len(rows), dtype=bool)
        # The agencies' codes are their places in ``agencies``, by id.
        self.agencies = sorted(agencies)
        self.agency_of = {row[0]: code for code, row in enumerate(self.agencies)}
        self.kinds = np.array([row[2] for row in self.agencies], dtype=object)
        agency_ids = np.array([row[0] for row in self.agencies], dtype=np.int64)
        self.area = Codes(rows["finding_area_id"])
        self.criterion = Codes(rows["finding_criterion_id"])
        self.inspection = Codes(rows["finding_inspection_id"])
        # One code space for both documents: a document's counts sum both.
        self.documents = Codes(np.concatenate([rows[name] for name in DOCUMENTS]))
        self.column = {
            # Every lead agency is one of them (a foreign key).
            "agency": np.searchsorted(agency_ids, rows["lead_agency_id"]).astype(np.int32),
            "area": self.area.coded(rows["finding_area_id"]),
            "criterion": self.criterion.coded(rows["finding_criterion_id"]),
            "inspection": self.inspection.coded(rows["finding_inspection_id"]),
            "directive": self.documents.coded(rows["directive_id"]),
            "source": self.documents.coded(rows["finding_source_directive_id"]),
            "due": rows["effective_due_date"].astype(np.int32),
            "open_until": rows["open_until"].astype(np.int32),
        }

    # Brought up to date.

    def apply(self, changes: dict[int, writes.Change], seen: str) -> None:
        """The tasks' versions now (``writes.unseen``); ``seen``: the
        database snapshot they are of. KeyError: a lead agency written
        since the columns were read."""
        new = []
        for task, (_before, after) in changes.items():
            at = int(np.searchsorted(self.ids, task))
            if at < len(self.ids) and self.ids[at] == task:
                self.alive[at] = after is not None
                if after is not None:
                    for name, value in zip(COLUMNS, self._values(after), strict=True):
                        self.column[name][at] = value
            elif after is not None:
                new.append(after)
        if new:
            self._grow(new)
        self.seen = seen

    def _values(self, version: writes.Version) -> tuple:
        """The row of a task's version, in the order of ``COLUMNS``."""
        return (
            self.agency_of[version.agency],
            self.area.code(version.area),
            self.criterion.code(version.criterion),
            self.inspection.code(version.inspection),
            self.documents.code(version.directive),
            self.documents.code(version.source),
            _days(version.due),
            _days(version.open_until),
        )

    def _grow(self, versions: list[writes.Version]) -> None:
        """Tasks inserted since, kept in id order."""
        versions = sorted(versions)
        added = list(zip(*(self._values(v) for v in versions), strict=True))
        for name, values in zip(COLUMNS, added, strict=True):
            column = self.column[name]
            self.column[name] = np.concatenate([column, np.array(values, dtype=column.dtype)])
        self.ids = np.concatenate([self.ids, [v.task for v in versions]])
        self.alive = np.concatenate([self.alive, np.ones(len(versions), dtype=bool)])
        start = len(self.ids) - len(versions)
        if start and self.ids[start - 1] > self.ids[start]:
            # Not above every other (ids given by an import): sorted again,
            # where new ids from the sequence need only be appended.
            order = np.argsort(self.ids, kind="stable")
            self.ids, self.alive = self.ids[order], self.alive[order]
            self.column = {name: column[order] for name, column in self.column.items()}

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
            narrowed(self.column["due"] >= _days(filters.first))
        if filters.last:
            narrowed(self.column["due"] <= _days(filters.last))
        if filters.inspection:
            narrowed(self.column["inspection"] == code_of(self.inspection, filters.inspection))
        if filters.area:
            narrowed(self.column["area"] == code_of(self.area, filters.area))
        if filters.criterion:
            narrowed(self.column["criterion"] == code_of(self.criterion, filters.criterion))
        if filters.document:
            code = code_of(self.documents, filters.document)
            narrowed((self.column["directive"] == code) | (self.column["source"] == code))
        if filters.level:
            narrowed((self.kinds == filters.level)[self.column["agency"]])
        return None if mask is None else np.flatnonzero(mask)

    def grouped(self, filters: Filters, as_of: datetime.date, months: Months) -> Grouped:
        """What ``one_scan.grouped_in_one_scan`` gives for every agency's row
        (no ``TablePage``)."""
        rows = self.selected(filters)

        def taken(name: str) -> np.ndarray:
            column = self.column[name]
            return column if rows is None else column[rows]

        due, open_until = taken("due"), taken("open_until")
        today = _days(as_of)
        # Completed: on time or late; else in time, plus one when due soon
        # and one more when overdue (overdue is due soon too).
        klass = np.where(
            open_until <= today,
            (open_until > due).view(np.int8),
            IN_TIME + (due <= today + DUE_SOON_DAYS).view(np.int8) + (due < today).view(np.int8),
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

        agency = taken("agency")
        by_agency, oldest_agency = counts(agency, len(self.agencies))
        area, criterion = taken("area"), taken("criterion")
        n_criteria = len(self.criterion.ids)
        pairs = area.astype(np.int64) * n_criteria + criterion
        if len(self.area.ids) * n_criteria <= PAIRS_BY_TABLE:
            pair_keys = None
            by_pair, oldest_pair = counts(pairs, len(self.area.ids) * n_criteria)
        else:  # those that occur only (a criterion belongs to one area)
            pair_keys, pair_codes = np.unique(pairs, return_inverse=True)
            by_pair, oldest_pair = counts(pair_codes, len(pair_keys))
        inspection = taken("inspection")
        by_inspection, oldest_inspection = counts(inspection, len(self.inspection.ids))
        directive, source = taken("directive"), taken("source")
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
            pair = code if pair_keys is None else int(pair_keys[code])
            area_pk, criterion_pk = area_ids[pair // n_criteria], criterion_ids[pair % n_criteria]
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
