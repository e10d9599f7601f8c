import unicodedata

import pytest

from agencies.models import Agency, AgencyKind
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import row_counts, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên"]
PROVINCE = ["UBNDT", "UBND tỉnh Tuyên Quang", "UBND tỉnh", ""]
HOME_AFFAIRS = ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "UBNDT"]
DISTRICT = ["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện", "UBNDT"]
COMMUNE = ["CH-YN", "UBND xã Yên Nguyên", "UBND xã", "CHIEMHOA"]


def run(*rows, headers=HEADERS, title_rows=(), dry_run=False):
    data = xlsx([headers, *rows], title_rows=title_rows)
    return import_run(kind="agencies", data=data, dry_run=dry_run)


def refused(*rows, **kwargs):
    before = row_counts()
    summary = run(*rows, **kwargs)
    assert summary.errors
    assert row_counts() == before
    return summary.errors


def only_error(*rows, **kwargs):
    errors = refused(*rows, **kwargs)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_it_creates_agencies_with_their_parents():
    summary = run(COMMUNE, DISTRICT, PROVINCE, HOME_AFFAIRS)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    commune = Agency.objects.get(code="CH-YN")
    assert commune.name == "UBND xã Yên Nguyên"
    assert commune.kind == AgencyKind.COMMUNE_PC
    assert commune.parent.code == "CHIEMHOA"
    assert commune.parent.parent.code == "UBNDT"
    assert Agency.objects.get(code="UBNDT").parent is None


def test_it_takes_a_parent_already_stored():
    province = AgencyFactory(code="UBNDT", kind=AgencyKind.PROVINCIAL_PC)
    run(HOME_AFFAIRS)
    assert Agency.objects.get(code="SNV").parent == province


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("UBND tỉnh", AgencyKind.PROVINCIAL_PC),
        ("Sở, ban, ngành", AgencyKind.DEPARTMENT),
        ("UBND huyện", AgencyKind.DISTRICT_PC),
        ("UBND xã", AgencyKind.COMMUNE_PC),
        ("Đơn vị sự nghiệp", AgencyKind.PUBLIC_UNIT),
        ("  ubnd XÃ ", AgencyKind.COMMUNE_PC),
    ],
)
def test_it_reads_every_kind(label, kind):
    run(["X1", "Cơ quan thử", label, ""])
    assert Agency.objects.get(code="X1").kind == kind


def test_it_reads_nfd_headers_and_values():
    headers = [unicodedata.normalize("NFD", h).upper() for h in HEADERS]
    commune = [unicodedata.normalize("NFD", v) for v in ["CH-YN", "UBND xã Yên Nguyên", "UBND xã"]]
    summary = run([*commune, ""], headers=headers)
    assert summary.errors == []
    agency = Agency.objects.get()
    assert agency.name == "UBND xã Yên Nguyên"
    assert agency.kind == AgencyKind.COMMUNE_PC


def test_it_allows_two_agencies_with_the_same_name():
    run(DISTRICT, COMMUNE, ["HY-YN", "UBND xã Yên Nguyên", "UBND xã", ""], PROVINCE)
    assert Agency.objects.filter(name="UBND xã Yên Nguyên").count() == 2


def test_it_refuses_a_kind_outside_the_choices():
    error = only_error(["BNV", "Bộ Nội vụ", "Bộ", ""])
    assert (error.row, error.column) == (2, "Loại")
    assert "“Bộ”" in error.message
    for label in AgencyKind.labels:
        assert str(label) in error.message


def test_it_refuses_an_empty_kind():
    error = only_error(["BNV", "Bộ Nội vụ", "", ""])
    assert (error.row, error.column) == (2, "Loại")


def test_it_refuses_an_unknown_parent_code():
    error = only_error(PROVINCE, ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "UBNDHG"])
    assert (error.row, error.column) == (3, "Cơ quan cấp trên")
    assert "UBNDHG" in error.message


def test_it_refuses_an_agency_as_its_own_parent():
    error = only_error(["SNV", "Sở Nội vụ", "Sở, ban, ngành", "snv"])
    assert (error.row, error.column) == (2, "Cơ quan cấp trên")


def test_it_refuses_a_duplicate_code():
    error = only_error(PROVINCE, HOME_AFFAIRS, ["snv", "Sở Nội vụ (trùng)", "Sở, ban, ngành", ""])
    assert (error.row, error.column) == (4, "Mã cơ quan")
    assert "dòng 3" in error.message


@pytest.mark.parametrize(
    ("values", "column"),
    [(["S" * 51, "Sở Nội vụ"], "Mã cơ quan"), (["SNV", "Sở " * 86], "Tên cơ quan")],
    ids=["code", "name"],
)
def test_it_refuses_text_longer_than_its_column(values, column):
    error = only_error([*values, "Sở, ban, ngành", ""])
    assert (error.row, error.column) == (2, column)
    assert "vượt quá" in error.message


def test_it_refuses_a_missing_required_column():
    error = only_error(["SNV", "Sở Nội vụ"], headers=HEADERS[:2])
    assert "Loại" in error.message


def test_it_numbers_rows_below_a_title_block():
    error = only_error(
        PROVINCE, ["BNV", "Bộ Nội vụ", "Bộ", ""], title_rows=[["DANH SÁCH CƠ QUAN"], []]
    )
    assert (error.row, error.column) == (5, "Loại")


def test_it_changes_nothing_when_the_same_file_is_imported_again():
    run(PROVINCE, HOME_AFFAIRS, DISTRICT, COMMUNE)
    summary = run(PROVINCE, HOME_AFFAIRS, DISTRICT, COMMUNE)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4)
    assert Agency.objects.count() == 4


def test_it_updates_an_edited_row():
    run(PROVINCE, HOME_AFFAIRS, DISTRICT)
    renamed = ["SNV", "Sở Nội vụ tỉnh Tuyên Quang", "Sở, ban, ngành", "UBNDT"]
    summary = run(PROVINCE, renamed, ["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện", ""])
    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 1)
    assert Agency.objects.get(code="SNV").name == "Sở Nội vụ tỉnh Tuyên Quang"
    assert Agency.objects.get(code="CHIEMHOA").parent is None


def test_it_writes_nothing_in_a_dry_run():
    summary = run(PROVINCE, HOME_AFFAIRS, dry_run=True)
    assert summary.created == 2
    assert not Agency.objects.exists()
