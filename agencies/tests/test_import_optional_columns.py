"""An agencies file without the optional `Cơ quan cấp trên` column leaves
stored parents alone."""

import pytest

from agencies.models import Agency, AgencyKind
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import xlsx

pytestmark = pytest.mark.django_db

WITHOUT_PARENT = ["Mã cơ quan", "Tên cơ quan", "Loại"]


@pytest.fixture
def district():
    province = AgencyFactory(code="UBNDT", name="UBND tỉnh", kind=AgencyKind.PROVINCIAL_PC)
    return AgencyFactory(
        code="CHIEMHOA", name="UBND huyện Chiêm Hóa", kind=AgencyKind.DISTRICT_PC, parent=province
    )


def run(*rows):
    return import_run(kind="agencies", data=xlsx([WITHOUT_PARENT, *rows]), dry_run=False)


def test_it_reports_stored_rows_unchanged_without_the_parent_column(district):
    summary = run(
        ["UBNDT", "UBND tỉnh", "UBND tỉnh"], ["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện"]
    )

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert Agency.objects.get(code="CHIEMHOA").parent.code == "UBNDT"


def test_it_keeps_the_parent_of_an_updated_row_without_the_parent_column(district):
    summary = run(["CHIEMHOA", "UBND huyện Chiêm Hoá (mới)", "UBND huyện"])

    district.refresh_from_db()
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    assert district.name == "UBND huyện Chiêm Hoá (mới)"
    assert district.parent.code == "UBNDT"


def test_it_creates_a_row_without_a_parent_without_the_parent_column(district):
    summary = run(["SNV", "Sở Nội vụ", "Sở, ban, ngành"])

    assert summary.created == 1
    assert Agency.objects.get(code="SNV").parent is None


def test_it_clears_a_parent_left_blank_when_the_column_is_there(district):
    headers = [*WITHOUT_PARENT, "Cơ quan cấp trên"]
    data = xlsx([headers, ["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện", ""]])

    summary = import_run(kind="agencies", data=data, dry_run=False)

    district.refresh_from_db()
    assert summary.updated == 1
    assert district.parent is None
