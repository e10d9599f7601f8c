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

from openpyxl.utils import get_column_letter

EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (1900 date system)
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


# Escapes XML's three characters and drops the control characters XML 1.0
# does not allow, in one pass.
_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
    | {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
)


def _rows_xml(
    rows: Iterable[list], first: int, styles: Styles, kinds: str, neutralise
) -> Iterable[tuple[str, int]]:
    """Chunks of ``<row>`` elements, with the last row number written.
    ``kinds`` has a letter per column: n (number), s (text), d (date)."""
    columns = list(
        zip([get_column_letter(n) for n in range(1, len(kinds) + 1)], kinds, strict=True)
    )
    number, chunk = first - 1, []
    for values in rows:
        number += 1
        row = str(number)
        cells = []
        for (letter, kind), value in zip(columns, values, strict=False):
            if value is None or value == "":
                continue
            if kind == "s":
                text, quoted = neutralise(str(value))
                text = text.translate(_TEXT)
                style = f' s="{styles.quoted}"' if quoted else ""
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                cells.append(
                    f'<c r="{letter}{row}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'
                )
            elif kind == "d":
                serial = (value - EPOCH).days
                cells.append(f'<c r="{letter}{row}" s="{styles.date}" t="n"><v>{serial}</v></c>')
            else:
                cells.append(f'<c r="{letter}{row}" t="n"><v>{value}</v></c>')
        chunk.append(f'<row r="{row}">{"".join(cells)}</row>')
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
    kinds: str,
    styles_from: tuple[str, str],
    neutralise: Callable[[str], tuple[str, bool]],
) -> bytes:
    """The workbook ``data`` with row ``sample_row`` of the ``sheet``-th sheet
    (1-based, as openpyxl names them) replaced by ``rows`` (typed by ``kinds``;
    text goes through ``neutralise``)."""
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
                for chunk, _last in _rows_xml(rows, sample_row, styles, kinds, neutralise):
                    handle.write(chunk.encode())
                handle.write(tail.encode())
    return out.getvalue()
