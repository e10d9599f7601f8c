"""A bounded look at a workbook before calamine opens it.

calamine builds each sheet it opens as one dense block spanning the cells that
hold values, and gives every cell its own copy of a shared string. A few
kilobytes can therefore ask it for hundreds of gigabytes (one value at
XFD1048576), and an abort in native code kills the whole process. So before
calamine sees a file this module reads the zip's central directory, then
streams every part through a byte-capped decompressor and an expat parser
(constant memory), and refuses with a Vietnamese message naming the limit
passed:

- ``IMPORT_MAX_UNCOMPRESSED_SIZE``: bytes after decompression, and also the
  text the cells expand to once shared strings are copied into them;
- ``IMPORT_MAX_COMPRESSION_RATIO``: uncompressed / compressed, per part;
- ``IMPORT_MAX_CELLS``: rows x columns of the area holding values, per sheet.
  Formatting alone does not count, so a sheet styled down to row 1,048,576
  with a few real rows passes.

With ``stop_after_rows`` it stops as soon as a sheet has that many rows with
values: the web request counts rows this way to choose between inline and
Celery without reading a whole workbook.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate

from django.conf import settings
from django.utils.translation import gettext as _

from .workbook import WorkbookError, check_file

CHUNK = 64 * 1024
MB = 1_048_576
# Below this, a part's compression ratio cannot hurt (a small, repetitive theme).
RATIO_FLOOR = MB
MAX_PARTS = 5_000
MAX_COLUMN = 16_384
MAX_ROW = 1_048_576


@dataclass(frozen=True)
class Limits:
    uncompressed: int
    ratio: int
    cells: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_SIZE,
            ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            cells=settings.IMPORT_MAX_CELLS,
        )


@dataclass
class SheetFacts:
    name: str
    value_rows: int = 0
    value_cells: int = 0
    top: int = MAX_ROW  # 0-based bounds of the cells holding values
    bottom: int = -1
    left: int = MAX_COLUMN
    right: int = -1

    @property
    def rows(self) -> int:
        return max(self.bottom - self.top + 1, 0)

    @property
    def columns(self) -> int:
        return max(self.right - self.left + 1, 0)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass
class WorkbookFacts:
    sheets: list[SheetFacts] = field(default_factory=list)
    stopped: bool = False  # a sheet reached stop_after_rows

    @property
    def most_rows(self) -> int:
        return max((sheet.value_rows for sheet in self.sheets), default=0)


class _Enough(Exception):
    """A sheet has reached the number of rows the caller asked for."""


def check_workbook(data: bytes, *, stop_after_rows: int | None = None) -> WorkbookFacts:
    """Everything checked before calamine may open ``data``, with the limits
    in settings; WorkbookError with a Vietnamese message otherwise."""
    check_file(data, max_size=settings.IMPORT_MAX_FILE_SIZE)
    return inspect_workbook(data, stop_after_rows=stop_after_rows)


def inspect_workbook(
    data: bytes, *, limits: Limits | None = None, stop_after_rows: int | None = None
) -> WorkbookFacts:
    """Facts about a zip workbook (.xlsx, .xlsm, .ods); WorkbookError if any
    limit is passed or the file is malformed."""
    limits = limits or Limits.from_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
    with archive:
        reader = _ZipReader(archive, limits, stop_after_rows)
        try:
            reader.check_directory()
            reader.scan()
        except _Enough:
            reader.facts.stopped = True
    return reader.facts


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _ZipReader:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits, stop_after_rows: int | None):
        self.archive = archive
        self.limits = limits
        self.stop_after_rows = stop_after_rows
        self.facts = WorkbookFacts()
        self.total = 0  # bytes decompressed so far, over all parts
        self.expanded = 0  # text the cells expand to (shared strings copied)

    # The central directory -------------------------------------------------

    def check_directory(self) -> None:
        infos = self.archive.infolist()
        if len(infos) > MAX_PARTS:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được."))
        names = {info.filename for info in infos}
        if any(name.endswith(".bin") and "workbook" in name for name in names):
            raise WorkbookError(
                _("Tệp .xlsb (Excel nhị phân) không được hỗ trợ: hãy lưu lại thành tệp .xlsx.")
            )
        declared = sum(info.file_size for info in infos)
        if declared > self.limits.uncompressed:
            self.too_large(declared)
        for info in infos:
            self.check_ratio(info, info.file_size)

    def too_large(self, size: int) -> None:
        raise WorkbookError(
            _(
                "Tệp giải nén ra %(size).1f MB, vượt giới hạn %(limit).1f MB "
                "(IMPORT_MAX_UNCOMPRESSED_SIZE). Hãy bỏ các trang tính, hình ảnh "
                "không cần thiết hoặc chia nhỏ tệp."
            )
            % {"size": size / MB, "limit": self.limits.uncompressed / MB}
        )

    def check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        if size <= RATIO_FLOOR:
            return
        ratio = size / max(info.compress_size, 1)
        if ratio > self.limits.ratio:
            raise WorkbookError(
                _(
                    "Tệp bị nén bất thường: phần “%(part)s” giải nén ra gấp %(ratio)s lần, "
                    "vượt giới hạn %(limit)s lần (IMPORT_MAX_COMPRESSION_RATIO). "
                    "Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại."
                )
                % {"part": info.filename, "ratio": int(ratio), "limit": self.limits.ratio}
            )

    # The parts -------------------------------------------------------------

    def scan(self) -> None:
        """Every part once, shared strings first (cells refer to them)."""
        infos = [info for info in self.archive.infolist() if not info.is_dir()]
        roots = {info.filename: self.root_element(info) for info in infos}
        tables = [info for info in infos if roots[info.filename] == "sst"]
        if len(tables) > 1:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được."))
        string_sizes = self.parse(tables[0], _SharedStrings()).sizes if tables else []
        names = self.sheet_names()
        for info in infos:
            root = roots[info.filename]
            if root == "sst":
                continue
            if root in {"worksheet", "dialogsheet", "macrosheet"}:
                name = names.get(info.filename, info.filename)
                self.parse(info, _XlsxSheet(self, SheetFacts(name), string_sizes))
            elif root == "document-content":
                self.parse(info, _OdsContent(self))
            else:
                self.parse(info, None)

    def root_element(self, info: zipfile.ZipInfo) -> str | None:
        """The local name of a part's root element, from its first bytes."""
        found: list[str] = []

        def start(name, attrs):
            found.append(name.rpartition(":")[2])
            raise _Enough

        parser = ParserCreate()
        parser.StartElementHandler = start
        try:
            with self.archive.open(info) as stream:
                parser.Parse(stream.read(4096), False)
        except _Enough:
            return found[0]
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            pass
        except (NotImplementedError, ValueError) as error:  # encrypted or exotic zip
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
        return None

    def sheet_names(self) -> dict[str, str]:
        """Part name -> sheet name, from xl/workbook.xml and its relationships."""
        try:
            workbook = self.archive.getinfo("xl/workbook.xml")
            rels = self.archive.getinfo("xl/_rels/workbook.xml.rels")
        except KeyError:
            return {}
        targets = self.parse(rels, _Collect("Relationship", "Id", "Target")).found
        sheets = self.parse(workbook, _Collect("sheet", "r:id", "name")).found
        names = {}
        for rel_id, name in sheets.items():
            target = targets.get(rel_id, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            names[part] = name
        return names

    def parse(self, info: zipfile.ZipInfo, handler):
        """Stream one part through expat (or only count its bytes), capped."""
        parser = None
        if handler is not None:
            parser = ParserCreate()
            parser.buffer_text = True
            parser.ordered_attributes = True
            handler.attach(parser)
            parser.StartDoctypeDeclHandler = _refuse_doctype
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if self.total > self.limits.uncompressed:
                        self.too_large(self.total)
                    self.check_ratio(info, size)
                    if parser is not None:
                        parser.Parse(chunk, False)
                if parser is not None:
                    parser.Parse(b"", True)
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
            raise WorkbookError(
                _("Tệp Excel bị hỏng, không đọc được (phần “%(part)s”).") % {"part": info.filename}
            ) from error
        except (NotImplementedError, ValueError) as error:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
        if handler is not None:
            handler.finish()
        return handler

    # Called by the sheet handlers ------------------------------------------

    def add_expanded(self, size: int) -> None:
        self.expanded += size
        if self.expanded > self.limits.uncompressed:
            raise WorkbookError(
                _(
                    "Các ô của tệp lặp lại chữ dùng chung tới hơn %(limit).1f MB chữ "
                    "(IMPORT_MAX_UNCOMPRESSED_SIZE). Hãy chia nhỏ tệp."
                )
                % {"limit": self.limits.uncompressed / MB}
            )

    def sheet_done(self, sheet: SheetFacts) -> None:
        self.facts.sheets.append(sheet)
        self.check_extent(sheet)

    def row_done(self, sheet: SheetFacts) -> None:
        if self.stop_after_rows is not None and sheet.value_rows > self.stop_after_rows:
            self.facts.sheets.append(sheet)
            raise _Enough

    def check_extent(self, sheet: SheetFacts) -> None:
        if sheet.cells <= self.limits.cells:
            return
        raise WorkbookError(
            _(
                "Trang tính “%(sheet)s” có dữ liệu trải từ ô %(first)s đến ô %(last)s "
                "(%(rows)s dòng × %(columns)s cột = %(cells)s ô), vượt giới hạn %(limit)s ô "
                "(IMPORT_MAX_CELLS). Hãy xoá các ô có dữ liệu nằm xa bảng "
                "(ví dụ ô %(last)s) hoặc chia nhỏ tệp."
            )
            % {
                "sheet": sheet.name,
                "first": f"{column_letters(sheet.left)}{sheet.top + 1}",
                "last": f"{column_letters(sheet.right)}{sheet.bottom + 1}",
                "rows": sheet.rows,
                "columns": sheet.columns,
                "cells": sheet.cells,
                "limit": self.limits.cells,
            }
        )


def _refuse_doctype(*args) -> None:
    # Excel never writes one; a DTD is how entity-expansion bombs arrive.
    raise ExpatError("DOCTYPE")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Collect:
    """Attribute ``value`` of each ``element``, keyed by its attribute ``key``."""

    def __init__(self, element: str, key: str, value: str):
        self.element, self.key, self.value = element, key, value
        self.found: dict[str, str] = {}

    def attach(self, parser) -> None:
        parser.StartElementHandler = self.start

    def start(self, name, attrs) -> None:
        if _local(name) == self.element:
            values = dict(zip(attrs[::2], attrs[1::2], strict=True))
            key = values.get(self.key) or next(
                (v for k, v in values.items() if _local(k) == _local(self.key)), None
            )
            if key is not None and self.value in values:
                self.found[key] = values[self.value]

    def finish(self) -> None:
        pass


class _SharedStrings:
    """The size in bytes of each shared string (calamine copies it into every
    cell that refers to it)."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.current = -1

    def attach(self, parser) -> None:
        parser.StartElementHandler = self.start
        parser.CharacterDataHandler = self.text

    def start(self, name, attrs) -> None:
        if name == "si" or _local(name) == "si":
            self.sizes.append(0)
            self.current = len(self.sizes) - 1

    def text(self, data: str) -> None:
        if self.current >= 0:  # phonetic runs counted too: an over-estimate is safe
            self.sizes[self.current] += len(data.encode("utf-8", "surrogatepass"))

    def finish(self) -> None:
        pass


_CELL, _ROW, _V, _VALUE, _OTHER = range(5)
_XLSX_KINDS = {"c": _CELL, "row": _ROW, "v": _V, "is": _VALUE, "f": _VALUE}
_DIGITS = "0123456789"


class _XlsxSheet:
    """Bounds of the cells holding a value in one worksheet part.

    A cell holds a value when it has a <v>, <is> or <f> child; a cell with
    none (<c r="A9" s="1"/>) only carries formatting. Cells without an ``r``
    follow the previous one, as calamine places them. This runs once per
    element of the sheet, so it is written for speed.
    """

    def __init__(self, reader: _ZipReader, sheet: SheetFacts, string_sizes: list[int]):
        self.reader, self.sheet, self.string_sizes = reader, sheet, string_sizes
        self.kinds = dict(_XLSX_KINDS)
        self.columns: dict[str, int] = {}
        self.row = -1
        self.col = -1
        self.pending: str | int | None = None  # the open cell's reference, or its column
        self.shared = False  # the open cell's value is a shared string index
        self.want_index = False
        self.last_value_row = -1

    def attach(self, parser) -> None:
        parser.StartElementHandler = self.start
        parser.CharacterDataHandler = self.index

    def start(self, name, attrs) -> None:
        kind = self.kinds.get(name)
        if kind is None:
            kind = _XLSX_KINDS.get(_local(name), _OTHER)
            if len(self.kinds) < 200:  # a hostile file may use endless names
                self.kinds[name] = kind
        if kind == _OTHER:
            return
        if kind == _CELL:
            if attrs and attrs[0] == "r":
                self.pending = attrs[1]
            else:
                self.pending = None
                for index in range(0, len(attrs), 2):
                    if attrs[index] == "r":
                        self.pending = attrs[index + 1]
                if self.pending is None:
                    self.col += 1
                    self.pending = self.col
            shared = False
            for index in range(2 if attrs and attrs[0] == "r" else 0, len(attrs), 2):
                if attrs[index] == "t":
                    shared = attrs[index + 1] == "s"
            self.shared = shared
            return
        if kind == _ROW:
            self.pending = None
            self.shared = False
            self.col = -1
            for index in range(0, len(attrs), 2):
                if attrs[index] == "r":
                    self.row = _parse_row(attrs[index + 1])
                    break
            else:
                self.row += 1
            return
        if self.pending is not None:
            self.commit(self.pending)
            self.pending = None
        self.want_index = self.shared and kind == _V

    def commit(self, ref: str | int) -> None:
        if ref.__class__ is int:
            row, col = self.row, ref
        else:
            letters = ref.rstrip(_DIGITS)
            col = self.columns.get(letters)
            if col is None:
                col = _column(letters, ref)
                self.columns[letters] = col
            digits = ref[len(letters) :]
            if not digits.isdigit() or len(digits) > 9:
                raise ExpatError(f"cell reference {ref[:20]!r}")
            row = self.row = int(digits) - 1
            self.col = col
        sheet = self.sheet
        sheet.value_cells += 1
        if row > sheet.bottom:
            sheet.bottom = row
        if row < sheet.top:
            sheet.top = row
        if col > sheet.right:
            sheet.right = col
        if col < sheet.left:
            sheet.left = col
        if row != self.last_value_row:
            self.last_value_row = row
            sheet.value_rows += 1
            self.reader.row_done(sheet)

    def index(self, data: str) -> None:
        """The text of a shared-string cell's <v>: the string's index."""
        if not self.want_index:
            return
        self.want_index = False
        try:
            index = int(data)
        except ValueError:
            return
        if 0 <= index < len(self.string_sizes):
            self.reader.add_expanded(self.string_sizes[index])

    def finish(self) -> None:
        self.reader.sheet_done(self.sheet)


def _column(letters: str, ref: str) -> int:
    """0-based index of column letters such as "XFD"."""
    if not letters or len(letters) > 4 or not letters.isalpha() or not letters.isascii():
        raise ExpatError(f"cell reference {ref[:20]!r}")
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - 64
    return col - 1


def _parse_row(value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise ExpatError(f"row number {value[:20]!r}")
    return int(value) - 1


class _OdsContent:
    """Bounds of the cells holding a value in each table of an .ods content.xml.

    OpenDocument repeats rows and cells by count (number-rows-repeated,
    number-columns-repeated): a repeated empty cell costs nothing, a repeated
    value is one cell per repetition, with its text copied each time.
    """

    def __init__(self, reader: _ZipReader):
        self.reader = reader
        self.sheet: SheetFacts | None = None
        self.row = 0  # first row of the current row element
        self.row_repeat = 1
        self.col = 0
        self.cell: list | None = None  # [col, repeat, has value, text size]
        self.row_has_value = False

    def attach(self, parser) -> None:
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text

    def start(self, name, attrs) -> None:
        local = _local(name)
        values = dict(zip(attrs[::2], attrs[1::2], strict=True)) if attrs else {}
        if local == "table":
            self.sheet = SheetFacts(values.get("table:name", ""))
            self.row = 0
        elif self.sheet is None:
            return
        elif local == "table-row":
            self.row_repeat = _repeat(values.get("table:number-rows-repeated"))
            self.col = 0
            self.row_has_value = False
        elif local in ("table-cell", "covered-table-cell"):
            repeat = _repeat(values.get("table:number-columns-repeated"))
            self.cell = [self.col, repeat, "office:value-type" in values, 0]
            self.col += repeat
        elif self.cell is not None and local == "p":
            self.cell[2] = True

    def text(self, data: str) -> None:
        if self.cell is not None:
            self.cell[3] += len(data.encode("utf-8", "surrogatepass"))

    def end(self, name) -> None:
        local = _local(name)
        sheet = self.sheet
        if sheet is None:
            return
        if local in ("table-cell", "covered-table-cell") and self.cell is not None:
            col, repeat, has_value, size = self.cell
            self.cell = None
            if has_value:
                copies = repeat * self.row_repeat
                sheet.value_cells += copies
                sheet.top = min(sheet.top, self.row)
                sheet.bottom = max(sheet.bottom, self.row + self.row_repeat - 1)
                sheet.left = min(sheet.left, col)
                sheet.right = max(sheet.right, col + repeat - 1)
                self.row_has_value = True
                self.reader.check_extent(sheet)
                self.reader.add_expanded(size * copies)
        elif local == "table-row":
            if self.row_has_value:
                sheet.value_rows += self.row_repeat
                self.reader.row_done(sheet)
            self.row += self.row_repeat
        elif local == "table":
            self.reader.sheet_done(sheet)
            self.sheet = None

    def finish(self) -> None:
        pass


def _repeat(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or len(value) > 9:
        raise ExpatError(f"repeat {value[:20]!r}")
    return max(int(value), 1)
