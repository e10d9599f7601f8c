"""Re-importing a findings file respects history and staff edits.

The rule: a finding is history and keeps the agency inspected, which must
have existed in the inspection's year. A task is current work: while open,
an agency that no longer exists stands for its successor; a re-import never
moves a transferred task back, nor a completed task forward. A title staff
edited stays.
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from agencies.models import AgencySuccession, ReformArea
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import row_counts, xlsx
from remediation.importers import FindingImporter
from remediation.models import RemediationTask, TaskStatus
from remediation.services import tasks_transfer_to_successor

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
INSPECTION_2019 = "Kiểm tra công tác CCHC năm 2019"
INSPECTION_2026 = "Kiểm tra công tác CCHC năm 2026"
AREA = "Hiện đại hóa hành chính"  # LV7, monitored by Information and Communications
DUE = datetime.date(2019, 11, 30)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 15, 9, tzinfo=HANOI), tick=False)


@pytest.fixture
def world():
    old = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    new = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    ReformArea.objects.filter(code="LV7").update(monitoring_agency=old)
    return SimpleNamespace(
        old=old,
        new=new,
        environment=AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường"),
        merger=AgencySuccession.objects.create(
            predecessor=old,
            successor=new,
            effective_date=datetime.date(2025, 3, 1),
            legal_basis="Nghị quyết sắp xếp tổ chức bộ máy",
        ),
    )


def row(code, *, agency="STNMT", monitor="STTTT", inspection=INSPECTION_2019, due=DUE, action=""):
    action = action or f"Khắc phục tồn tại {code}"
    return [code, inspection, agency, AREA, f"Tồn tại {code}", action, due, monitor, ""]


def the_file(**changes):
    """One finding monitored by name, one of the merged department itself
    (monitored through its area)."""
    return [row("KT2019-01", **changes), row("KT2019-02", agency="STTTT", monitor="", **changes)]


def run(rows):
    return import_run(
        kind="findings", data=xlsx([list(FindingImporter.headers()), *rows]), dry_run=False
    )


def task(code):
    return RemediationTask.objects.select_related("finding").get(finding__code=code)


def only_error(rows):
    before = row_counts()
    summary = run(rows)
    assert len(summary.errors) == 1, [str(e) for e in summary.errors]
    assert row_counts() == before
    return summary.errors[0]


@pytest.fixture
def transferred(world):
    assert run(the_file()).created == 2
    assert tasks_transfer_to_successor(succession=world.merger) == 2
    return world


# After a succession ------------------------------------------------------------


def test_it_reports_the_same_file_unchanged_after_a_transfer(transferred):
    summary = run(the_file())

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert task("KT2019-01").monitoring_agency == transferred.new


def test_it_keeps_a_transferred_task_with_the_successor_when_its_row_changes(transferred):
    summary = run(the_file(due=datetime.date(2019, 12, 31)))

    assert summary.updated == 2
    first, second = task("KT2019-01"), task("KT2019-02")
    assert first.due_date == datetime.date(2019, 12, 31)
    assert (first.lead_agency, first.monitoring_agency) == (
        transferred.environment,
        transferred.new,
    )
    assert (second.lead_agency, second.monitoring_agency) == (transferred.new, transferred.new)
    assert second.finding.agency == transferred.old  # history keeps the inspected agency


def test_it_leaves_a_completed_task_with_the_abolished_agency(world):
    run(the_file())
    RemediationTask.objects.filter(finding__code="KT2019-02").update(
        status=TaskStatus.COMPLETED, completed_on=datetime.date(2019, 11, 25)
    )
    tasks_transfer_to_successor(succession=world.merger)

    assert run(the_file()).unchanged == 2
    run(the_file(due=datetime.date(2019, 12, 31)))

    completed = task("KT2019-02")
    assert completed.due_date == datetime.date(2019, 12, 31)
    assert (completed.lead_agency, completed.monitoring_agency) == (world.old, world.old)


def test_it_gives_a_new_task_of_an_abolished_agency_to_its_successor(transferred):
    summary = run([row("KT2019-03", agency="STTTT")])

    assert summary.errors == []
    created = task("KT2019-03")
    assert created.finding.agency == transferred.old  # inspected in 2019, when it existed
    assert (created.lead_agency, created.monitoring_agency) == (transferred.new, transferred.new)


# New findings naming agencies that no longer exist -------------------------------


def test_it_refuses_a_new_finding_of_an_agency_gone_before_the_inspection(transferred):
    error = only_error([row("KT2026-01", agency="STTTT", inspection=INSPECTION_2026)])

    assert (error.row, error.column) == (2, "Cơ quan được kiểm tra")
    assert error.message == (
        "cơ quan “STTTT (Sở Thông tin và Truyền thông)” chỉ hoạt động đến ngày 28/02/2025, "
        "trước năm 2026 của đợt kiểm tra; cơ quan kế thừa: SKHCN (Sở Khoa học và Công nghệ). "
        "Hãy ghi mã cơ quan kế thừa."
    )


def test_it_refuses_a_monitor_gone_without_a_successor(world):
    AgencyFactory(code="BQLDA", name="Ban quản lý dự án", valid_to=datetime.date(2024, 12, 31))

    error = only_error([row("KT2019-01", monitor="BQLDA")])

    assert (error.row, error.column) == (2, "Cơ quan theo dõi")
    assert "BQLDA (Ban quản lý dự án)" in error.message
    assert "không còn hoạt động (đến ngày 31/12/2024) và không có cơ quan kế thừa" in error.message


def test_it_names_the_area_when_its_monitor_is_gone(world):
    gone = AgencyFactory(
        code="BQLDA", name="Ban quản lý dự án", valid_to=datetime.date(2024, 12, 31)
    )
    ReformArea.objects.filter(code="LV7").update(monitoring_agency=gone)

    error = only_error([row("KT2019-01", monitor="")])

    assert (error.row, error.column) == (2, "Lĩnh vực CCHC")
    assert "BQLDA" in error.message
    assert "“Cơ quan theo dõi”" in error.message


def test_it_asks_which_successor_when_an_agency_was_split(world):
    district = AgencyFactory(
        code="NAHANG", name="UBND huyện Na Hang", valid_to=datetime.date(2025, 6, 30)
    )
    for code in ("XA-NAHANG", "XA-THUONGLAM"):
        AgencySuccession.objects.create(
            predecessor=district,
            successor=AgencyFactory(code=code, name=f"UBND xã {code}"),
            effective_date=datetime.date(2025, 7, 1),
        )

    error = only_error([row("KT2019-01", agency="NAHANG")])

    assert (error.row, error.column) == (2, "Cơ quan được kiểm tra")
    assert "XA-NAHANG" in error.message
    assert "XA-THUONGLAM" in error.message


# Staff edits ---------------------------------------------------------------------


@pytest.fixture
def retitled(world):
    run(the_file())
    RemediationTask.objects.filter(finding__code="KT2019-01").update(
        title="Tiêu đề do Sở Nội vụ sửa"
    )


def test_it_keeps_a_title_edited_by_staff_when_another_cell_changes(retitled):
    summary = run(the_file(due=datetime.date(2019, 12, 31)))

    assert summary.updated == 2
    assert task("KT2019-01").title == "Tiêu đề do Sở Nội vụ sửa"
    assert task("KT2019-01").due_date == datetime.date(2019, 12, 31)


def test_it_keeps_a_title_edited_by_staff_when_the_required_action_changes(retitled):
    run(the_file(action="Yêu cầu khắc phục đã sửa"))

    assert task("KT2019-01").title == "Tiêu đề do Sở Nội vụ sửa"
    assert task("KT2019-01").finding.required_action == "Yêu cầu khắc phục đã sửa"


def test_it_retitles_a_task_whose_title_still_follows_its_finding(retitled):
    run(the_file(action="Yêu cầu khắc phục đã sửa"))

    assert task("KT2019-02").title == "Yêu cầu khắc phục đã sửa"
