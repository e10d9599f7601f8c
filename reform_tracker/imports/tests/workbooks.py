"""Workbooks built in memory for import tests, and the odd files agencies send.

openpyxl writes the ordinary ones; the rest (formula cells with cached values,
formatting that reaches the sheet's last row, password protection, broken
zips, other formats renamed .xlsx) are made by rewriting what it writes.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font

SHEET_XML = "xl/worksheets/sheet1.xml"
LAST_ROW = 1_048_576
DATE_FORMAT = "DD/MM/YYYY"

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def xlsx(
    rows: Sequence[Sequence[object]],
    *,
    title_rows: Sequence[Sequence[object]] = (),
    sheet_title: str = "Dữ liệu",
    extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
) -> bytes:
    """An .xlsx whose sheets hold ``title_rows`` then ``rows`` (the header row
    first). Dates and datetimes become real date cells; the header is bold.
    ``extra_sheets`` come before the data sheet (e.g. an instructions sheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in (extra_sheets or {}).items():
        _fill(workbook.create_sheet(name), sheet_rows)
    sheet = workbook.create_sheet(sheet_title)
    _fill(sheet, [*title_rows, *rows])
    header_row = len(title_rows) + 1
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, rows: Sequence[Sequence[object]]) -> None:
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT


# Rewriting the sheet XML ----------------------------------------------------


def rewrite(data: bytes, name: str, change: Callable[[str], str]) -> bytes:
    """The same zip with member ``name`` passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


def sheet_xml(data: bytes, sheet: int = 1) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{sheet}.xml").decode()


def with_cell_xml(data: bytes, ref: str, xml: str, *, sheet: int = 1) -> bytes:
    """Replace cell ``ref`` (which must exist) by raw ``<c>`` XML."""
    pattern = re.compile(rf'<c r="{ref}"(?:\s[^>]*)?(?:/>|>.*?</c>)', re.DOTALL)

    def change(text: str) -> str:
        text, count = pattern.subn(xml, text, count=1)
        assert count == 1, f"no cell {ref} in the sheet"
        return text

    return rewrite(data, f"xl/worksheets/sheet{sheet}.xml", change)


def with_formula(data: bytes, ref: str, formula: str, cached: object, *, sheet: int = 1) -> bytes:
    """Make ``ref`` a formula with a cached value, as Excel saves it (openpyxl
    writes formulas without one). A number is stored as is, a date as its
    serial number, text as ``t="str"``. Keeps the cell's style (its date format)."""
    style = _style_of(data, ref, sheet)
    if isinstance(cached, str):
        xml = f'<c r="{ref}"{style} t="str"><f>{escape(formula)}</f><v>{escape(cached)}</v></c>'
    else:
        if isinstance(cached, datetime.date):
            cached = (cached - datetime.date(1899, 12, 30)).days
        xml = f'<c r="{ref}"{style}><f>{escape(formula)}</f><v>{cached}</v></c>'
    return with_cell_xml(data, ref, xml, sheet=sheet)


def _style_of(data: bytes, ref: str, sheet: int) -> str:
    match = re.search(rf'<c r="{ref}"[^>]*?(\ss="\d+")', sheet_xml(data, sheet))
    return match[1] if match else ""


def formatted_to_last_row(data: bytes, *, sheet: int = 1) -> bytes:
    """The sheet as Excel saves it after a whole column was formatted: a
    formatting-only row 1,048,576 and a dimension reaching it."""
    row = f'<row r="{LAST_ROW}" s="1" customFormat="1"><c r="A{LAST_ROW}" s="1"/></row>'

    def change(text: str) -> str:
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:I{LAST_ROW}"/>', text)
        return text.replace("</sheetData>", row + "</sheetData>")

    return rewrite(data, f"xl/worksheets/sheet{sheet}.xml", change)


def with_empty_strings(data: bytes, rows: Iterable[int], *, sheet: int = 1) -> bytes:
    """Add cells holding an empty inline string on each of ``rows`` (below the
    data): what some generators write for "blank" cells. The rows count as used."""
    rows = sorted(rows)
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c>'
        f'<c r="I{r}" t="inlineStr"><is><t/></is></c></row>'
        for r in rows
    )

    def change(text: str) -> str:
        text = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:I{rows[-1]}"/>', text)
        return text.replace("</sheetData>", cells + "</sheetData>")

    return rewrite(data, f"xl/worksheets/sheet{sheet}.xml", change)


# Files that are not (readable) workbooks -----------------------------------


def encrypted(data: bytes, password: str = "matkhau") -> bytes:
    """The workbook really encrypted, as Excel's "Encrypt with password" does
    (an OLE compound file holding an ``EncryptedPackage`` stream)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    """A zip cut short, as an interrupted download leaves it."""
    return data[: len(data) // 2]


def without_member(data: bytes, name: str = SHEET_XML) -> bytes:
    """A zip that opens but lacks a part the workbook needs (corrupt inside)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    """A CSV as Excel exports it (UTF-8 with BOM), e.g. renamed to .xlsx."""
    lines = (",".join(f'"{value}"' for value in row) for row in rows)
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def docx_like() -> bytes:
    """A zip that is an Office file but no workbook (a .docx renamed .xlsx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# OpenDocument (LibreOffice) --------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods(rows: Sequence[Sequence[object]], *, sheet_title: str = "Dữ liệu") -> bytes:
    """A minimal LibreOffice .ods with text, number and date cells."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="{escape(sheet_title)}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        target.writestr("content.xml", content)
        target.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        iso, shown = value.isoformat(), value.strftime("%d/%m/%Y")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


# What an import may write --------------------------------------------------


def row_counts() -> dict[str, int]:
    """Rows in every table an import writes, to show a failed one wrote nothing."""
    from agencies.models import Agency
    from directives.models import Directive
    from remediation.models import Finding, Inspection, RemediationReport, RemediationTask

    models = {
        "agencies": Agency,
        "directives": Directive,
        "inspections": Inspection,
        "inspected agencies": Inspection.inspected_agencies.through,
        "findings": Finding,
        "tasks": RemediationTask,
        "reports": RemediationReport,
    }
    return {name: model.objects.count() for name, model in models.items()}


DUE = datetime.date(2019, 11, 30)


def finding_row(n: int, *, agency: str = "STNMT", area: str = "Cải cách thủ tục hành chính"):
    """One row of the findings template, in its column order."""
    return [
        f"KT-{n:03d}",
        "Kiểm tra công tác CCHC năm 2019",
        agency,
        area,
        f"Tồn tại số {n}",
        f"Khắc phục tồn tại số {n}",
        DUE,
        "",
        "",
    ]


def findings_book(*rows: Sequence[object]) -> bytes:
    from remediation.importers import FindingImporter  # app code, loaded after Django setup

    return xlsx([list(FindingImporter.headers()), *rows])
