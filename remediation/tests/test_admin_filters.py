"""The admin's list filters stay small with national catalogues."""

import datetime

import pytest
from django.urls import reverse

from agencies.tests.factories import AgencyFactory, ReformAreaFactory
from remediation import widgets

from .factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

TASKS = reverse("admin:remediation_remediationtask_changelist")
FINDINGS = reverse("admin:remediation_finding_changelist")


def sidebar(response) -> str:
    return response.content.decode().split('id="changelist-filter"')[1]


def test_it_lists_a_capped_number_of_inspections_and_the_one_chosen(admin_client, monkeypatch):
    monkeypatch.setattr(widgets, "MAX_SELECT_OPTIONS", 2)
    # Listed newest first (the inspections' order): 2021, 2020, then 2019.
    old, *recent = (InspectionFactory(name=f"Đợt {year}", year=year) for year in (2019, 2020, 2021))
    for inspection in (old, *recent):
        FindingFactory(inspection=inspection)

    listed = sidebar(admin_client.get(FINDINGS))
    assert "Đợt 2021" in listed and "Đợt 2020" in listed
    assert "Đợt 2019" not in listed

    chosen = sidebar(admin_client.get(FINDINGS, {"inspection__id__exact": old.pk}))
    assert "Đợt 2019" in chosen


def test_it_offers_the_agencies_that_monitor_an_area_as_monitors(admin_client):
    monitor = AgencyFactory(name="Sở Nội vụ thử")
    ReformAreaFactory(monitoring_agency=monitor)
    RemediationTaskFactory(monitoring_agency=monitor)
    bystander = AgencyFactory(name="UBND xã không theo dõi")
    RemediationTaskFactory(lead_agency=bystander)

    listed = sidebar(admin_client.get(TASKS))

    assert f"monitoring_agency__id__exact={monitor.pk}" in listed
    assert f"monitoring_agency__id__exact={bystander.pk}" not in listed


def test_it_filters_tasks_by_the_year_of_their_due_date(admin_client):
    RemediationTaskFactory(title="Hạn năm 2019")
    RemediationTaskFactory(title="Hạn năm 2021", due_date=datetime.date(2021, 3, 31))

    listed = sidebar(admin_client.get(TASKS))
    assert all(f"?nam_han={year}" in listed for year in (2019, 2020, 2021))

    listed = admin_client.get(TASKS, {"nam_han": "2021"}).content.decode()
    assert "Hạn năm 2021" in listed
    assert "Hạn năm 2019" not in listed
