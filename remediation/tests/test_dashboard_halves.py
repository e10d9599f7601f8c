"""The one scan's aggregate split in two halves of the agencies (halves)."""

import datetime

import pytest
from django.db import connection

from remediation.dashboard import halves
from remediation.models import RemediationTask, TaskStatus
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2019, 1, 1)
DAYS = [START + datetime.timedelta(days=n) for n in range(100)]


def planner(monkeypatch, *, tasks=1_000_000, agencies=None):
    """Statistics of ``tasks`` spread evenly over 100 days, and over agencies
    1 to 100 (or ``agencies``' shares)."""
    agencies = agencies or [(pk, 0.01) for pk in range(1, 101)]
    shares = {halves.DUE: [(day, 0.01) for day in DAYS], halves.AGENCY: agencies}
    monkeypatch.setattr(halves, "column_statistics", lambda column: (shares[column], tasks))


def where(**lookups):
    return RemediationTask.objects.filter(**lookups).query.where


def test_it_splits_the_whole_province_where_half_its_tasks_lie(monkeypatch):
    planner(monkeypatch)
    assert halves.agency_split(where()) == 51  # 1 to 50 below


def test_it_weighs_an_agency_that_leads_many_tasks(monkeypatch):
    # The province's People's Committee leads half the tasks.
    planner(monkeypatch, agencies=[(1, 0.5), *((pk, 0.5 / 99) for pk in range(2, 101))])
    assert halves.agency_split(where()) == 2


def test_it_splits_a_period_that_holds_enough_tasks(monkeypatch):
    planner(monkeypatch)
    period = where(effective_due_date__gte=DAYS[40], effective_due_date__lte=DAYS[99])
    assert halves.agency_split(period) == 51


def test_it_leaves_a_period_of_few_tasks_whole(monkeypatch):
    planner(monkeypatch)
    # 30 of 100 days: 300,000 tasks.
    period = where(effective_due_date__gte=DAYS[0], effective_due_date__lte=DAYS[29])
    assert halves.agency_split(period) is None


def test_it_leaves_a_table_without_statistics_whole(monkeypatch):
    monkeypatch.setattr(halves, "column_statistics", lambda column: ([], 0.0))
    assert halves.agency_split(where()) is None


@pytest.mark.postgres
@pytest.mark.parametrize("params", [{}, {"ngay": "15/01/2019"}, {"tu_ngay": "10/01/2019"}])
def test_its_halves_give_the_figures_of_the_separate_queries(monkeypatch, params):
    from remediation.dashboard.figures import figures_compute
    from remediation.dashboard.forms import DashboardFilterForm
    from remediation.dashboard.months import month_window

    for n in range(60):
        due = START + datetime.timedelta(days=n % 30)
        RemediationTaskFactory(
            due_date=due,
            status=TaskStatus.COMPLETED if n % 3 == 0 else TaskStatus.OPEN,
            completed_on=due + datetime.timedelta(days=n % 5 - 2) if n % 3 == 0 else None,
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RemediationTask._meta.db_table}")
    monkeypatch.setattr(halves, "_statistics", {})  # read the new statistics
    monkeypatch.setattr(halves, "SPLIT_FROM_TASKS", 0)
    form = DashboardFilterForm({"ngay": "20/01/2019", **params})
    tasks = form.apply(RemediationTask.objects.all())
    assert halves.agency_split(tasks.query.where) is not None
    months = month_window(form.as_of(), *form.period())
    one_scan = figures_compute(tasks, as_of=form.as_of(), months=months)
    assert one_scan == figures_compute(tasks, as_of=form.as_of(), months=months, separate=True)
    assert one_scan.total.overdue and one_scan.total.completed_on_time
