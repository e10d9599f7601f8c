"""Hostile workbooks, built by the tests that use them (never committed).

Each is a real .xlsx (or .ods) that python-calamine would open, written part
by part so that even the 300 MB cell costs the test process little memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from .workbooks import rewrite

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
    '<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def raw_xlsx(rows_xml: Iterable[str], strings: Sequence[str] = ()) -> bytes:
    """An .xlsx whose sheetData is ``rows_xml`` (streamed) and whose shared
    strings are ``strings``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{shared}</sst>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
            )
            sheet.write(b"<sheetData>")
            for xml in rows_xml:
                sheet.write(xml.encode("utf-8"))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row_xml(number: int, values: Sequence[str]) -> str:
    cells = "".join(inline(f"{chr(65 + i)}{number}", v) for i, v in enumerate(values) if v)
    return f'<row r="{number}">{cells}</row>'


def far_value(data: bytes, ref: str = "XFD1048576", text: str = "x") -> bytes:
    """One more value, alone at ``ref``: calamine would span every cell up to it."""
    number = int(re.sub(r"^[A-Z]+", "", ref))
    cell = f'<row r="{number}">{inline(ref, text)}</row>'
    return rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", cell + "</sheetData>"),
    )


def huge_cell(headers: Sequence[str], values: Sequence[str], *, column: int, size: int) -> bytes:
    """The header row and one data row whose cell ``column`` holds ``size``
    characters (written in pieces: 300 MB compress to about 300 KB)."""

    def rows():
        yield row_xml(1, headers)
        before = "".join(inline(f"{chr(65 + i)}2", v) for i, v in enumerate(values) if i < column)
        yield f'<row r="2">{before}<c r="{chr(65 + column)}2" t="inlineStr"><is><t>'
        piece = "a" * 1_048_576
        for _ in range(size // len(piece)):
            yield piece
        yield "a" * (size % len(piece))
        after = "".join(inline(f"{chr(65 + i)}2", v) for i, v in enumerate(values) if i > column)
        yield f"</t></is></c>{after}</row>"

    return raw_xlsx(rows())


def duplicate_rows(headers: Sequence[str], values: Sequence[str], count: int) -> bytes:
    """``count`` copies of one data row, with shared strings and no cell
    references, as compact as such a file gets (1,048,575 rows: about 1 MB)."""
    strings = [*headers, *values]
    header = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(headers)))
    body = "".join(f'<c t="s"><v>{len(headers) + i}</v></c>' for i in range(len(values)))

    def rows():
        yield f"<row>{header}</row>"
        chunk = f"<row>{body}</row>" * 1000
        for _ in range(count // 1000):
            yield chunk
        yield f"<row>{body}</row>" * (count % 1000)

    return raw_xlsx(rows(), strings)


def spread_rows(headers: Sequence[str], count: int, last_column: str = "P") -> bytes:
    """``count`` rows holding a random number in column A and in
    ``last_column``: small, of an ordinary ratio, but the area of values
    spans every column between (300,000 x 16 = 4.8 million cells)."""
    import random

    rng = random.Random(count)

    def rows():
        yield row_xml(1, headers)
        for start in range(2, count + 2, 1000):
            yield "".join(
                f'<row r="{n}"><c r="A{n}"><v>{rng.randrange(10**6)}</v></c>'
                f'<c r="{last_column}{n}"><v>{rng.randrange(10**6)}</v></c></row>'
                for n in range(start, min(start + 1000, count + 2))
            )

    return raw_xlsx(rows())


def shared_string_copies(headers: Sequence[str], size: int, copies: int) -> bytes:
    """A header row, then ``copies`` cells all pointing at one shared string
    of ``size`` characters: calamine copies it into each of them."""
    strings = [*headers, "b" * size]
    header = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(headers)))

    def rows():
        yield f"<row>{header}</row>"
        for _ in range(copies // 10):
            yield "<row>" + f'<c t="s"><v>{len(headers)}</v></c>' * 10 + "</row>"

    return raw_xlsx(rows(), strings)


def ods_repeated(rows: int, columns: int) -> bytes:
    """An .ods of a few hundred bytes whose one value repeats rows x columns times."""
    from .workbooks import _ODS_NS

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="T">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def with_doctype(data: bytes) -> bytes:
    """The sheet behind a DTD declaring nested entities (a "billion laughs")."""
    dtd = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    return rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r"^(<\?xml[^>]*\?>)?", rf"\1{dtd}", xml),
    )


def legacy_xls() -> bytes:
    """The start of an Excel 97-2003 file: an OLE compound document without
    an EncryptedPackage stream."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + b"\x00" * 488
