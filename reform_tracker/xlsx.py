"""Writing .xlsx files: every workbook the product writes goes through here.

Text from users is written as text, never as a formula: openpyxl turns any
string starting with "=" into a live formula (``=HYPERLINK(...)`` exported
from a finding's description would run in Excel). A text cell keeps its exact
text, so an export re-imports unchanged; text starting with =, +, -, @, a tab
or a carriage return also gets Excel's quote prefix (what typing '=... in
Excel stores), so editing the cell in Excel does not turn it into a formula.

Control characters that XML cannot carry are written the way Excel writes
them (``_x001B_``), so an export never fails on a stored value; importing
such a cell again is refused with its row and column.

API:
- ``set_cell(cell, value)``: put one value into an openpyxl cell.
- ``neutralise(workbook)``: make every text or formula cell already in a
  workbook safe text.
- ``workbook_bytes(workbook)``: ``neutralise`` then save; the one way to
  serialise a workbook.
- ``table_bytes(headers, rows, title=...)``: a one-sheet table (bold header,
  frozen, column widths) as bytes, for exports and reports.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text that already looks like Excel's escape of a character keeps its
# underscore escaped, as Excel does, so that it reads back as written.
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
SHEET_TITLE_LENGTH = 31
MAX_COLUMN_WIDTH = 60


def safe_text(value: str) -> str:
    """The text to store for ``value``: XML-illegal characters as _xHHHH_."""
    value = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", value)
    return ILLEGAL_CHARACTERS_RE.sub(lambda match: f"_x{ord(match[0]):04X}_", value)


def set_cell(cell, value: Any) -> None:
    """Write ``value`` to an openpyxl cell; text always stays text."""
    if isinstance(value, str):
        _make_text(cell, value)
    else:
        cell.value = value


def _make_text(cell, text: str, *, escape: bool = True) -> None:
    cell.value = None
    cell._value = safe_text(text) if escape else text  # the setter makes "=..." a formula
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def neutralise(workbook: Workbook) -> Workbook:
    """Every formula or text cell of ``workbook`` as text (openpyxl's own
    setter already refused control characters; set_cell escaped the rest)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "s") and isinstance(cell.value, str):
                    _make_text(cell, cell.value, escape=False)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    neutralise(workbook).save(buffer)
    return buffer.getvalue()


def table_bytes(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "Dữ liệu"
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    widths = [len(str(header)) for header in headers]
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, "" if header is None else str(header))
        cell.font = bold
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            set_cell(cell, value)
            if isinstance(value, str):
                if "\n" in value:
                    cell.alignment = wrap
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], len(value))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\\/*?:\[\]]", "-", str(title or "Dữ liệu"))
    return cleaned[:SHEET_TITLE_LENGTH] or "Dữ liệu"
