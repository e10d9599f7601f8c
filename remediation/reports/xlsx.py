"""The province synthesis as a workbook: summary, by agency, overdue tasks.

Written with openpyxl's write-only mode (rows streamed, never held): a
million tasks' overdue list fits in memory and in the time limit.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from agencies.models import AgencyKind

from ..dashboard.figures import Counts, Figures, NamedRow
from ..dashboard.presentation import grouped_agencies
from ..dashboard.ranking import ranked_agencies
from ..deadlines import DeadlineState, deadline_q
from ..models import RemediationTask
from ..workflow import TaskStatus
from .xlsx_rows import replace_sample_row

DATE_FORMAT = "DD/MM/YYYY"
HEADER_ROW = 3
PERCENT_FORMAT = "0.0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF5")
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")

Progress = Callable[[int, int], None]


def neutralise(value: str) -> tuple[str, bool]:
    """Text that a spreadsheet can never run as a formula: (the text to
    store, whether to store it with Excel's quote prefix). A cell starting
    with =, +, - or @ (or a tab or carriage return) keeps its text and gets
    the prefix. The one place to swap for a shared neutralising helper."""
    return value, value.startswith(FORMULA_STARTS)


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell | str:
    """A text value for openpyxl: a string cell, quote-prefixed, where ``neutralise`` says."""
    value, quoted = neutralise(value)
    if not quoted:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


class Sheet:
    """A write-only sheet with typed cells: dates as real dates (dd/mm/yyyy),
    text neutralised, a bold header row frozen and repeated on every page."""

    def __init__(self, book: Workbook, title: str, widths: list[float]):
        self.sheet = book.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        setup = self.sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.sheet.print_options.gridLines = False
        self.sheet.page_margins.left = self.sheet.page_margins.right = 0.5
        # Every sheet: title, as-of date, then the header row (row 3), frozen
        # and repeated on each printed page. Write-only sheets write their
        # views with the first row, so this comes before any row.
        self.sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        self.sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        self.rows = 0

    def cell(self, value: Any, *, font: Font | None = None, number_format: str | None = None):
        if isinstance(value, str):
            value = text_cell(self.sheet, value)
        if isinstance(value, datetime.date):
            number_format = DATE_FORMAT
        if font is None and number_format is None:
            return value
        cell = value if isinstance(value, Cell) else WriteOnlyCell(self.sheet, value)
        if font is not None:
            cell.font = font
        if number_format is not None:
            cell.number_format = number_format
        return cell

    def append(self, values: Iterable[Any], *, font: Font | None = None) -> None:
        self.sheet.append([self.cell(v, font=font) for v in values])
        self.rows += 1

    def title(self, text: str, as_of: datetime.date) -> None:
        self.append([text], font=TITLE_FONT)
        self.append([_("Tính đến ngày"), as_of])

    def header(self, names: list[str]) -> None:
        """The table header (row 3, after ``title``)."""
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.sheet, name)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1


def counts_values(counts: Counts) -> list[Any]:
    shown = counts.rate_shown
    rate = None if shown is None else float(shown)
    return [
        counts.total,
        counts.completed_on_time,
        counts.completed_late,
        counts.within,
        counts.due_soon,
        counts.overdue,
        rate,
    ]


def counts_header(first: str) -> list[str]:
    return [
        first,
        _("Tổng số nhiệm vụ"),
        _("Hoàn thành đúng hạn"),
        _("Hoàn thành quá hạn"),
        _("Chưa hoàn thành, trong hạn"),
        _("Trong đó: sắp đến hạn"),
        _("Chưa hoàn thành, quá hạn"),
        _("Tỷ lệ đúng hạn (%)"),
    ]


def _summary_sheet(book: Workbook, figures: Figures, scope: str) -> None:
    sheet = Sheet(book, _("Tổng hợp"), [58, 14, 14, 14, 16, 14, 16, 14])
    sheet.title(_("TỔNG HỢP KẾT QUẢ KHẮC PHỤC TỒN TẠI, HẠN CHẾ TRONG CÔNG TÁC CCHC"), figures.as_of)
    sheet.header(counts_header(_("Phạm vi")))
    sheet.append([scope, *counts_values(figures.total)])

    def table(title: str, rows: list[NamedRow]) -> None:
        sheet.append([])
        sheet.append([title], font=HEADER_FONT)
        for row in rows:
            sheet.append([row.name, *counts_values(row.counts)])
            for child in row.children:
                sheet.append([f"    {child.name}", *counts_values(child.counts)])

    table(_("Theo lĩnh vực, tiêu chí"), figures.areas)
    table(_("Theo văn bản chỉ đạo"), figures.directives)
    table(_("Theo đợt kiểm tra"), figures.inspections)
    sheet.append([])
    sheet.append([_("Xu hướng theo tháng")], font=HEADER_FONT)
    sheet.append(
        [_("Tháng"), _("Số nhiệm vụ đến hạn"), _("Số nhiệm vụ hoàn thành")], font=HEADER_FONT
    )
    for month in figures.trend:
        sheet.append([month.start.strftime("%m/%Y"), month.falling_due, month.completed])


def _agency_sheet(book: Workbook, figures: Figures) -> None:
    sheet = Sheet(book, _("Theo cơ quan"), [6, 46, 18, 34, 12, 12, 12, 14, 12, 14, 12, 14, 10])
    sheet.title(_("KẾT QUẢ KHẮC PHỤC THEO CƠ QUAN"), figures.as_of)
    sheet.header(
        [
            _("STT"),
            _("Cơ quan"),
            _("Cấp"),
            _("Cơ quan cấp trên"),
            *counts_header("")[1:],
            _("Quá hạn lâu nhất (ngày)"),
            _("Xếp hạng"),
        ]
    )
    ranked = ranked_agencies(figures.agencies)
    ranks = {row.id: n for n, row in enumerate(ranked, start=1)}
    kinds = dict(AgencyKind.choices)
    number = 0
    for group in grouped_agencies(figures.agencies, figures.as_of, "ten"):
        sheet.append(["", group.label], font=HEADER_FONT)
        for line in group.lines:
            number += 1
            row = line.row
            sheet.append(
                [
                    number,
                    row.name,
                    str(kinds.get(row.kind, row.kind)),
                    row.parent_name or "",
                    *counts_values(row.counts),
                    line.oldest_days,
                    ranks.get(row.id),
                ]
            )


OVERDUE_COLUMNS = (
    "finding__code",
    "title",
    "lead_agency__name",
    "lead_agency__kind",
    "due_date",
    "extended_due_date",
    "effective_due_date",
    "status",
    "finding__inspection__name",
    "monitoring_agency__name",
)


OVERDUE_SHEET = 3  # its file in the workbook: xl/worksheets/sheet3.xml
SAMPLE_ROW = 4  # the row after the title, the as-of date and the header


def _overdue_sheet(book: Workbook, as_of: datetime.date) -> None:
    """Title and header, then a sample row whose styles the streamed rows
    reuse (see ``xlsx_rows``): a number, quote-prefixed text, a date."""
    sheet = Sheet(book, _("Nhiệm vụ quá hạn"), [6, 14, 60, 40, 16, 13, 13, 12, 22, 36, 30])
    sheet.title(_("DANH SÁCH NHIỆM VỤ CHƯA HOÀN THÀNH, QUÁ HẠN"), as_of)
    sheet.header(
        [
            _("STT"),
            _("Mã"),
            _("Nhiệm vụ"),
            _("Cơ quan chủ trì"),
            _("Cấp"),
            _("Hạn báo cáo"),
            _("Gia hạn đến"),
            _("Số ngày quá hạn"),
            _("Trạng thái"),
            _("Đợt kiểm tra"),
            _("Cơ quan theo dõi"),
        ]
    )
    sheet.append([0, text_cell(sheet.sheet, "=sample"), as_of])


def _overdue_rows(
    tasks: QuerySet[RemediationTask], as_of: datetime.date, progress: Progress
) -> Iterator[list]:
    overdue = (
        tasks.filter(deadline_q(DeadlineState.OVERDUE, as_of))
        .order_by("lead_agency__name", "effective_due_date", "pk")
        .values_list(*OVERDUE_COLUMNS)
    )
    kinds = {k: str(v) for k, v in AgencyKind.choices}
    statuses = {k: str(v) for k, v in TaskStatus.choices}
    number = 0
    for number, values in enumerate(overdue.iterator(chunk_size=5000), start=1):
        code, title, agency, kind, due, extended, effective, status, inspection, monitor = values
        yield [
            number,
            code,
            title,
            agency,
            kinds.get(kind, kind),
            due,
            extended,
            (as_of - effective).days,
            statuses.get(status, status),
            inspection,
            monitor,
        ]
        if number % 10_000 == 0:
            progress(number, 0)
    if number == 0:
        yield [None, None, _("Không có nhiệm vụ quá hạn.")]


def summary_workbook(
    *,
    figures: Figures,
    tasks: QuerySet[RemediationTask],
    scope: str,
    progress: Progress = lambda done, total: None,
) -> bytes:
    book = Workbook(write_only=True)
    _summary_sheet(book, figures, scope)
    _agency_sheet(book, figures)
    _overdue_sheet(book, figures.as_of)
    buffer = io.BytesIO()
    book.save(buffer)
    return replace_sample_row(
        buffer.getvalue(),
        sheet=OVERDUE_SHEET,
        sample_row=SAMPLE_ROW,
        rows=_overdue_rows(tasks, figures.as_of, progress),
        kinds="nssssddnsss",
        styles_from=("C", "B"),
        neutralise=neutralise,
    )
