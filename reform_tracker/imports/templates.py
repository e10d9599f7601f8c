"""The downloadable .xlsx template of each import: headers, one example row
and a sheet of instructions."""

import datetime

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from reform_tracker.xlsx import set_cell, workbook_bytes

from .engine import Importer

DATE_FORMAT = "DD/MM/YYYY"


def ascii_slug(text: str) -> str:
    """“Tồn tại, hạn chế” → ton-tai-han-che. Đ has no decomposition to strip
    (slugify alone turns “đạo” into “ao”)."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


def template_filename(importer: type[Importer]) -> str:
    """The download's name, from the Vietnamese label whatever the language."""
    with translation.override("vi"):
        return f"mau-nhap-{ascii_slug(str(importer.label))}.xlsx"


def template_workbook(importer: type[Importer], *, notes: list[str] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(importer.label)[:31]
    for column, value in enumerate(importer.headers(), start=1):
        set_cell(sheet.cell(row=1, column=column), value)
    for column, value in enumerate(importer.example, start=1):
        set_cell(sheet.cell(row=2, column=column), value)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for position, header in enumerate(importer.headers(), start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[cell.column_letter].width = max(14, min(60, len(header) + 8))
        example = sheet.cell(row=2, column=position)
        if isinstance(example.value, datetime.date):
            example.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.column_dimensions["A"].width = 110
    lines = [
        _("Giữ nguyên dòng tiêu đề; có thể thêm cột khác (sẽ bỏ qua) và dòng tiêu đề phía trên."),
        _("Cột bắt buộc: %(columns)s.") % {"columns": ", ".join(importer.required)},
        _("Ngày ghi theo dạng dd/mm/yyyy (ví dụ 05/06/2019 là ngày 5 tháng 6) hoặc ô kiểu ngày."),
        _("Có bất kỳ lỗi nào thì không dòng nào được ghi; sửa lỗi rồi tải lên lại."),
        *notes,
    ]
    for row, line in enumerate(lines, start=1):
        set_cell(guide.cell(row=row, column=1), str(line))
    return workbook_bytes(workbook)
