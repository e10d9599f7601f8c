"""Periodic report cycles: each period's report task per agency, created
ahead of its due date, once, then reminded like any task."""

import pytest
from django.core import mail

from agencies.tests.factories import AgencyFactory
from directives.tests.factories import DirectiveFactory
from remediation.models import (
    RemediationTask,
    ReportingCycleTask,
    ReportingFrequency,
    ReportingObligation,
    ReportPeriod,
    TaskStatus,
)
from remediation.services.report_cycles import cycle_of, report_cycles_create
from remediation.tasks import report_cycles_task
from remediation.tests.reminder_helpers import day, mails_to, make_scene, sweep

pytestmark = pytest.mark.django_db


def obligation(agencies, **kwargs):
    values = {
        "title": "Báo cáo kết quả thực hiện công tác CCHC",
        "directive": DirectiveFactory(),
        "frequency": ReportingFrequency.QUARTER,
        "starts_on": day("01/01/2019"),
    }
    made = ReportingObligation.objects.create(**{**values, **kwargs})
    made.agencies.set(agencies)
    return made


@pytest.mark.parametrize(
    ("period", "due", "data_from", "data_to"),
    [
        (ReportPeriod.Q1, "20/03/2019", "15/12/2018", "14/03/2019"),
        (ReportPeriod.H1, "20/06/2019", "15/12/2018", "14/06/2019"),
        (ReportPeriod.Q3, "20/09/2019", "15/06/2019", "14/09/2019"),
        (ReportPeriod.M9, "20/09/2019", "15/12/2018", "14/09/2019"),
        (ReportPeriod.YEAR, "20/12/2019", "15/12/2018", "14/12/2019"),
    ],
)
def test_it_dates_each_period_as_the_cchc_guidance_does(period, due, data_from, data_to):
    cycle = cycle_of(ReportingObligation(due_day=20, cutoff_day=14), period, 2019)

    assert (cycle.due, cycle.data_from, cycle.data_to) == (day(due), day(data_from), day(data_to))


def test_it_creates_each_agencys_report_task_ahead_of_time():
    agencies = [AgencyFactory(), AgencyFactory()]
    report = obligation(agencies)

    created = report_cycles_create(as_of=day("18/02/2019"))  # 30 days before 20/03

    assert created == 2
    tasks = RemediationTask.objects.order_by("lead_agency_id")
    assert [t.lead_agency for t in tasks] == agencies
    task = tasks[0]
    assert task.title == (
        "Báo cáo kết quả thực hiện công tác CCHC quý I năm 2019 "
        "(số liệu từ 15/12/2018 đến 14/03/2019)"
    )
    assert (task.due_date, task.directive, task.status) == (
        day("20/03/2019"),
        report.directive,
        TaskStatus.OPEN,
    )
    assert task.reporting_cycle.period == ReportPeriod.Q1


def test_it_creates_nothing_new_when_run_twice():
    obligation([AgencyFactory(), AgencyFactory()])
    report_cycles_create(as_of=day("01/03/2019"))

    again = report_cycles_create(as_of=day("01/03/2019"))
    later = report_cycles_create(as_of=day("15/03/2019"))

    assert (again, later) == (0, 0)
    assert RemediationTask.objects.count() == ReportingCycleTask.objects.count() == 2


def test_it_runs_from_the_beat_job_twice_without_duplicates():
    obligation([AgencyFactory()], frequency=ReportingFrequency.YEAR)

    assert report_cycles_task("2019-12-01") == 1
    assert report_cycles_task("2019-12-02") == 0
    assert RemediationTask.objects.get().title.startswith(
        "Báo cáo kết quả thực hiện công tác CCHC năm 2019 (số liệu từ 15/12/2018"
    )


def test_it_waits_for_the_lead_days_and_does_not_create_a_missed_period():
    obligation([AgencyFactory()], lead_days=10)

    assert report_cycles_create(as_of=day("09/03/2019")) == 0  # 11 days before
    assert report_cycles_create(as_of=day("21/03/2019")) == 0  # Q1 is past due
    assert report_cycles_create(as_of=day("10/06/2019")) == 1  # 6-month report


def test_it_follows_the_obligation_dates_frequency_and_agencies():
    abolished = AgencyFactory(valid_to=day("30/06/2019"))
    current = AgencyFactory()
    obligation([abolished, current], frequency=ReportingFrequency.HALF_YEAR,
               ends_on=day("30/06/2020"))  # fmt: skip
    obligation([current], is_active=False)

    report_cycles_create(as_of=day("01/06/2019"))
    report_cycles_create(as_of=day("01/12/2019"))
    report_cycles_create(as_of=day("01/12/2020"))

    assert sorted(ReportingCycleTask.objects.values_list("agency_id", "year", "period")) == [
        (abolished.pk, 2019, ReportPeriod.H1),
        (current.pk, 2019, ReportPeriod.H1),
        (current.pk, 2019, ReportPeriod.YEAR),
    ]


def test_it_names_a_cumulative_third_quarter_nine_months():
    obligation([AgencyFactory()], q3_cumulative=True)

    report_cycles_create(as_of=day("01/09/2019"))

    assert RemediationTask.objects.get().title == (
        "Báo cáo kết quả thực hiện công tác CCHC 9 tháng năm 2019 "
        "(số liệu từ 15/12/2018 đến 14/09/2019)"
    )


def test_it_reminds_report_tasks_like_any_task(monkeypatch, django_capture_on_commit_callbacks):
    scene = make_scene(monkeypatch)
    obligation([scene.lead])
    report_cycles_create(as_of=day("01/03/2019"))

    sweep(day("13/03/2019"), django_capture_on_commit_callbacks)  # 7 days before 20/03

    [digest] = mails_to(scene.officer.email)
    assert "quý I năm 2019" in digest.body
    assert "20/03/2019 (còn 7 ngày)" in digest.body
    assert len(mail.outbox) == 2  # the officer and the leader


def test_it_registers_the_obligation_in_the_admin(admin_client):
    report = obligation([AgencyFactory()])

    response = admin_client.get(f"/admin/remediation/reportingobligation/{report.pk}/change/")

    assert response.status_code == 200
    assert "Báo cáo kết quả thực hiện công tác CCHC" in response.content.decode()
