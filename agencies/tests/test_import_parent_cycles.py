"""A parent chain in the agencies file must end: a loop (A under B, B under
A), however long and whether or not it runs through stored parents, is a row
error naming its rows and codes, and nothing is written."""

import pytest

from agencies.models import Agency, AgencyKind
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import row_counts, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên"]
PROVINCE = ["UBNDT", "UBND tỉnh Tuyên Quang", "UBND tỉnh", ""]


def agency(code, parent):
    return [code, f"Cơ quan {code}", "Sở, ban, ngành", parent]


def run(*rows, headers=HEADERS):
    return import_run(kind="agencies", data=xlsx([headers, *rows]), dry_run=False)


def only_error(*rows, **kwargs):
    before = row_counts()
    summary = run(*rows, **kwargs)
    assert len(summary.errors) == 1, [str(e) for e in summary.errors]
    assert (summary.created, summary.updated) == (0, 0)
    assert row_counts() == before
    return summary.errors[0]


def test_it_refuses_two_agencies_under_each_other():
    error = only_error(PROVINCE, agency("SA", "SB"), agency("SB", "SA"))

    assert (error.row, error.column) == (3, "Cơ quan cấp trên")
    assert error.message == (
        "cơ quan cấp trên tạo thành vòng lặp: SA (dòng 3) → SB (dòng 4) → SA; hãy sửa cấp trên."
    )


def test_it_refuses_a_longer_loop_and_names_every_row():
    error = only_error(agency("SC", "SA"), PROVINCE, agency("SA", "SB"), agency("SB", "SC"))

    assert (error.row, error.column) == (2, "Cơ quan cấp trên")
    assert "SC (dòng 2) → SA (dòng 4) → SB (dòng 5) → SC" in error.message


def test_it_refuses_a_loop_through_a_stored_parent():
    stored_a = AgencyFactory(code="SA", kind=AgencyKind.DEPARTMENT)
    AgencyFactory(code="SB", kind=AgencyKind.DEPARTMENT, parent=stored_a)

    error = only_error(agency("SA", "SB"))

    assert (error.row, error.column) == (2, "Cơ quan cấp trên")
    assert "SA (dòng 2) → SB (cấp trên đã lưu) → SA" in error.message
    assert Agency.objects.get(code="SA").parent is None


def test_it_reports_a_loop_once_when_rows_hang_below_it():
    error = only_error(agency("SA", "SB"), agency("SB", "SA"), agency("SC", "SA"))

    assert error.row == 2


def test_it_accepts_a_file_that_moves_a_stored_parent_out_of_the_way():
    stored_a = AgencyFactory(code="SA", kind=AgencyKind.DEPARTMENT)
    AgencyFactory(code="SB", kind=AgencyKind.DEPARTMENT, parent=stored_a)

    summary = run(agency("SB", ""), agency("SA", "SB"))

    assert summary.errors == []
    assert Agency.objects.get(code="SA").parent.code == "SB"
    assert Agency.objects.get(code="SB").parent is None
