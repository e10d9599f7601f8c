"""Findings files without the optional columns, blank monitors and bare
numbers in the date column."""

import datetime

import pytest

from agencies.models import ReformArea
from agencies.tests.factories import AgencyFactory
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import row_counts, xlsx
from remediation.importers import FindingImporter
from remediation.models import Finding, RemediationTask

pytestmark = pytest.mark.django_db

REQUIRED = list(FindingImporter.required)
ALL = list(FindingImporter.headers())
DUE = datetime.date(2019, 11, 30)


@pytest.fixture
def area_monitor():
    office = AgencyFactory(code="VPUBND", name="Văn phòng UBND tỉnh")
    ReformArea.objects.filter(code="LV3").update(monitoring_agency=office)
    AgencyFactory(code="STNMT")
    return office


@pytest.fixture
def stored(area_monitor):
    """A finding imported with its own monitor and directive."""
    AgencyFactory(code="SNV", name="Sở Nội vụ")
    DirectiveFactory(number=57)
    summary = run([ALL, row(monitor="SNV", directive="57/TB-UBND")])
    assert summary.errors == []
    return Finding.objects.get()


def row(*, due=DUE, action="Nâng cao tỷ lệ hồ sơ trực tuyến", monitor=None, directive=None):
    cells = [
        "KT2019-01",
        "Kiểm tra công tác CCHC năm 2019",
        "STNMT",
        "Cải cách thủ tục hành chính",
        "Tỷ lệ hồ sơ trực tuyến còn thấp",
        action,
        due,
    ]
    return cells if monitor is None else [*cells, monitor, directive]


def run(rows):
    return import_run(kind="findings", data=xlsx(rows), dry_run=False)


def test_it_reports_unchanged_without_the_monitor_and_directive_columns(stored):
    summary = run([REQUIRED, row()])

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)


def test_it_keeps_the_monitor_and_directive_of_an_updated_row(stored):
    summary = run([REQUIRED, row(due=datetime.date(2020, 3, 31))])

    stored.refresh_from_db()
    task = RemediationTask.objects.get()
    assert summary.updated == 1
    assert task.due_date == datetime.date(2020, 3, 31)
    assert task.monitoring_agency.code == "SNV"
    assert task.directive.symbol == "57/TB-UBND"
    assert stored.source_directive.symbol == "57/TB-UBND"


def test_it_gives_a_new_row_with_a_blank_monitor_the_areas_monitor(area_monitor):
    summary = run([ALL, row(monitor="", directive="")])

    assert summary.created == 1
    assert RemediationTask.objects.get().monitoring_agency == area_monitor


def test_it_gives_a_new_row_without_the_monitor_column_the_areas_monitor(area_monitor):
    run([REQUIRED, row()])

    assert RemediationTask.objects.get().monitoring_agency == area_monitor


def test_it_refuses_a_bare_year_as_a_due_date(area_monitor):
    before = row_counts()

    summary = run([REQUIRED, row(due=2019)])

    [error] = summary.errors
    assert str(error) == "Dòng 2, cột “Hạn báo cáo”: “2019” không phải là ngày."
    assert row_counts() == before


def test_it_reads_a_date_serial_as_a_due_date(area_monitor):
    summary = run([REQUIRED, row(due=43799)])

    assert summary.errors == []
    assert RemediationTask.objects.get().due_date == DUE
