"""The by-agency table's page and the ranking ordered in PostgreSQL
(``table_sql``) are exactly those of ``presentation`` in Python, for every
sort, both ways, every page."""

import datetime
import random

import pytest

from agencies.models import AgencyKind, vietnamese_sort_key
from agencies.tests.factories import AgencyFactory, ReformAreaFactory
from remediation.dashboard.figures import figures_compute
from remediation.dashboard.months import month_window
from remediation.dashboard.presentation import SORTS, TablePage, agency_table
from remediation.models import RemediationTask, TaskStatus
from remediation.tests.factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AS_OF = datetime.date(2019, 12, 1)
# Names that tie once case and Unicode form are ignored, and that only
# Vietnamese order sorts right (Đ after D, Ư after U).
NAMES = ["UBND xã Đồng", "UBND xã Dương", "ubnd XÃ ĐỒNG", "UBND xã Ứng", "UBND xã Uy", "Sở Y tế"]


@pytest.fixture
def province():
    """Departments, districts with communes (one district without a task of
    its own), communes without a district; counts and names that tie."""
    rng = random.Random(3)
    inspection = InspectionFactory()
    area = ReformAreaFactory()
    agencies = [AgencyFactory(name=rng.choice(NAMES)) for _ in range(14)]
    districts = [
        AgencyFactory(kind=AgencyKind.DISTRICT_PC, name=rng.choice(NAMES)) for _ in range(4)
    ]
    communes = [
        AgencyFactory(kind=AgencyKind.COMMUNE_PC, name=rng.choice(NAMES), parent=district)
        for district in districts
        for _ in range(3)
    ]
    agencies += districts[1:] + communes  # districts[0] leads nothing
    agencies += [AgencyFactory(kind=AgencyKind.COMMUNE_PC, name=name) for name in NAMES[:3]]
    for agency in agencies:
        for _ in range(rng.randint(1, 3)):
            done = rng.random() < 0.5
            RemediationTaskFactory(
                finding=FindingFactory(agency=agency, inspection=inspection, reform_area=area),
                due_date=datetime.date(2019, rng.randint(9, 12), rng.choice([1, 15])),
                status=TaskStatus.COMPLETED if done else TaskStatus.OPEN,
                completed_on=datetime.date(2019, 11, rng.randint(1, 30)) if done else None,
            )
    return agencies


def both(page: TablePage):
    tasks = RemediationTask.objects.all()
    months = month_window(AS_OF, None, None)
    live = figures_compute(tasks, as_of=AS_OF, months=months, page=page)
    every = figures_compute(tasks, as_of=AS_OF, months=months)
    return live.table, agency_table(every.agencies, page)


def ids(table):
    return (
        [(label, row.id, depth, row.counts) for label, row, depth in table.lines],
        table.count,
        table.first,
        [(n, row.id) for n, row in table.best],
        [(n, row.id) for n, row in table.worst],
    )


@pytest.mark.parametrize("sort", [*SORTS, *(f"-{key}" for key in SORTS)])
def test_it_orders_each_page_as_python_does(province, sort):
    for offset in (0, 10, 20, 30, 40):
        in_sql, in_python = both(TablePage(sort, offset, 10))
        assert ids(in_sql) == ids(in_python)
    assert in_sql.count == len(province) + 1  # and the district with no task of its own


def test_it_shows_the_last_page_for_a_page_past_the_end(province):
    in_sql, in_python = both(TablePage(None, 990, 10))
    assert in_sql.first == in_python.first == (in_sql.count - 1) // 10 * 10
    assert ids(in_sql) == ids(in_python)


def test_it_ranks_the_best_and_the_last_as_python_does(province):
    in_sql, in_python = both(TablePage(None, 0, 10))
    assert len(in_sql.best) == 10 and len(in_sql.worst) == 10
    assert in_sql.worst[-1][0] > 20  # numbered from the end of the whole ranking
    assert ids(in_sql)[3:] == ids(in_python)[3:]


def test_it_lists_a_short_ranking_once(province):
    RemediationTask.objects.exclude(lead_agency__in=province[:15]).delete()
    in_sql, in_python = both(TablePage(None, 0, 10))
    assert in_sql.worst == [] and 0 < len(in_sql.best) <= 15
    assert ids(in_sql)[3:] == ids(in_python)[3:]


def test_it_sorts_names_in_vietnamese_order(province):
    in_sql, _in_python = both(TablePage("ten", 0, 100))
    provincial = [row.name for label, row, depth in in_sql.lines if row.kind == "department"]
    assert provincial == sorted(provincial, key=vietnamese_sort_key)
    assert provincial.index("UBND xã Dương") < provincial.index("UBND xã Đồng")
    assert provincial.index("UBND xã Uy") < provincial.index("UBND xã Ứng")


@pytest.mark.parametrize("sort", ["ty_le", "-tong", "ten"])
def test_it_orders_a_page_of_the_halves_as_python_does(province, monkeypatch, sort):
    from django.db import connection

    from remediation.dashboard import halves

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RemediationTask._meta.db_table}")
    monkeypatch.setattr(halves, "_statistics", {})
    monkeypatch.setattr(halves, "SPLIT_FROM_TASKS", 0)  # this small province in two halves
    tasks = RemediationTask.objects.all()
    assert halves.is_large([tasks]) and halves.agency_split() is not None
    months = month_window(AS_OF, None, None)
    separate = figures_compute(tasks, as_of=AS_OF, months=months, separate=True)
    for offset in (0, 10, 20):
        page = TablePage(sort, offset, 10)
        in_sql = figures_compute(tasks, as_of=AS_OF, months=months, page=page).table
        assert ids(in_sql) == ids(agency_table(separate.agencies, page))
