"""An agencies file without an optional column (`Cơ quan cấp trên`, `Hộp thư
công vụ`) leaves what is stored there alone."""

import pytest

from agencies.models import Agency, AgencyKind
from agencies.resources import AgencyResource
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


WITH_MAILBOX = [*WITHOUT_PARENT, "Hộp thư công vụ"]


def test_it_imports_the_official_mailbox(district):
    data = xlsx([WITH_MAILBOX, ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "snv@tuyenquang.example.vn"]])

    summary = import_run(kind="agencies", data=data, dry_run=False)

    assert summary.created == 1
    assert Agency.objects.get(code="SNV").official_email == "snv@tuyenquang.example.vn"


def test_it_keeps_a_stored_mailbox_without_the_mailbox_column(district):
    Agency.objects.filter(pk=district.pk).update(official_email="chiemhoa@tuyenquang.example.vn")

    summary = run(["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện"])

    assert summary.unchanged == 1
    district.refresh_from_db()
    assert district.official_email == "chiemhoa@tuyenquang.example.vn"


def test_it_updates_a_changed_mailbox(district):
    data = xlsx(
        [WITH_MAILBOX, ["CHIEMHOA", "UBND huyện Chiêm Hóa", "UBND huyện", "vp@chiemhoa.vn"]]
    )

    summary = import_run(kind="agencies", data=data, dry_run=False)

    assert summary.updated == 1
    district.refresh_from_db()
    assert district.official_email == "vp@chiemhoa.vn"


def test_it_refuses_a_malformed_mailbox_and_writes_nothing(district):
    data = xlsx([WITH_MAILBOX, ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "snv@"]])

    summary = import_run(kind="agencies", data=data, dry_run=False)

    [error] = summary.errors
    assert (error.row, error.column) == (2, "Hộp thư công vụ")
    assert "“snv@” không phải là địa chỉ thư điện tử hợp lệ" in error.message
    assert not Agency.objects.filter(code="SNV").exists()


def test_it_exports_the_mailbox_under_its_import_header(district):
    Agency.objects.filter(pk=district.pk).update(official_email="chiemhoa@tuyenquang.example.vn")

    dataset = AgencyResource().export(Agency.objects.order_by("code"))

    assert dataset.headers == ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên",
                               "Hộp thư công vụ"]  # fmt: skip
    assert dataset.dict[0]["Hộp thư công vụ"] == "chiemhoa@tuyenquang.example.vn"
    assert dataset.dict[1]["Hộp thư công vụ"] == ""
