"""A large view's aggregate split in two halves of the agencies (halves)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q

from agencies.models import AgencyKind
from agencies.tests.factories import AgencyFactory
from remediation.dashboard import halves
from remediation.models import RemediationTask, TaskStatus
from remediation.tests.factories import FindingFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2019, 1, 1)


def agencies(monkeypatch, shares):
    monkeypatch.setattr(halves, "column_statistics", lambda column: shares)


def test_it_splits_where_half_the_tasks_lie(monkeypatch):
    agencies(monkeypatch, [(pk, 0.01) for pk in range(1, 101)])
    assert halves.agency_split() == 51  # 1 to 50 below


def test_it_weighs_an_agency_that_leads_many_tasks(monkeypatch):
    # The province's People's Committee leads half the tasks.
    agencies(monkeypatch, [(1, 0.5), *((pk, 0.5 / 99) for pk in range(2, 101))])
    assert halves.agency_split() == 2


def test_it_does_not_split_a_table_without_statistics(monkeypatch):
    agencies(monkeypatch, [])
    assert halves.agency_split() is None


@pytest.mark.postgres
def test_it_splits_a_view_of_one_level_at_the_median_of_its_agencies(monkeypatch):
    province = range(10**6, 10**6 + 100)  # no agency of the test's
    agencies(monkeypatch, [(pk, 0.01) for pk in province])
    communes = [AgencyFactory(kind=AgencyKind.COMMUNE_PC) for _ in range(3)]
    AgencyFactory(kind=AgencyKind.DEPARTMENT)
    tasks = RemediationTask.objects.filter(lead_agency__kind=AgencyKind.COMMUNE_PC)
    assert halves.agency_split(tasks.filter(status=TaskStatus.OPEN)) == communes[1].pk


def test_it_splits_at_the_province_s_median_unless_the_lead_agency_is_only_and_filtered(
    monkeypatch,
):
    agencies(monkeypatch, [(pk, 0.01) for pk in range(1, 101)])
    commune = Q(lead_agency__kind=AgencyKind.COMMUNE_PC)
    assert halves.agency_split(RemediationTask.objects.filter(commune | Q(status="open"))) == 51
    assert halves.agency_split(RemediationTask.objects.exclude(commune)) == 51
    assert halves.agency_split(RemediationTask.objects.filter(monitoring_agency__kind="x")) == 51


def test_only_a_view_of_one_part_and_many_tasks_is_large(monkeypatch):
    monkeypatch.setattr(halves, "estimated_tasks", lambda tasks: 500_000.0)
    tasks = RemediationTask.objects.all()
    assert halves.is_large([tasks])
    assert not halves.is_large([tasks, tasks])  # a scope's parts
    monkeypatch.setattr(halves, "estimated_tasks", lambda tasks: 300_000.0)
    assert not halves.is_large([tasks])


@pytest.mark.postgres
def test_it_asks_the_planner_how_many_tasks_a_view_holds():
    RemediationTaskFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RemediationTask._meta.db_table}")
    assert halves.estimated_tasks(RemediationTask.objects.all()) == 3
    assert halves.estimated_tasks(RemediationTask.objects.none()) == 0


@pytest.mark.postgres
@pytest.mark.parametrize(
    "params",
    [{}, {"ngay": "15/01/2019"}, {"tu_ngay": "10/01/2019"}, {"cap": AgencyKind.COMMUNE_PC}],
)
def test_its_halves_give_the_figures_of_the_separate_queries(monkeypatch, params):
    from remediation.dashboard.figures import figures_compute
    from remediation.dashboard.forms import DashboardFilterForm
    from remediation.dashboard.months import month_window

    for n in range(60):
        due = START + datetime.timedelta(days=n % 30)
        kind = AgencyKind.COMMUNE_PC if n % 4 else AgencyKind.DEPARTMENT
        RemediationTaskFactory(
            finding=FindingFactory(agency=AgencyFactory(kind=kind)),
            due_date=due,
            status=TaskStatus.COMPLETED if n % 3 == 0 else TaskStatus.OPEN,
            completed_on=due + datetime.timedelta(days=n % 5 - 2) if n % 3 == 0 else None,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RemediationTask._meta.db_table}")
    monkeypatch.setattr(halves, "_statistics", {})  # read the new statistics
    monkeypatch.setattr(halves, "SPLIT_FROM_TASKS", 0)  # this small province in two halves
    form = DashboardFilterForm({"ngay": "20/01/2019", **params})
    tasks = form.apply(RemediationTask.objects.all())
    assert halves.is_large([tasks]) and halves.agency_split(tasks) is not None
    months = month_window(form.as_of(), *form.period())
    one_scan = figures_compute(tasks, as_of=form.as_of(), months=months)
    assert one_scan == figures_compute(tasks, as_of=form.as_of(), months=months, separate=True)
    assert one_scan.total.overdue and one_scan.total.completed_on_time
    assert any(month.falling_due for month in one_scan.trend)


@pytest.mark.postgres
def test_a_view_of_one_level_reads_its_agencies_ids_without_joining_them(monkeypatch):
    communes = [AgencyFactory(kind=AgencyKind.COMMUNE_PC) for _ in range(3)]
    AgencyFactory(kind=AgencyKind.DEPARTMENT)
    view = RemediationTask.objects.filter(lead_agency__kind=AgencyKind.COMMUNE_PC, status="open")
    split = halves.view_split(view)
    assert split.at == communes[1].pk
    assert split.agencies == ([communes[0].pk], [communes[1].pk, communes[2].pk])
    assert split.ids(1) == f"{{{communes[1].pk},{communes[2].pk}}}"
    sql = str(split.tasks.query)
    assert "agencies_agency" not in sql and '"status" = open' in sql
    assert "agencies_agency" in str(view.query)  # the view itself is left as it was


def test_a_view_whose_lead_agency_is_filtered_otherwise_keeps_its_join(monkeypatch):
    agencies(monkeypatch, [(pk, 0.01) for pk in range(1, 101)])
    view = RemediationTask.objects.exclude(lead_agency__kind=AgencyKind.COMMUNE_PC)
    split = halves.view_split(view)
    assert split.at == 51 and split.agencies is None and split.tasks is view
