"""The set-based import engine shared by the three workbook templates.

An importer reads every row, converts and validates it against lookups loaded
once, compares it with what is stored, and only then writes, in one
transaction and in bulk. Any error means nothing is written.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .workbook import WorkbookError, cell_multiline, cell_text, check_file, open_sheet

logger = logging.getLogger(__name__)

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"
Progress = Callable[[str, int, int], None]  # (phase, done, total)


class RowInvalid(Exception):
    """Raised by a converter; the engine records it against the cell."""


@dataclass
class RowError:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportSummary:
    kind: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        errors = [RowError(**e) for e in data.get("errors", [])]
        return cls(**{**data, "errors": errors})

    def describe(self) -> str:
        return _(
            "%(total)s dòng: %(created)s thêm mới, %(updated)s cập nhật, %(unchanged)s không đổi."
        ) % {
            "total": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a template: its header and the converter of its raw cells.

    A converter raises RowInvalid (or ValueError) with a Vietnamese message.
    ``repeats`` marks columns whose values recur across rows (agencies, areas,
    dates): each distinct value is converted once.
    """

    header: str
    convert: Callable[[Any], Any]
    repeats: bool = False


def _memoized(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = func(value)  # errors are not cached: rare
            return result

    return convert


class Importer:
    """Subclasses name their columns and implement the steps below."""

    kind: ClassVar[str]
    label: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()
    example: ClassVar[tuple[Any, ...]] = ()
    progress_every = 5000

    def __init__(self, *, progress: Progress | None = None, sample_size: int | None = None):
        self.progress = progress or (lambda phase, done, total: None)
        self.sample_size = (
            settings.IMPORT_PREVIEW_SAMPLE_ROWS if sample_size is None else sample_size
        )

    @classmethod
    def headers(cls) -> tuple[str, ...]:
        return (*cls.required, *cls.optional)

    # Steps for subclasses -------------------------------------------------

    def load_lookups(self) -> None:
        """Load, once, everything rows are matched against."""

    def columns(self) -> list[Column]:
        """The template's columns, in the order ``build`` receives values."""
        raise NotImplementedError

    def build(self, row: int, values: list[Any], errors: list[RowError]) -> Any:
        """A record from one row's converted values (checks across cells may
        append errors and return None)."""
        raise NotImplementedError

    def plan(self, records: list[Any], errors: list[RowError]) -> list[tuple[Any, str]]:
        """Pair each record with NEW, UPDATE or UNCHANGED (may add errors)."""
        raise NotImplementedError

    def write(self, planned: list[tuple[Any, str]]) -> None:
        """Write NEW and UPDATE records in bulk; runs inside a transaction."""
        raise NotImplementedError

    def sample_values(self, record: Any) -> list[Any]:
        raise NotImplementedError

    # The run --------------------------------------------------------------

    def run(self, data: bytes, *, dry_run: bool) -> ImportSummary:
        started = time.monotonic()
        summary = ImportSummary(kind=self.kind, dry_run=dry_run, headers=list(self.headers()))
        try:
            check_file(data, max_size=settings.IMPORT_MAX_FILE_SIZE)
            sheet = open_sheet(data, required=self.required, optional=self.optional)
        except WorkbookError as error:
            summary.errors.append(RowError(None, "", str(error)))
            return summary
        self.load_lookups()
        records: list[Any] = []
        errors = summary.errors
        expected = max(sheet.last_row - sheet.header_row, 0)
        self.progress("read", 0, expected)
        self.present = set(sheet.columns)
        # An absent optional column reads the "" appended to every row (index -1).
        columns = [
            (
                sheet.columns.get(c.header, -1),
                _memoized(c.convert) if c.repeats else c.convert,
                c.header,
            )
            for c in self.columns()
        ]
        for number, cells in sheet.rows:
            summary.total_rows += 1
            cells.append("")
            values, failed = [], False
            for index, convert, header in columns:
                try:
                    values.append(convert(cells[index]))
                except (RowInvalid, ValueError) as error:
                    errors.append(RowError(number, header, str(error)))
                    failed = True
            if not failed and (record := self.build(number, values, errors)) is not None:
                records.append(record)
            if summary.total_rows % self.progress_every == 0:
                self.progress("read", number - sheet.header_row, expected)
        if summary.total_rows == 0:
            errors.append(RowError(None, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")))
            return summary
        summary.timings["read"] = round(time.monotonic() - started, 3)
        planned = self.plan(records, errors)
        summary.timings["plan"] = round(time.monotonic() - started, 3)
        if errors:
            return summary
        counts = Counter(action for _record, action in planned)
        summary.created, summary.updated = counts[NEW], counts[UPDATE]
        summary.unchanged = counts[UNCHANGED]
        summary.sample = [
            {"row": record.row, "action": action, "values": _plain(self.sample_values(record))}
            for record, action in planned[: self.sample_size]
        ]
        if not dry_run and (summary.created or summary.updated):
            self.progress("write", 0, summary.created + summary.updated)
            with transaction.atomic():
                self.write(planned)
            summary.timings["write"] = round(time.monotonic() - started, 3)
        self.progress("done", summary.total_rows, summary.total_rows)
        summary.seconds = round(time.monotonic() - started, 3)
        return summary


def _plain(values: list[Any]) -> list[Any]:
    """JSON-friendly sample values (background jobs store them)."""
    return [v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else v for v in values]


def text(*, max_length: int | None = None) -> Callable[[Any], str]:
    """Converter of a required one-line text cell."""
    return lambda value: required_text(cell_text(value), max_length)


def long_text(value: Any) -> str:
    """Converter of a required multi-line text cell."""
    return required_text(cell_multiline(value))


def required_text(value: str, max_length: int | None = None) -> str:
    if not value:
        raise RowInvalid(_("không được để trống."))
    if max_length is not None and len(value) > max_length:
        raise RowInvalid(
            _("dài %(length)s ký tự, vượt quá %(limit)s ký tự.")
            % {"length": len(value), "limit": max_length}
        )
    return value
