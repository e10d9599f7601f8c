"""The test workbooks are what they claim to be, so the importer tests mean something."""

import datetime
import io

import msoffcrypto
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from reform_tracker.imports.tests.workbooks import (
    LAST_ROW,
    encrypted,
    formatted_to_last_row,
    ods,
    with_empty_strings,
    with_formula,
    xlsx,
)

ROWS = [["Mã", "Hạn báo cáo"], ["KT-01", datetime.date(2019, 11, 30)]]


def calamine_rows(data):
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return list(workbook.get_sheet_by_index(0).iter_rows())


def test_it_puts_the_header_below_the_title_block():
    sheet = load_workbook(io.BytesIO(xlsx(ROWS, title_rows=[["TIÊU ĐỀ"], []]))).active
    assert sheet["A1"].value == "TIÊU ĐỀ"
    assert sheet["A3"].value == "Mã"
    assert sheet["B4"].is_date


def test_it_writes_formulas_with_cached_values():
    data = with_formula(xlsx(ROWS), "B2", "DATE(2019,12,31)", datetime.date(2019, 12, 31))
    data = with_formula(data, "A2", 'UPPER("kt-02")', "KT-02")
    assert load_workbook(io.BytesIO(data)).active["B2"].value == "=DATE(2019,12,31)"
    cached = load_workbook(io.BytesIO(data), data_only=True).active
    assert cached["A2"].value == "KT-02"
    assert cached["B2"].value == datetime.datetime(2019, 12, 31)


def test_it_formats_the_sheet_down_to_its_last_row():
    sheet = load_workbook(io.BytesIO(formatted_to_last_row(xlsx(ROWS)))).active
    assert sheet.max_row == LAST_ROW


def test_it_writes_empty_strings_that_make_rows_used():
    rows = calamine_rows(with_empty_strings(xlsx(ROWS), range(4, 10)))
    assert len(rows) == 9
    assert rows[-1][0] == ""


def test_it_encrypts_for_real():
    data = encrypted(xlsx(ROWS), password="matkhau")
    assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert "EncryptedPackage".encode("utf-16-le") in data
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="matkhau")
    plain = io.BytesIO()
    office.decrypt(plain)
    assert load_workbook(plain).active["A2"].value == "KT-01"


def test_it_writes_an_ods_that_calamine_reads():
    assert calamine_rows(ods(ROWS)) == [
        ["Mã", "Hạn báo cáo"],
        ["KT-01", datetime.date(2019, 11, 30)],
    ]
