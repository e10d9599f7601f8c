"""Expat handlers for preflight.py: each finds, in constant memory, the
bounds of the cells holding values in one part of a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pyexpat import ExpatError

MAX_COLUMN = 16_384
MAX_ROW = 1_048_576


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


def refuse_doctype(*args) -> None:
    # Excel never writes one; a DTD is how entity-expansion bombs arrive.
    raise ExpatError("DOCTYPE")


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class Collect:
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


class SharedStrings:
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


class XlsxSheet:
    """Bounds of the cells holding a value in one worksheet part.

    A cell holds a value when it has a <v>, <is> or <f> child; a cell with
    none (<c r="A9" s="1"/>) only carries formatting. Cells without an ``r``
    follow the previous one, as calamine places them. The handlers run once
    per element of the sheet: they are closures over local state, which
    Python reads faster than attributes.
    """

    def __init__(self, reader, sheet: SheetFacts, string_sizes: list[int]):
        self.reader, self.sheet, self.string_sizes = reader, sheet, string_sizes
        self.finish = lambda: reader.sheet_done(sheet)

    def attach(self, parser) -> None:
        reader, sheet, sizes = self.reader, self.sheet, self.string_sizes
        kinds = dict(_XLSX_KINDS)
        columns: dict[str, int] = {}
        row = col = last_value_row = -1
        pending: str | int | None = None  # the open cell's reference, or its column
        shared = want_index = counting = False
        text_size = 0  # text of values since the last report to the reader

        def start(name, attrs):
            nonlocal row, col, pending, shared, want_index, counting, last_value_row, text_size
            kind = kinds.get(name)
            if kind is None:
                kind = _XLSX_KINDS.get(_local(name), _OTHER)
                if len(kinds) < 200:  # a hostile file may use endless names
                    kinds[name] = kind
            if kind == _OTHER:
                return
            if kind == _CELL:
                pending = None
                shared = counting = False
                for index in range(0, len(attrs), 2):
                    key = attrs[index]
                    if key == "r":
                        pending = attrs[index + 1]
                    elif key == "t":
                        shared = attrs[index + 1] == "s"
                if pending is None:
                    col += 1
                    pending = col
                return
            if kind == _ROW:
                pending = None
                shared = counting = False
                col = -1
                for index in range(0, len(attrs), 2):
                    if attrs[index] == "r":
                        row = _parse_row(attrs[index + 1])
                        break
                else:
                    row += 1
                return
            want_index = shared and kind == _V
            counting = not shared
            if pending is None:
                return
            # The open cell holds a value.
            if pending.__class__ is int:
                cell_row, cell_col = row, pending
            else:
                letters = pending.rstrip(_DIGITS)
                cell_col = columns.get(letters)
                if cell_col is None:
                    cell_col = columns[letters] = _column(letters, pending)
                digits = pending[len(letters) :]
                if not digits.isdigit() or len(digits) > 9:
                    raise ExpatError(f"cell reference {pending[:20]!r}")
                cell_row = row = int(digits) - 1
                col = cell_col
            pending = None
            sheet.value_cells += 1
            if cell_row > sheet.bottom:
                sheet.bottom = cell_row
            if cell_row < sheet.top:
                sheet.top = cell_row
            if cell_col > sheet.right:
                sheet.right = cell_col
            if cell_col < sheet.left:
                sheet.left = cell_col
            if cell_row != last_value_row:
                last_value_row = cell_row
                sheet.value_rows += 1
                if text_size:
                    reader.add_expanded(text_size)
                    text_size = 0
                reader.row_done(sheet)

        def text(data):
            # calamine keeps a copy of each value's text per cell; a shared
            # string's index stands for that string's whole text.
            nonlocal want_index, text_size
            if want_index:
                want_index = False
                try:
                    index = int(data)
                except ValueError:
                    return
                if 0 <= index < len(sizes):
                    text_size += sizes[index]
            elif counting:
                text_size += len(data)

        def finish():
            if text_size:
                reader.add_expanded(text_size)
            reader.sheet_done(sheet)

        parser.StartElementHandler = start
        if sizes:  # else the text is in the sheet, whose bytes are already capped
            parser.CharacterDataHandler = text
        self.finish = finish


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


class OdsContent:
    """Bounds of the cells holding a value in each table of an .ods content.xml.

    OpenDocument repeats rows and cells by count (number-rows-repeated,
    number-columns-repeated): a repeated empty cell costs nothing, a repeated
    value is one cell per repetition, with its text copied each time.
    """

    def __init__(self, reader):
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
