"""The layout of a Vietnamese administrative report (Decree 30/2020, Appendix I).

Top left the superior body, the issuing body in bold and "Số: /BC-…" with
the number left for the clerk; top right the national motto and, in
italics, the place and date; "BÁO CÁO" and the summary line centred; the
body; "Nơi nhận:" bottom left, the signature block bottom right. Times New
Roman on A4 with the decree's margins.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from .formal import place_date_line

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
# Blank where the clerk writes the number when the report is registered.
NUMBER_BLANK = "\u00a0" * 8
BODY_STYLE, BODY_STYLE_ID = "Nội dung báo cáo", "NoiDungBaoCao"


def _paragraph(
    container,
    text: str = "",
    *,
    bold=False,
    italic=False,
    underline=False,
    size: Pt = BODY_SIZE,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    space_after=None,
    style=None,
):
    paragraph = _added_paragraph(container)
    if style is not None:
        paragraph._p.style = style  # the style's id: ``Paragraph.style`` looks it up by name
    else:
        paragraph.alignment = align
        if space_after:
            paragraph.paragraph_format.space_after = space_after
    if text:
        run = paragraph.add_run(text)
        # Only what differs from the style: each property is an element.
        for name, value in (("bold", bold), ("italic", italic), ("underline", underline)):
            if value:
                setattr(run, name, True)
        if size != BODY_SIZE:
            run.font.size = size
    return paragraph


def _added_paragraph(container) -> Paragraph:
    """A new last paragraph of ``container``. python-docx's own
    ``Document.add_paragraph`` looks for the section properties among all the
    body's children before inserting, which made a report of 4,000 tasks take
    13 s (quadratic); they are the body's last child, read from the end."""
    if not isinstance(container, DocumentType):
        return container.add_paragraph()
    body = container.element.body
    element = OxmlElement("w:p")
    last = body[-1]  # lxml counts children from the end: not ``len(body)``
    if last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)
    return Paragraph(element, container._body)


def _first_paragraph(cell: _Cell, text: str, **style):
    """A cell's own (empty) first paragraph, filled, so that cells start at the top."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = style.get("bold", False)
    run.font.size = style.get("size", BODY_SIZE)
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    return paragraph


def _no_borders(table) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def new_document() -> DocumentType:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = A4
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = BODY_SIZE
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    # The body's paragraphs: a style, not four properties on each of thousands.
    text = document.styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    text.style_id = BODY_STYLE_ID
    text.base_style = style
    text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    text.paragraph_format.first_line_indent = Cm(1)
    text.paragraph_format.space_after = Pt(6)
    # Word picks the East Asian font slot for Vietnamese text in some setups.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Table Grid",):
        document.styles[name].font.name = FONT
    return document


def heading(
    document: DocumentType,
    *,
    superior: str,
    issuer: str,
    symbol: str,
    place: str,
    day: datetime.date,
    title: str,
    summary: str,
) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    _first_paragraph(left, superior.upper(), size=Pt(13))
    _paragraph(left, issuer.upper(), bold=True, size=Pt(13))
    _paragraph(left, "―――――", size=Pt(10))
    _paragraph(
        left,
        _("Số: %(number)s/%(symbol)s") % {"number": NUMBER_BLANK, "symbol": symbol},
        size=Pt(13),
    )
    _first_paragraph(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=Pt(13))
    _paragraph(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, underline=True, size=Pt(14))
    _paragraph(right, "")
    _paragraph(right, place_date_line(place, day), italic=True)
    _paragraph(document, "")
    _paragraph(document, title.upper(), bold=True)
    _paragraph(document, summary, bold=True, space_after=Pt(12))


def body(document: DocumentType, text: str, *, bold=False, italic=False) -> None:
    _paragraph(document, text, bold=bold, italic=italic, style=BODY_STYLE_ID)


def table(
    document: DocumentType, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float]
) -> None:
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name, width in zip(grid.rows[0].cells, header, widths, strict=True):
        _first_paragraph(cell, name, bold=True, size=Pt(12))
        cell.width = Cm(width)
    for values in rows:
        cells = grid.add_row().cells
        for index, (cell, value, width) in enumerate(zip(cells, values, widths, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER
            _first_paragraph(cell, str(value), size=Pt(12), align=align)
            cell.width = Cm(width)
    _paragraph(document, "", space_after=Pt(6))


def closing(
    document: DocumentType, *, recipients: Sequence[str], signer_title: Sequence[str], signer: str
) -> None:
    block = document.add_table(rows=1, cols=2)
    _no_borders(block)
    left, right = block.rows[0].cells
    left.width, right.width = Cm(8), Cm(8.5)
    paragraph = left.paragraphs[0]
    run = paragraph.add_run(_("Nơi nhận:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in recipients:
        _paragraph(left, f"- {line}", size=Pt(11), align=WD_ALIGN_PARAGRAPH.LEFT)
    _first_paragraph(right, signer_title[0], bold=True)
    for line in signer_title[1:]:
        _paragraph(right, line, bold=True)
    for _blank in range(4):
        _paragraph(right, "")
    _paragraph(right, signer or "", bold=True)


def to_bytes(document: DocumentType) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
