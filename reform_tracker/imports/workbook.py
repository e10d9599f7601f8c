"""Reading workbooks: .xlsx, .xlsm and .ods through python-calamine,
recognised by content, not by name. Errors are Vietnamese ``WorkbookError``s.
Before calamine opens a file, preflight.py checks it within fixed bounds;
legacy .xls (and .xlsb) are refused, since their binary records cannot be
checked that way.

calamine parses about 11x faster than openpyxl, keeps cached values of
formulas, and ignores formatting-only cells, so a sheet whose styles reach row
1,048,576 costs no more than the same data without them.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML file is an OLE container holding this stream (UTF-16 name).
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
HEADER_SEARCH_ROWS = 30
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIAL_1990, SERIAL_2100 = 32874, 73051  # 01/01/1990 and 01/01/2100


class WorkbookError(Exception):
    """A problem with the file as a whole; the message is for the user."""


@dataclass
class Sheet:
    header_row: int  # as the spreadsheet shows it (1-based)
    last_row: int  # the sheet's last used row, for progress
    columns: dict[str, int]  # canonical header -> 0-based column index
    rows: Iterator[tuple[int, list]]  # (spreadsheet row number, cells)


def header_key(value: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split()).casefold()


def check_file(data: bytes, *, max_size: int) -> None:
    if len(data) > max_size:
        raise WorkbookError(
            _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).1f MB.")
            % {"size": len(data) / 1_048_576, "limit": max_size / 1_048_576}
        )
    if not data:
        raise WorkbookError(_("Tệp rỗng: không có dữ liệu."))
    if data.startswith(OLE_MAGIC) and ENCRYPTED_STREAM in data:
        raise WorkbookError(_("Tệp được bảo vệ bằng mật khẩu. Hãy bỏ mật khẩu rồi tải lên lại."))
    if data.startswith(OLE_MAGIC):
        raise WorkbookError(
            _(
                "Tệp .xls (Excel 97-2003) không được hỗ trợ: hãy mở tệp bằng Excel, "
                "chọn Lưu thành (Save As) kiểu “Excel Workbook (.xlsx)” rồi tải lên lại."
            )
        )
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as error:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
        if not ({"xl/workbook.xml", "content.xml"} & names or any("workbook" in n for n in names)):
            raise WorkbookError(
                _("Tệp không phải là bảng tính Excel (.xlsx) hay OpenDocument (.ods).")
            )
    else:
        raise WorkbookError(
            _(
                "Tệp không phải là bảng tính Excel: hãy tải lên tệp .xlsx "
                "(tệp CSV, PDF hay tệp đổi đuôi thành .xlsx không đọc được)."
            )
        )


def open_sheet(data: bytes, *, required: Sequence[str], optional: Sequence[str] = ()) -> Sheet:
    """Open the first sheet holding every required header, at any row of its top.

    Workbooks often carry a title block above the header row, so the header
    row is the first row that holds all required headers.
    """
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise WorkbookError(
            _("Tệp Excel bị hỏng hoặc không đọc được (%(error)s).") % {"error": str(error)[:200]}
        ) from error
    wanted = {header_key(h): h for h in (*required, *optional)}
    best_missing: list[str] | None = None
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except (CalamineError, ValueError) as error:
            raise WorkbookError(
                _("Không đọc được trang tính “%(name)s”.") % {"name": name}
            ) from error
        rows = sheet.iter_rows()
        for index, cells in enumerate(rows, start=1):
            if index > HEADER_SEARCH_ROWS:
                break
            columns: dict[str, int] = {}
            for position, cell in enumerate(cells):
                canonical = wanted.get(header_key(cell))
                if canonical and canonical not in columns:
                    columns[canonical] = position
            missing = [h for h in required if h not in columns]
            if not missing:
                return Sheet(
                    header_row=index,
                    last_row=sheet.height,
                    columns=columns,
                    rows=_numbered(rows, index),
                )
            if columns and (best_missing is None or len(missing) < len(best_missing)):
                best_missing = missing
    if best_missing:
        raise WorkbookError(
            _("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(best_missing)}
        )
    raise WorkbookError(
        _("Không tìm thấy dòng tiêu đề có các cột: %(columns)s.") % {"columns": ", ".join(required)}
    )


def _numbered(rows: Iterator[list], header_row: int) -> Iterator[tuple[int, list]]:
    for number, cells in enumerate(rows, start=header_row + 1):
        # any(cells) settles almost every row; a row of zeros gets the full test.
        if any(cells) or any(cell != "" and cell is not None for cell in cells):
            yield number, cells


# Cell conversion -----------------------------------------------------------


def cell_text(value: object) -> str:
    """Text of a cell, NFC, spaces collapsed; 12.0 reads as "12"."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def cell_multiline(value: object) -> str:
    """Like cell_text, but keeps the line breaks of a multi-line cell."""
    if value is None or value == "":
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if "\n" not in text:  # most cells: one line, the cheap path
        return " ".join(text.split())
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join([" ".join(line.split()) for line in lines]).strip()


_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DATE_PREFIX = re.compile(r"^ngày\s+", re.IGNORECASE)  # "ngày 30/11/2019"
_WORDS = re.compile(r"^(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})$")


def cell_date(value: object) -> datetime.date:
    """A date from a date cell, a serial number, or text: dd/mm/yyyy, d/m/yyyy
    (also with - or .), ISO yyyy-mm-dd, or "ngày 30 tháng 11 năm 2019".

    Raises ValueError with a Vietnamese message; never guesses a month-first
    reading and never rolls 31/11 over to 01/12.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date stored as a bare serial; a plain number such as 2019 (which
        # would be 11/07/1905) is refused rather than guessed.
        if SERIAL_1990 <= value < SERIAL_2100:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError(_("“%(value)s” không phải là ngày.") % {"value": cell_text(value)})
    text = " ".join(unicodedata.normalize("NFKC", str(value)).split())
    if match := _DAY_FIRST.match(_DATE_PREFIX.sub("", text)):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _WORDS.match(text.casefold()):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError(
            _("“%(value)s” không phải là ngày theo dạng dd/mm/yyyy.") % {"value": text}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("Ngày “%(value)s” không tồn tại (ngày/tháng/năm).") % {"value": text}
        ) from None
