"""A choice list read only while it is short enough to be a select."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remediation import widgets
from remediation.models import Inspection
from remediation.tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cap_of_two(monkeypatch):
    monkeypatch.setattr(widgets, "MAX_SELECT_OPTIONS", 2)


def names():
    return Inspection.objects.order_by("name").values_list("name", flat=True)


def test_it_reads_a_list_up_to_the_cap_in_its_order():
    InspectionFactory(name="Đợt B")
    InspectionFactory(name="Đợt A")
    assert widgets.capped(names()) == ["Đợt A", "Đợt B"]


def test_a_list_past_the_cap_is_none_in_one_query():
    for name in ("Đợt A", "Đợt B", "Đợt C"):
        InspectionFactory(name=name)
    with CaptureQueriesContext(connection) as captured:
        assert widgets.capped(names()) is None
    assert len(captured) == 1


def test_the_cap_counts_only_the_rows_asked_for():
    for name in ("Đợt A", "Đợt B", "Đợt C"):
        InspectionFactory(name=name)
    assert widgets.capped(names().exclude(name="Đợt C")) == ["Đợt A", "Đợt B"]


def test_an_empty_list_is_none():
    assert widgets.capped(names()) is None
