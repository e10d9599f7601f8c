import datetime
import unicodedata
from types import SimpleNamespace

import pytest
from django.db import IntegrityError

from agencies.models import AgencyKind, ReformArea
from agencies.tests.factories import AgencyFactory
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import (
    PDF_BYTES,
    csv_bytes,
    docx_like,
    encrypted,
    formatted_to_last_row,
    ods,
    rewrite,
    row_counts,
    truncated,
    with_empty_strings,
    with_formula,
    without_member,
    xlsx,
)
from remediation.importers import FindingImporter
from remediation.models import Finding, Inspection, RemediationTask, TaskStatus
from remediation.tests.factories import RemediationReportFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Mã",
    "Đợt kiểm tra",
    "Cơ quan được kiểm tra",
    "Lĩnh vực CCHC",
    "Tồn tại, hạn chế",
    "Yêu cầu khắc phục",
    "Hạn báo cáo",
    "Cơ quan theo dõi",
    "Văn bản chỉ đạo",
]
INSPECTION = "Kiểm tra công tác CCHC năm 2019"
AREA = "Cải cách thủ tục hành chính"
DUE = datetime.date(2019, 11, 30)
TITLE_BLOCK = [
    ["UBND TỈNH TUYÊN QUANG"],
    ["Danh sách tồn tại, hạn chế qua kiểm tra CCHC năm 2019"],
]


@pytest.fixture
def world():
    office = AgencyFactory(code="VPUBND", name="Văn phòng UBND tỉnh")
    ReformArea.objects.filter(code="LV3").update(monitoring_agency=office)
    return SimpleNamespace(
        environment=AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường"),
        justice=AgencyFactory(code="STP", name="Sở Tư pháp"),
        office=office,
        area=ReformArea.objects.get(code="LV3"),
        directive=DirectiveFactory(number=57, issue_date=datetime.date(2019, 6, 18)),
    )


def row(
    code="KT2019-01",
    *,
    inspection=INSPECTION,
    agency="STNMT",
    area=AREA,
    description="Tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4 còn thấp",
    action="Nâng cao tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4",
    due=DUE,
    monitor="VPUBND",
    directive="57/TB-UBND",
):
    return [code, inspection, agency, area, description, action, due, monitor, directive]


def book(*rows, headers=HEADERS, title_rows=()):
    return xlsx([headers, *rows], title_rows=title_rows)


def run(data, *, dry_run=False):
    return import_run(kind="findings", data=data, dry_run=dry_run)


def refused(data):
    """Run an import that must fail; check it wrote nothing; return its errors."""
    before = row_counts()
    summary = run(data)
    assert summary.errors
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 0)
    assert row_counts() == before
    return summary.errors


def only_error(data):
    errors = refused(data)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def nfd(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    return decomposed


# Success -------------------------------------------------------------------


def test_it_creates_findings_with_their_tasks(world):
    summary = run(book(row("KT2019-01"), row("KT2019-02", agency="STP", monitor="")))
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    finding = Finding.objects.get(code="KT2019-01")
    assert finding.agency == world.environment
    assert finding.reform_area == world.area
    assert finding.source_directive == world.directive
    assert finding.inspection.name == INSPECTION
    assert finding.inspection.year == 2019
    task = finding.tasks.get()
    assert task.lead_agency == world.environment
    assert task.monitoring_agency == world.office
    assert task.due_date == DUE
    assert task.status == TaskStatus.OPEN
    assert task.directive == world.directive
    assert task.title == "Nâng cao tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4"
    inspection = Inspection.objects.get()
    assert set(inspection.inspected_agencies.all()) == {world.environment, world.justice}


def test_it_takes_the_monitor_of_the_area_when_none_is_given(world):
    run(book(row(monitor="")))
    assert RemediationTask.objects.get().monitoring_agency == world.office


def test_it_uses_an_existing_inspection(world):
    existing = Inspection.objects.create(name=INSPECTION, year=2019)
    run(book(row(inspection=INSPECTION.upper())))
    assert Finding.objects.get().inspection == existing
    assert Inspection.objects.count() == 1


def test_it_finds_the_header_below_a_title_block(world):
    summary = run(book(row(), title_rows=TITLE_BLOCK))
    assert summary.errors == []
    assert summary.created == 1


def test_it_finds_the_sheet_holding_the_headers(world):
    data = xlsx(
        [HEADERS, row()],
        extra_sheets={"Hướng dẫn": [["Điền mỗi tồn tại, hạn chế trên một dòng."]]},
    )
    assert run(data).created == 1


def test_it_ignores_extra_columns_in_any_order(world):
    headers = ["STT", *reversed(HEADERS), "Ghi chú"]
    data = book([1, *reversed(row()), "Đã trao đổi với Sở"], headers=headers)
    summary = run(data)
    assert summary.errors == []
    assert Finding.objects.get().agency == world.environment
    assert RemediationTask.objects.get().due_date == DUE


def test_it_skips_blank_rows_and_keeps_row_numbers(world):
    data = book(row("KT-01"), [], [None] * 9, row("KT-02", agency="SKHONGCO"))
    error = only_error(data)
    assert (error.row, error.column) == (5, "Cơ quan được kiểm tra")


def test_it_counts_only_rows_with_data(world):
    summary = run(book(row("KT-01"), [], [], row("KT-02")))
    assert (summary.total_rows, summary.created) == (2, 2)


def test_it_numbers_rows_as_the_spreadsheet_shows_them(world):
    error = only_error(book(row(agency="SKHONGCO"), title_rows=TITLE_BLOCK))
    assert error.row == 4
    assert str(error).startswith("Dòng 4, cột “Cơ quan được kiểm tra”: ")


def test_it_reads_an_opendocument_file(world):
    summary = run(ods([HEADERS, row()]))
    assert summary.errors == []
    assert RemediationTask.objects.get().due_date == DUE


# Unicode -------------------------------------------------------------------


def test_it_reads_nfd_headers_in_any_case(world):
    headers = [f"  {nfd(h).upper()} " if i % 2 else nfd(h) for i, h in enumerate(HEADERS)]
    summary = run(book(row(), headers=headers))
    assert summary.errors == []
    assert summary.created == 1


def test_it_matches_nfd_names_and_stores_nfc(world):
    data = book(
        row(
            agency=nfd("Sở Tài nguyên và Môi trường"),
            area=nfd(AREA),
            monitor=nfd("Văn phòng UBND tỉnh"),
            inspection=nfd(INSPECTION),
            description=nfd("Chưa niêm yết công khai TTHC"),
        )
    )
    summary = run(data)
    assert summary.errors == []
    finding = Finding.objects.get()
    assert finding.agency == world.environment
    assert finding.reform_area == world.area
    assert finding.description == "Chưa niêm yết công khai TTHC"
    assert finding.inspection.name == INSPECTION
    again = run(book(row(description="Chưa niêm yết công khai TTHC")))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_it_matches_an_area_by_code(world):
    run(book(row(area="lv3")))
    assert Finding.objects.get().reform_area == world.area


# Dates ---------------------------------------------------------------------


def test_it_reads_a_date_cell(world):
    run(book(row(due=datetime.date(2019, 6, 5))))
    assert RemediationTask.objects.get().due_date == datetime.date(2019, 6, 5)


def test_it_reads_a_datetime_cell(world):
    run(book(row(due=datetime.datetime(2019, 6, 5, 0, 0))))
    assert RemediationTask.objects.get().due_date == datetime.date(2019, 6, 5)


@pytest.mark.parametrize("text", ["05/06/2019", "5/6/2019", " 05/06/2019 "])
def test_it_reads_day_first_text_dates(world, text):
    summary = run(book(row(due=text)))
    assert summary.errors == []
    assert RemediationTask.objects.get().due_date == datetime.date(2019, 6, 5)


@pytest.mark.parametrize("text", ["31/11/2019", "29/02/2019", "11/30/2019"])
def test_it_refuses_an_impossible_date(world, text):
    error = only_error(book(row("KT-01"), row("KT-02", due=text)))
    assert (error.row, error.column) == (3, "Hạn báo cáo")
    assert text in error.message
    assert "không tồn tại" in error.message


@pytest.mark.parametrize("text", ["cuối tháng 11", "30.11", "2019"])
def test_it_refuses_an_unreadable_date(world, text):
    error = only_error(book(row(due=text)))
    assert (error.row, error.column) == (2, "Hạn báo cáo")
    assert "dd/mm/yyyy" in error.message


def test_it_refuses_a_missing_date(world):
    error = only_error(book(row(due="")))
    assert (error.row, error.column) == (2, "Hạn báo cáo")
    assert "trống" in error.message


def test_it_names_row_and_column_in_the_error_text(world):
    error = only_error(book(row(due="31/11/2019"), title_rows=TITLE_BLOCK))
    assert (
        str(error) == "Dòng 4, cột “Hạn báo cáo”: Ngày “31/11/2019” không tồn tại (ngày/tháng/năm)."
    )


# Lookups -------------------------------------------------------------------


def test_it_refuses_an_unknown_agency(world):
    error = only_error(book(row(agency="Sở Không Có")))
    assert (error.row, error.column) == (2, "Cơ quan được kiểm tra")
    assert "Sở Không Có" in error.message


def test_it_refuses_an_unknown_monitoring_agency(world):
    error = only_error(book(row(monitor="SKHONGCO")))
    assert (error.row, error.column) == (2, "Cơ quan theo dõi")
    assert "SKHONGCO" in error.message


def test_it_refuses_an_unknown_reform_area(world):
    error = only_error(book(row(area="Cải cách tiền lương")))
    assert (error.row, error.column) == (2, "Lĩnh vực CCHC")
    assert "Cải cách tiền lương" in error.message


def test_it_refuses_an_unknown_directive(world):
    error = only_error(book(row(directive="99/TB-UBND")))
    assert (error.row, error.column) == (2, "Văn bản chỉ đạo")
    assert "99/TB-UBND" in error.message


def test_it_refuses_a_malformed_directive_number(world):
    error = only_error(book(row(directive="Thông báo kết luận")))
    assert (error.row, error.column) == (2, "Văn bản chỉ đạo")


def test_it_refuses_an_ambiguous_agency_name(world):
    AgencyFactory(code="CH-YN", name="UBND xã Yên Nguyên", kind=AgencyKind.COMMUNE_PC)
    AgencyFactory(code="HY-YN", name="UBND xã Yên Nguyên", kind=AgencyKind.COMMUNE_PC)
    error = only_error(book(row(agency="UBND xã Yên Nguyên")))
    assert (error.row, error.column) == (2, "Cơ quan được kiểm tra")
    assert "CH-YN" in error.message
    assert "HY-YN" in error.message
    assert "hãy ghi mã" in error.message


def test_it_accepts_the_code_of_an_agency_whose_name_is_shared(world):
    commune = AgencyFactory(code="CH-YN", name="UBND xã Yên Nguyên")
    AgencyFactory(code="HY-YN", name="UBND xã Yên Nguyên")
    run(book(row(agency="CH-YN")))
    assert Finding.objects.get().agency == commune


def test_it_needs_the_date_of_a_directive_number_used_in_two_years(world):
    DirectiveFactory(number=57, issue_date=datetime.date(2020, 3, 2))
    error = only_error(book(row(directive="57/TB-UBND")))
    assert (error.row, error.column) == (2, "Văn bản chỉ đạo")
    assert "57/TB-UBND ngày" in error.message


def test_it_accepts_a_directive_number_with_its_date(world):
    DirectiveFactory(number=57, issue_date=datetime.date(2020, 3, 2))
    summary = run(book(row(directive="57/TB-UBND ngày 18/06/2019")))
    assert summary.errors == []
    assert Finding.objects.get().source_directive == world.directive


# Rows that clash or are incomplete -------------------------------------------


def test_it_refuses_a_duplicate_code_in_one_file(world):
    error = only_error(book(row("KT-01"), row("KT-02"), row("KT-01")))
    assert (error.row, error.column) == (4, "Mã")
    assert "dòng 2" in error.message


def test_it_refuses_an_empty_required_cell(world):
    error = only_error(book(row(description="")))
    assert (error.row, error.column) == (2, "Tồn tại, hạn chế")


@pytest.mark.parametrize(
    ("changes", "column", "limit"),
    [({"code": "K" * 51}, "Mã", 50), ({"inspection": "Đ" * 256}, "Đợt kiểm tra", 255)],
    ids=["code", "inspection"],
)
def test_it_refuses_text_longer_than_its_column(world, changes, column, limit):
    error = only_error(book(row(**changes)))
    assert (error.row, error.column) == (2, column)
    assert str(limit) in error.message


def test_it_reports_every_error(world):
    data = book(
        row("KT-01", agency="SKHONGCO", due="31/11/2019"),
        row("KT-02"),
        row("KT-03", area="Không có"),
    )
    errors = refused(data)
    assert [(e.row, e.column) for e in errors] == [
        (2, "Cơ quan được kiểm tra"),
        (2, "Hạn báo cáo"),
        (4, "Lĩnh vực CCHC"),
    ]


def test_it_reports_a_missing_required_column(world):
    headers = [h for h in HEADERS if h != "Hạn báo cáo"]
    data = book(
        [v for h, v in zip(HEADERS, row(), strict=True) if h != "Hạn báo cáo"], headers=headers
    )
    error = only_error(data)
    assert "Thiếu cột bắt buộc" in error.message
    assert "Hạn báo cáo" in error.message


def test_it_accepts_a_file_without_optional_columns(world):
    assert run(book(row()[:7], headers=HEADERS[:7])).created == 1


# Files that are empty or not workbooks ---------------------------------------


def test_it_refuses_an_empty_file(world):
    assert "rỗng" in only_error(b"").message


def test_it_refuses_a_workbook_without_data_rows(world):
    error = only_error(book([], [None] * 9, title_rows=TITLE_BLOCK))
    assert "không có dòng dữ liệu" in error.message


def test_it_refuses_a_workbook_without_the_header_row(world):
    error = only_error(xlsx([["Danh sách"], ["1", "2"]]))
    assert "Không tìm thấy dòng tiêu đề" in error.message


@pytest.mark.parametrize(
    "data",
    [csv_bytes([HEADERS, row(due="30/11/2019")]), PDF_BYTES, docx_like()],
    ids=["csv", "pdf", "docx"],
)
def test_it_refuses_a_file_that_is_not_a_workbook(world, data):
    assert "không phải là bảng tính" in only_error(data).message


@pytest.mark.parametrize(
    "damage",
    [truncated, without_member, lambda d: rewrite(d, "xl/workbook.xml", lambda _: "<rác")],
    ids=["truncated", "missing-sheet", "broken-xml"],
)
def test_it_refuses_a_corrupt_workbook(world, damage):
    error = only_error(damage(book(row())))
    assert error.row is None
    assert "hỏng" in error.message or "Không đọc được" in error.message


def test_it_refuses_a_password_protected_workbook(world):
    error = only_error(encrypted(book(row())))
    assert "mật khẩu" in error.message


def test_it_refuses_a_file_over_the_size_limit(world, settings):
    data = book(row())
    settings.IMPORT_MAX_FILE_SIZE = len(data) - 1
    error = only_error(data)
    assert "quá lớn" in error.message


def test_it_accepts_a_file_at_the_size_limit(world, settings):
    data = book(row())
    settings.IMPORT_MAX_FILE_SIZE = len(data)
    assert run(data).created == 1


# What spreadsheet programs save ---------------------------------------------


def test_it_uses_the_cached_values_of_formulas(world):
    data = book(row(agency="placeholder", due=datetime.date(2000, 1, 1)))
    data = with_formula(data, "C2", 'UPPER("stnmt")', "STNMT")
    data = with_formula(data, "G2", "DATE(2019,11,30)", DUE)
    summary = run(data)
    assert summary.errors == []
    assert Finding.objects.get().agency == world.environment
    assert RemediationTask.objects.get().due_date == DUE


def test_it_ignores_formatting_down_to_the_last_row(world):
    summary = run(formatted_to_last_row(book(row("KT-01"), row("KT-02"))))
    assert summary.errors == []
    assert (summary.total_rows, summary.created) == (2, 2)


def test_it_skips_rows_of_empty_strings(world):
    # Empty strings are values to calamine: down to row 1,048,576 they would
    # pass IMPORT_MAX_CELLS (see test_hostile_workbooks.py).
    data = with_empty_strings(book(row("KT-01"), row("KT-02")), [*range(4, 500), 300_000])
    summary = run(data)
    assert summary.errors == []
    assert (summary.total_rows, summary.created) == (2, 2)


# Re-import -------------------------------------------------------------------


def three_rows(**changes):
    return book(row("KT-01"), row("KT-02", agency="STP", **changes), row("KT-03"))


def test_it_changes_nothing_when_the_same_file_is_imported_again(world):
    run(three_rows())
    before = row_counts()
    stamps = list(RemediationTask.objects.order_by("pk").values_list("updated_at", flat=True))
    summary = run(three_rows())
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)
    assert row_counts() == before
    assert list(RemediationTask.objects.order_by("pk").values_list("updated_at", flat=True)) == (
        stamps
    )


def test_it_sees_a_text_date_equal_to_the_stored_date(world):
    run(book(row(due=datetime.date(2019, 11, 30))))
    summary = run(book(row(due="30/11/2019")))
    assert (summary.updated, summary.unchanged) == (0, 1)


def test_it_updates_an_edited_row_and_keeps_its_progress(world):
    run(three_rows())
    task = RemediationTask.objects.get(finding__code="KT-02")
    task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 20)
    task.save()
    RemediationReportFactory.create_batch(2, task=task)
    before = row_counts()
    summary = run(three_rows(description="Mô tả đã sửa", due=datetime.date(2019, 12, 15)))
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert row_counts() == before
    task.refresh_from_db()
    assert task.finding.description == "Mô tả đã sửa"
    assert task.due_date == datetime.date(2019, 12, 15)
    assert task.status == TaskStatus.COMPLETED
    assert task.completed_on == datetime.date(2019, 11, 20)
    assert task.reports.count() == 2


def test_it_moves_the_task_when_the_inspected_agency_changes(world):
    run(three_rows())
    summary = run(book(row("KT-01", agency="STP")))
    assert summary.updated == 1
    task = RemediationTask.objects.get(finding__code="KT-01")
    assert task.lead_agency == world.justice
    assert task.finding.agency == world.justice
    assert world.justice.inspections.count() == 1


# All or nothing ------------------------------------------------------------


def test_it_writes_nothing_in_a_dry_run(world):
    before = row_counts()
    summary = run(three_rows(), dry_run=True)
    assert summary.dry_run
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    assert row_counts() == before


def test_it_reports_updates_in_a_dry_run_without_making_them(world):
    run(three_rows())
    summary = run(three_rows(description="Mô tả đã sửa"), dry_run=True)
    assert (summary.updated, summary.unchanged) == (1, 2)
    assert not Finding.objects.filter(description="Mô tả đã sửa").exists()


def test_it_writes_no_row_when_one_row_is_bad(world):
    errors = refused(book(row("KT-01"), row("KT-02"), row("KT-03", due="31/11/2019")))
    assert [e.row for e in errors] == [4]


def test_it_rolls_back_everything_when_a_write_fails(world, monkeypatch):
    write = FindingImporter.write

    def write_then_fail(self, planned):
        write(self, planned)
        assert Finding.objects.count() == 3
        raise IntegrityError("giả lập lỗi khi ghi")

    monkeypatch.setattr(FindingImporter, "write", write_then_fail)
    before = row_counts()
    with pytest.raises(IntegrityError):
        run(three_rows())
    assert row_counts() == before
