"""Long lists streamed straight into a sheet's XML.

openpyxl makes a Cell object per value and serialises it through an XML
library: some 3 million cells of a national overdue list take minutes. The
sheet is written by openpyxl with its title, header and one sample row (so
that the workbook, its styles, frozen panes and print settings are
openpyxl's own), then the sample row is replaced, in the saved file, by the
rows written here as text in the same form openpyxl writes them (inline
strings, numbers, dates as serial numbers with the sample's date style).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (1900 date system)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0
CHUNK_ROWS = 5000


class Styles:
    """The style ids of the sample row's cells: a date, and quote-prefixed text."""

    def __init__(self, sample_row_xml: str, date_column: str, text_column: str):
        self.date = self._style(sample_row_xml, date_column)
        self.quoted = self._style(sample_row_xml, text_column)

    @staticmethod
    def _style(row_xml: str, column: str) -> str:
        match = re.search(rf'<c r="{column}\d+" s="(\d+)"', row_xml)
        if match is None:
            raise ValueError(f"no styled sample cell in column {column}")
        return match.group(1)


def _cell(
    ref: str, value: Any, styles: Styles, neutralise: Callable[[str], tuple[str, bool]]
) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool | int | float):
        return f'<c r="{ref}" t="n"><v>{value}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{styles.date}" t="n"><v>{(value - EPOCH).days}</v></c>'
    text, quoted = neutralise(ILLEGAL.sub("", str(value)))
    style = f' s="{styles.quoted}"' if quoted else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _rows_xml(
    rows: Iterable[list], first: int, styles: Styles, neutralise
) -> Iterable[tuple[str, int]]:
    """Chunks of ``<row>`` elements, with the last row number written."""
    letters = [get_column_letter(n) for n in range(1, 64)]
    number, chunk = first - 1, []
    for values in rows:
        number += 1
        cells = "".join(
            _cell(f"{letters[i]}{number}", value, styles, neutralise)
            for i, value in enumerate(values)
        )
        chunk.append(f'<row r="{number}">{cells}</row>')
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk), number
            chunk = []
    yield "".join(chunk), number


def replace_sample_row(
    data: bytes,
    *,
    sheet: int,
    sample_row: int,
    rows: Iterable[list],
    styles_from: tuple[str, str],
    neutralise: Callable[[str], tuple[str, bool]],
) -> bytes:
    """The workbook ``data`` with row ``sample_row`` of the ``sheet``-th sheet
    (1-based, as openpyxl names them) replaced by ``rows``."""
    path = f"xl/worksheets/sheet{sheet}.xml"
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read(path).decode()
    match = re.search(rf'<row r="{sample_row}"[^>]*>.*?</row>', xml, re.S)
    if match is None:
        raise ValueError(f"no sample row {sample_row} in {path}")
    styles = Styles(match.group(0), *styles_from)
    head, tail = xml[: match.start()], xml[match.end() :]
    # openpyxl's dimension covers the sample row only, and the real extent is
    # not known before the rows are written: drop it (it is optional).
    head = re.sub(r"<dimension [^>]*/>", "", head, count=1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename != path:
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(path, "w", force_zip64=True) as handle:
                handle.write(head.encode())
                for chunk, _last in _rows_xml(rows, sample_row, styles, neutralise):
                    handle.write(chunk.encode())
                handle.write(tail.encode())
    return out.getvalue()
