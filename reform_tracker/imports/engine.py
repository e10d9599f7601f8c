"""The set-based import engine shared by the three workbook templates.

An importer converts and validates each row against lookups loaded once,
compares chunks of rows with what is stored, and writes them in bulk, all in
one transaction: any error anywhere in the file rolls everything back, so an
import writes every row or none.
"""

from __future__ import annotations

import contextlib
import datetime
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .checks import (  # RowInvalid is part of the engine's interface
    MAX_SAMPLE_TEXT,
    ErrorLog,
    RowInvalid,
    checked,
)
from .preflight import check_workbook
from .workbook import (
    Sheet,
    WorkbookError,
    cell_date,
    cell_multiline,
    cell_text,
    open_sheet,
)

NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"
Progress = Callable[[str, int, int], None]  # (phase, done, total)


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
    errors: list[RowError] = field(default_factory=ErrorLog)
    errors_omitted: int = 0  # errors beyond those kept in ``errors``
    headers: list[str] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_omitted

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

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


def memoized(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
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
    # Rows planned and written together; None: all at once (when rows refer
    # to each other, as agencies to their parents).
    chunk_rows: int | None = 10_000

    def __init__(self, *, progress: Progress | None = None, sample_size: int | None = None):
        self.progress = progress or (lambda phase, done, total: None)
        self.sample_size = (
            settings.IMPORT_PREVIEW_SAMPLE_ROWS if sample_size is None else sample_size
        )

    @classmethod
    def headers(cls) -> tuple[str, ...]:
        return (*cls.required, *cls.optional)

    @classmethod
    def summary(cls, *, dry_run: bool) -> ImportSummary:
        return ImportSummary(kind=cls.kind, dry_run=dry_run, headers=list(cls.headers()))

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
    #
    # A reader thread converts rows while this thread plans and writes the
    # previous chunk, so Python's work overlaps the database's. Writing starts
    # before the last row is read; any error rolls the one transaction back.

    def run(self, data: bytes, *, dry_run: bool) -> ImportSummary:
        started = time.monotonic()
        summary = self.summary(dry_run=dry_run)
        try:
            check_workbook(data)  # bounded: calamine must not see a hostile file
            sheet = open_sheet(data, required=self.required, optional=self.optional)
        except WorkbookError as error:
            summary.errors.append(RowError(None, "", str(error)))
            return summary
        self.load_lookups()
        self.present = set(sheet.columns)
        counts: Counter[str] = Counter()
        expected = max(sheet.last_row - sheet.header_row, 0)
        self.progress("import", 0, expected)
        try:
            with transaction.atomic():
                for records, rows_read in self._read_chunks(sheet, summary):
                    planned = self.plan(records, summary.errors)
                    if not summary.errors:  # else keep reading: every error is reported
                        counts.update(action for _record, action in planned)
                        self._add_sample(summary, planned)
                        if not dry_run:
                            self.write(planned)
                    # Rows handled, not rows read: the reader runs ahead.
                    self.progress("import", rows_read, max(expected, rows_read))
                if summary.total_rows == 0:
                    summary.errors.append(
                        RowError(None, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
                    )
                if summary.errors or dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        summary.errors.finish()
        summary.errors_omitted = summary.errors.omitted
        if summary.errors:
            summary.sample = []
        else:
            summary.created, summary.updated = counts[NEW], counts[UPDATE]
            summary.unchanged = counts[UNCHANGED]
        self.progress("done", summary.total_rows, summary.total_rows)
        summary.seconds = round(time.monotonic() - started, 3)
        return summary

    def _add_sample(self, summary: ImportSummary, planned: list[tuple[Any, str]]) -> None:
        room = max(self.sample_size - len(summary.sample), 0)
        summary.sample += [
            {"row": record.row, "action": action, "values": _plain(self.sample_values(record))}
            for record, action in planned[:room]
        ]

    def _read_chunks(self, sheet: Sheet, summary: ImportSummary) -> Iterator[tuple[list[Any], int]]:
        """(records, rows read so far) per chunk, from a reader thread (no database use)."""
        chunks: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()
        # Translations are per thread: the reader speaks the caller's language.
        language = translation.get_language()
        reader = threading.Thread(
            target=self._read_rows, args=(sheet, summary, chunks, stop, language), daemon=True
        )
        reader.start()
        try:
            while (item := chunks.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while reader.is_alive():  # unblock a reader waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    chunks.get(timeout=0.05)

    def _read_rows(
        self,
        sheet: Sheet,
        summary: ImportSummary,
        chunks: queue.Queue,
        stop: threading.Event,
        language: str | None,
    ) -> None:
        if language:
            translation.activate(language)
        try:
            errors = summary.errors
            # An absent optional column reads the "" appended to every row (index -1).
            columns = [
                (
                    sheet.columns.get(c.header, -1),
                    memoized(checked(c.convert)) if c.repeats else checked(c.convert),
                    c.header,
                )
                for c in self.columns()
            ]
            records: list[Any] = []
            pad = any(index == -1 for index, _convert, _header in columns)
            for number, cells in sheet.rows:
                summary.total_rows += 1
                if pad:
                    cells.append("")
                try:  # the common case in one comprehension; errors take the loop below
                    values = [convert(cells[index]) for index, convert, _header in columns]
                except (RowInvalid, ValueError):
                    self._record_errors(number, cells, columns, errors)
                    continue
                if (record := self.build(number, values, errors)) is not None:
                    records.append(record)
                if self.chunk_rows and len(records) >= self.chunk_rows:
                    chunks.put((records, summary.total_rows))
                    records = []
                    if stop.is_set():
                        return
            if records:
                chunks.put((records, summary.total_rows))
            chunks.put(_DONE)
        except BaseException as error:  # re-raised by the consuming thread
            chunks.put(error)
        finally:
            translation.deactivate()

    @staticmethod
    def _record_errors(number: int, cells: list, columns: list, errors: list[RowError]) -> None:
        """Every failing cell of a row, not only the first."""
        for index, convert, header in columns:
            try:
                convert(cells[index])
            except (RowInvalid, ValueError) as error:
                errors.append(RowError(number, header, str(error)))


class _Rollback(Exception):
    """Leaves the import's transaction without writing (errors or dry run)."""


_DONE = object()


def _plain(values: list[Any]) -> list[Any]:
    """JSON-friendly sample values, long text cut (jobs store them)."""
    return [
        v.strftime("%d/%m/%Y")
        if isinstance(v, datetime.date)
        else v[:MAX_SAMPLE_TEXT] + "…"
        if isinstance(v, str) and len(v) > MAX_SAMPLE_TEXT
        else v
        for v in values
    ]


def text(*, max_length: int | None = None) -> Callable[[Any], str]:
    """Converter of a required one-line text cell."""
    return lambda value: required_text(cell_text(value), max_length)


def required_date(value: Any) -> datetime.date:
    """Converter of a required date cell (see workbook.cell_date for the forms)."""
    if value == "" or value is None:
        raise RowInvalid(_("không được để trống."))
    return cell_date(value)


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
