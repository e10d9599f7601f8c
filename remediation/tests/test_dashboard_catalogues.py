"""The dashboard with national catalogues: thousands of inspections and
directing documents must not make a page of thousands of rows or options."""

import collections
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies.models import Role
from agencies.tests.factories import UserFactory
from directives.tests.factories import DirectiveFactory
from remediation import widgets
from remediation.dashboard import figures, halves, snapshot
from remediation.dashboard.rows import Counts
from remediation.dashboard.snapshot import dashboard_snapshot_refresh
from remediation.tests.factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

URL = "/tong-hop/"
AS_OF = "01/12/2019"  # a task due 30/11/2019 and not completed is overdue
LATER = datetime.date(2020, 6, 30)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def tasks_of(*, overdue: int, within: int = 0, **finding) -> None:
    for _ in range(overdue):
        RemediationTaskFactory(finding=FindingFactory(**finding))
    for _ in range(within):
        RemediationTaskFactory(finding=FindingFactory(**finding), due_date=LATER)


def section(response, title_id: str) -> str:
    text = response.content.decode()
    start = text.index(f'id="{title_id}"')
    return text[start : text.index("</section>", start)]


def test_it_lists_the_inspections_with_the_most_overdue_tasks_when_there_are_too_many(
    client, monkeypatch
):
    monkeypatch.setattr(figures, "BREAKDOWN_ROWS", 2)
    quiet, some, most = (InspectionFactory(name=name) for name in ("A yên", "B vài", "C nhiều"))
    tasks_of(inspection=quiet, overdue=0, within=5)
    tasks_of(inspection=some, overdue=1)
    tasks_of(inspection=most, overdue=3)
    client.force_login(UserFactory(role=Role.COORDINATOR))

    shown = section(client.get(URL, {"ngay": AS_OF}), "inspections-title")

    names = re.findall(r'<th scope="row">([^<]+)</th>', shown)
    assert names == ["C nhiều", "B vài"]
    assert "2 / 3 dòng" in shown


def test_it_breaks_a_tie_at_the_cut_by_name_on_the_live_page_and_the_snapshot(
    client, monkeypatch, settings
):
    monkeypatch.setattr(figures, "BREAKDOWN_ROWS", 2)
    for name in ("C", "A", "B", "D"):
        tasks_of(inspection=InspectionFactory(name=name), overdue=1)
    tasks_of(inspection=InspectionFactory(name="E"), overdue=0, within=1)
    client.force_login(UserFactory(role=Role.COORDINATOR))
    # Only the rows tied at the cut are named on the live page.
    counts = {pk: row for pk, row in enumerate([Counts(overdue=1)] * 4 + [Counts(total=1)])}
    assert set(figures.most_pressing(counts)) == {0, 1, 2, 3}

    live = section(client.get(URL, {"ngay": AS_OF}), "inspections-title")
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 1
    monkeypatch.setattr(snapshot, "_decoded", collections.OrderedDict())
    with time_machine.travel(datetime.datetime(2019, 12, 1, 8, tzinfo=HANOI)):
        dashboard_snapshot_refresh()
        response = client.get(URL)
        assert "tính sẵn lúc" in response.content.decode()  # read from the snapshot
        from_snapshot = section(response, "inspections-title")

    assert re.findall(r'<th scope="row">([^<]+)</th>', live) == ["A", "B"]
    assert "2 / 5 dòng" in live
    assert re.findall(r'<th scope="row">([^<]+)</th>', from_snapshot) == ["A", "B"]


def test_it_lists_a_short_breakdown_whole_by_name(client, monkeypatch):
    monkeypatch.setattr(figures, "BREAKDOWN_ROWS", 3)
    for name, overdue in (("B", 2), ("A", 0), ("C", 1)):
        tasks_of(inspection=InspectionFactory(name=name), overdue=overdue, within=1)
    client.force_login(UserFactory(role=Role.COORDINATOR))

    shown = section(client.get(URL, {"ngay": AS_OF}), "inspections-title")

    assert re.findall(r'<th scope="row">([^<]+)</th>', shown) == ["A", "B", "C"]
    assert "dòng:" not in shown


@pytest.mark.parametrize("named_by_id", [1000, 1])  # names read by id, or the whole table
def test_it_makes_a_long_list_a_plain_input_and_still_names_its_rows(
    client, monkeypatch, named_by_id
):
    monkeypatch.setattr(widgets, "MAX_SELECT_OPTIONS", 1)
    monkeypatch.setattr(figures, "NAMED_BY_ID", named_by_id)
    notices = [DirectiveFactory(), DirectiveFactory()]
    inspections = [InspectionFactory(name="Đợt một"), InspectionFactory(name="Đợt hai")]
    for notice, inspection in zip(notices, inspections, strict=True):
        tasks_of(inspection=inspection, source_directive=notice, overdue=1)
    client.force_login(UserFactory(role=Role.COORDINATOR))

    response = client.get(URL, {"ngay": AS_OF, "dot": inspections[1].pk})

    text = response.content.decode()
    assert '<select name="dot"' not in text and '<select name="van_ban"' not in text
    assert re.search(rf'<input[^>]*name="dot"[^>]*value="{inspections[1].pk}"', text)
    assert "Đợt hai" in section(response, "inspections-title")
    assert "Đợt một" not in section(response, "inspections-title")  # the filter applies
    assert notices[1].symbol in section(response, "directives-title")


def test_its_query_count_does_not_grow_with_the_catalogues(
    client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(widgets, "MAX_SELECT_OPTIONS", 2)
    client.force_login(UserFactory(role=Role.COORDINATOR))

    def queries():
        halves._statistics.clear()
        with django_assert_max_num_queries(30) as captured:
            assert client.get(URL, {"ngay": AS_OF}).status_code == 200
        return len(captured)

    def catalogue(n):
        for _ in range(n):
            tasks_of(inspection=InspectionFactory(), source_directive=DirectiveFactory(), overdue=1)

    catalogue(3)  # past the cap: names read for the rows
    few = queries()
    catalogue(9)
    assert queries() == few
