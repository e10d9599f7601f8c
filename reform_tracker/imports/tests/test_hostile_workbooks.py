"""Workbooks made to blow calamine up are refused, within bounds, before it
opens them; ordinary odd files still import."""

import datetime

import pytest

from agencies.tests.factories import AgencyFactory
from reform_tracker.imports import workbook as workbook_module
from reform_tracker.imports.preflight import check_workbook
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.hostile import (
    duplicate_rows,
    far_value,
    huge_cell,
    legacy_xls,
    ods_repeated,
    shared_string_copies,
    with_doctype,
)
from reform_tracker.imports.tests.workbooks import (
    LAST_ROW,
    finding_row,
    findings_book,
    formatted_to_last_row,
    row_counts,
    with_empty_strings,
)
from remediation.importers import FindingImporter

pytestmark = pytest.mark.django_db

HEADERS = list(FindingImporter.headers())
VALUES = [str(v) for v in finding_row(1)[:6]] + ["30/11/2019"]


@pytest.fixture
def world():
    return AgencyFactory(code="STNMT")


@pytest.fixture
def no_calamine(monkeypatch):
    """Fails the test, instead of letting calamine abort the process, if a
    refused file reaches it."""

    def refuse(*args, **kwargs):
        raise AssertionError("calamine opened a file the pre-check should refuse")

    monkeypatch.setattr(workbook_module.CalamineWorkbook, "from_filelike", refuse)


def only_error(data):
    before = row_counts()
    summary = import_run(kind="findings", data=data, dry_run=False)
    assert row_counts() == before
    [error] = summary.errors
    assert error.row is None
    return error.message


def test_it_refuses_a_value_at_the_last_cell_of_the_sheet(world, no_calamine):
    message = only_error(far_value(findings_book(finding_row(1))))

    assert "từ ô A1 đến ô XFD1048576" in message
    assert "1048576 dòng × 16384 cột" in message
    assert "IMPORT_MAX_CELLS" in message


def test_it_still_imports_a_sheet_formatted_to_the_last_row(world):
    summary = import_run(
        kind="findings",
        data=formatted_to_last_row(findings_book(finding_row(1))),
        dry_run=True,
    )

    assert summary.errors == []
    assert summary.created == 1


def test_it_refuses_empty_strings_down_to_the_last_row(world, no_calamine):
    data = with_empty_strings(findings_book(finding_row(1)), [LAST_ROW])

    assert "đến ô I1048576" in only_error(data)


def test_it_accepts_a_value_area_at_the_cell_limit(world, settings):
    data = findings_book(finding_row(1), finding_row(2))  # A1:I3, 27 cells
    settings.IMPORT_MAX_CELLS = 27

    assert import_run(kind="findings", data=data, dry_run=True).errors == []
    settings.IMPORT_MAX_CELLS = 26
    assert "vượt giới hạn 26 ô" in only_error(data)


def test_it_refuses_a_file_that_inflates_past_the_limit(world, settings, no_calamine):
    settings.IMPORT_MAX_UNCOMPRESSED_SIZE = 2 * 1_048_576
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    data = huge_cell(HEADERS, VALUES, column=4, size=3 * 1_048_576)

    message = only_error(data)

    assert message.startswith("Tệp giải nén ra ")
    assert "vượt giới hạn 2.0 MB (IMPORT_MAX_UNCOMPRESSED_SIZE)" in message


def test_it_refuses_a_part_compressed_beyond_the_ratio(world, no_calamine):
    data = huge_cell(HEADERS, VALUES, column=4, size=4 * 1_048_576)

    message = only_error(data)

    assert "phần “xl/worksheets/sheet1.xml” giải nén ra gấp" in message
    assert "vượt giới hạn 100 lần (IMPORT_MAX_COMPRESSION_RATIO)" in message


def test_it_refuses_a_million_duplicate_rows_before_reading_them(world, no_calamine):
    data = duplicate_rows(HEADERS, VALUES, 1_048_575)

    assert "IMPORT_MAX_UNCOMPRESSED_SIZE" in only_error(data)


def test_it_refuses_a_shared_string_copied_into_many_cells(world, settings, no_calamine):
    settings.IMPORT_MAX_UNCOMPRESSED_SIZE = 10 * 1_048_576
    data = shared_string_copies(HEADERS, size=30_000, copies=1_000)  # 30 MB once copied

    message = only_error(data)

    assert "tính cả chữ dùng chung" in message
    assert len(data) < 100_000


def test_it_refuses_an_ods_repeating_one_value_over_a_large_area(world, no_calamine):
    message = only_error(ods_repeated(rows=1_048_576, columns=1024))

    assert "IMPORT_MAX_CELLS" in message


def test_it_refuses_a_document_type_declaration(world, no_calamine):
    message = only_error(with_doctype(findings_book(finding_row(1))))

    assert "bị hỏng" in message


def test_it_refuses_a_legacy_xls_asking_for_xlsx(world, no_calamine):
    message = only_error(legacy_xls())

    assert ".xls (Excel 97-2003) không được hỗ trợ" in message


def test_it_counts_rows_only_up_to_what_it_was_asked(world):
    data = findings_book(*(finding_row(n) for n in range(1, 501)))

    facts = check_workbook(data, stop_after_rows=20)

    assert facts.stopped
    assert facts.most_rows == 21


def test_it_reads_the_whole_sheet_when_under_the_count(world):
    facts = check_workbook(findings_book(finding_row(1), finding_row(2)), stop_after_rows=20)

    assert not facts.stopped
    assert facts.most_rows == 3
    [sheet] = facts.sheets
    assert (sheet.name, sheet.rows, sheet.columns) == ("Dữ liệu", 3, 9)


def test_it_still_reads_dates_after_the_check(world):
    summary = import_run(kind="findings", data=findings_book(finding_row(1)), dry_run=True)

    assert summary.sample[0]["values"][6] == datetime.date(2019, 11, 30).strftime("%d/%m/%Y")
