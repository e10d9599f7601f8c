"""The one scan's aggregate split in two halves of the due dates (halves)."""

import datetime

import pytest
from django.db import connection

from remediation.dashboard import halves
from remediation.models import RemediationTask, TaskStatus
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2019, 1, 1)
BOUNDS = [START + datetime.timedelta(days=n) for n in range(100)]


@pytest.fixture
def statistics(monkeypatch):
    """A million tasks, spread evenly over 100 days."""
    shares = [(day, 0.01) for day in BOUNDS]
    monkeypatch.setattr(halves, "_due_statistics", lambda: (shares, 1_000_000.0))


def where(**lookups):
    return RemediationTask.objects.filter(**lookups).query.where


def test_it_splits_the_whole_province_at_its_median_due_date(statistics):
    assert halves.due_split(where()) == BOUNDS[50]


def test_it_splits_a_period_at_the_median_within_it(statistics):
    period = where(effective_due_date__gte=BOUNDS[60], effective_due_date__lte=BOUNDS[99])
    assert halves.due_split(period) == BOUNDS[80]


def test_it_weighs_a_day_that_gathers_many_tasks(monkeypatch):
    # Half the tasks are due on one report date, the 30th of 100 days.
    shares = [(day, 0.5 / 99) for day in BOUNDS if day != BOUNDS[30]] + [(BOUNDS[30], 0.5)]
    monkeypatch.setattr(halves, "_due_statistics", lambda: (sorted(shares), 1_000_000.0))
    assert halves.due_split(where()) in (BOUNDS[30], BOUNDS[31])


def test_it_leaves_a_period_of_few_tasks_whole(statistics):
    # 10 of 100 days: 100,000 tasks.
    period = where(effective_due_date__gte=BOUNDS[0], effective_due_date__lte=BOUNDS[9])
    assert halves.due_split(period) is None


def test_it_leaves_a_table_without_statistics_whole(monkeypatch):
    monkeypatch.setattr(halves, "_due_statistics", lambda: ([], 0.0))
    assert halves.due_split(where()) is None


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
    monkeypatch.setattr(halves, "_statistics", None)  # read the new statistics
    monkeypatch.setattr(halves, "SPLIT_FROM_TASKS", 0)
    form = DashboardFilterForm({"ngay": "20/01/2019", **params})
    tasks = form.apply(RemediationTask.objects.all())
    assert halves.due_split(tasks.query.where) is not None
    months = month_window(form.as_of(), *form.period())
    one_scan = figures_compute(tasks, as_of=form.as_of(), months=months)
    assert one_scan == figures_compute(tasks, as_of=form.as_of(), months=months, separate=True)
    assert one_scan.total.overdue and one_scan.total.completed_on_time
