"""A view at an earlier as-of date derived from today's snapshot
(``dashboard.as_of``): the very page a live view renders (with what was
written since: ``test_dashboard_current``)."""

import datetime
import gc
import random
import re
import weakref
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection

from agencies.models import Agency, AgencyKind, User
from remediation.dashboard import as_of, figures, snapshot, trend_days, writes
from remediation.dashboard.shifts import shifts_read
from remediation.deadlines import NEVER
from remediation.demo import load_demo_scenario
from remediation.models import DashboardSnapshot, Finding, RemediationTask, TaskStatus
from remediation.tasks import refresh_dashboard_snapshot
from remediation.tests.factories import FindingFactory, RemediationTaskFactory
from remediation.tests.test_dashboard_snapshot import body, snapshot_and_live

# Committed, as in production: the refresh's REPEATABLE READ transaction and
# the writes it must not miss are transactions of their own.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/tong-hop/"
TODAY = datetime.date(2019, 12, 1)
# Kept days (the first of a month), and days derived from the next kept day.
EARLIER = ["01/01/2019", "01/06/2019", "20/05/2019", "31/10/2019", "27/11/2019", "30/11/2019"]
# Later days, before the demo's first completion dated after today (10/12).
LATER = ["02/12/2019", "04/12/2019", "09/12/2019"]
# Days of an earlier year: from that year's end (``snapshot.kept_days``).
EARLIER_YEARS = ["31/12/2018", "20/12/2018", "15/06/2018", "01/01/2018"]


@pytest.fixture
def world(settings, time_machine):
    snapshot._decoded.clear()
    cache.delete(snapshot.REFRESH_SOON_KEY)
    time_machine.move_to(datetime.datetime(2019, 12, 1, 9, 0, tzinfo=HANOI))
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 5
    load_demo_scenario()
    # Tasks due and completed on every side of the dates compared, some
    # extended: every change of class between two days.
    rng = random.Random(5)
    findings = list(Finding.objects.all())
    agencies = list(Agency.objects.exclude(kind=AgencyKind.PROVINCIAL_PC))
    for _ in range(120):
        due = datetime.date(2018, 12, 1) + datetime.timedelta(days=rng.randrange(420))
        extended = due + datetime.timedelta(days=20) if rng.random() < 0.2 else None
        done = (extended or due) + datetime.timedelta(days=rng.randrange(-40, 40))
        completed = done <= TODAY and rng.random() < 0.6
        like, lead = rng.choice(findings), rng.choice(agencies)
        RemediationTaskFactory(
            finding=FindingFactory(
                inspection=like.inspection,
                agency=lead,
                reform_area=like.reform_area,
                criterion=like.criterion,
                source_directive=like.source_directive,
            ),
            directive=like.source_directive if rng.random() < 0.5 else None,
            lead_agency=lead,
            due_date=due,
            extended_due_date=extended,
            status=TaskStatus.COMPLETED if completed else TaskStatus.OPEN,
            completed_on=done if completed else None,
        )
    yield
    snapshot._decoded.clear()


@pytest.mark.parametrize(
    ("username", "view"),
    [
        ("sonoivu", {}),
        ("sonoivu", {"cap": AgencyKind.DEPARTMENT}),
        ("sonoivu", {"tu_ngay": "01/01/2019", "den_ngay": "31/12/2019"}),
        ("sotuphap", {}),  # monitors LV2
    ],
)
def test_it_derives_another_day_from_the_snapshot_as_live(
    client, world, settings, monkeypatch, username, view
):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username=username))
    for day in [*EARLIER, *LATER]:
        # The second sort reads the figures derived for the first again.
        for sort in ("-qua_han", "ty_le"):
            derived, live = snapshot_and_live(
                client, settings, {**view, "ngay": day, "sap_xep": sort}
            )
            assert "tính sẵn" in derived.text, day
            assert body(derived) == body(live), (day, sort)


@pytest.mark.parametrize("level", ["", AgencyKind.COMMUNE_PC])
def test_a_day_is_derived_from_the_first_day_kept_on_or_after_it_as_live(
    client, world, settings, monkeypatch, level
):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for day in [*EARLIER, *EARLIER_YEARS]:
        for sort in ("-qua_han", "ty_le"):
            params = {"cap": level, "ngay": day, "sap_xep": sort}
            derived, live = snapshot_and_live(client, settings, params)
            assert "tính sẵn" in derived.text, day
            assert body(derived) == body(live), (day, sort)
    derived_from = {
        view[-1]: {day for day, _months in figures.memo.get("derived", {})}
        for view, (_key, figures) in snapshot._decoded.items()
        if view[1] == level
    }
    day = datetime.date
    assert derived_from == {
        None: {day(2019, 10, 31), day(2019, 11, 27), day(2019, 11, 30)},  # today's
        day(2019, 6, 30): {day(2019, 5, 20), day(2019, 6, 1)},
        day(2019, 3, 31): {day(2019, 1, 1)},
        day(2018, 12, 31): {day(2018, 12, 20), day(2018, 6, 15), day(2018, 1, 1)},
    }


def test_a_day_before_the_days_kept_yet_is_derived_from_today(client, world, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    # As the refresh of an earlier version left them: no other day kept.
    DashboardSnapshot.objects.exclude(as_of=TODAY).delete()
    client.force_login(User.objects.get(username="sonoivu"))
    derived, live = snapshot_and_live(client, settings, {"ngay": "15/06/2018"})
    assert "tính sẵn" in derived.text
    assert body(derived) == body(live)
    assert [key[-1] for key in snapshot._decoded] == [None]


def test_another_days_trend_is_summed_from_the_days_kept(client, world, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()

    def read(*args):
        raise AssertionError("the trend read again from the tasks")

    monkeypatch.setattr(as_of, "days_read", read)
    client.force_login(User.objects.get(username="sonoivu"))
    for view in (
        {},
        {"cap": AgencyKind.COMMUNE_PC},
        {"tu_ngay": "01/01/2018", "den_ngay": "31/12/2018"},
    ):
        for day in ("01/01/2019", "31/10/2019", "09/12/2019"):
            derived, live = snapshot_and_live(client, settings, {**view, "ngay": day})
            assert "tính sẵn" in derived.text, (view, day)
            assert body(derived) == body(live), (view, day)


def test_a_trend_before_the_days_kept_is_read_from_the_tasks(client, world, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    monkeypatch.setattr(trend_days, "KEPT_MONTHS", 3)  # from 01/09/2019
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for day in ("01/06/2019", "30/11/2019"):
        derived, live = snapshot_and_live(client, settings, {"ngay": day})
        assert "tính sẵn" in derived.text, day
        assert body(derived) == body(live), day


def test_it_shows_the_most_pressing_rows_of_a_long_breakdown_as_live(
    client, world, settings, monkeypatch
):
    monkeypatch.setattr(figures, "BREAKDOWN_ROWS", 1)
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for day in ("20/05/2019", "30/11/2019"):
        derived, live = snapshot_and_live(client, settings, {"ngay": day})
        assert "tính sẵn" in derived.text, day
        assert re.search(r"1 / \d+ dòng", derived.text), day
        assert body(derived) == body(live), day


def test_too_many_changing_tasks_is_live(client, world, monkeypatch):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 0.0)
    assert "tính sẵn" not in client.get(URL, {"ngay": "30/11/2019"}).text
    assert "tính sẵn" not in client.get(URL, {"ngay": "31/12/2019"}).text


@pytest.mark.parametrize("written", [False, True])
def test_a_later_day_is_live_where_the_snapshot_saw_a_completion_dated_later(
    client, world, settings, monkeypatch, written
):
    # An overdue task completed on a date after today (entered by hand): at
    # a later day it is no longer overdue, and the snapshot's oldest overdue
    # date may be its due date.
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    tasks = RemediationTask.objects.all()
    tasks.filter(open_until__gt=TODAY, open_until__lt=NEVER).update(completed_on=TODAY)
    oldest = tasks.filter(open_until__gt=TODAY, effective_due_date__lt=TODAY)
    oldest = oldest.order_by("effective_due_date").values_list("pk", flat=True)[:1]

    def completed_later() -> None:
        tasks.filter(pk__in=list(oldest)).update(
            status=TaskStatus.COMPLETED, completed_on=datetime.date(2019, 12, 20)
        )

    if not written:  # as the snapshot saw it: a later day is live
        completed_later()
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for day in ("31/12/2019", "15/03/2020"):  # past the trend's kept days
        derived, live = snapshot_and_live(client, settings, {"ngay": day})
        assert ("tính sẵn" in derived.text) is written, day
        assert body(derived) == body(live), day
    if written:  # after the snapshot: counted in its version now
        completed_later()
        for day in ("31/12/2019", "15/01/2020"):  # derived before, and anew
            derived, live = snapshot_and_live(client, settings, {"ngay": day})
            assert "tính sẵn" in derived.text, day
            assert body(derived) == body(live), day


def writes_kept() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {writes.WRITES}")
        return cursor.fetchone()[0]


def test_the_refresh_forgets_the_writes_it_saw(world):
    assert writes_kept() > 0  # the demo's
    refresh_dashboard_snapshot()
    assert writes_kept() == 0
    Agency.objects.filter(code="STNMT").update(name="Sở Tài nguyên và Môi trường tỉnh")
    assert writes_kept() == 1


def test_a_province_without_snapshots_remembers_no_writes(world, settings):
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 0
    refresh_dashboard_snapshot()
    assert writes_kept() == 0


def test_no_changing_task_shifts_nothing(world):
    shifts = shifts_read([RemediationTask.objects.filter(pk=-1)], TODAY, TODAY)
    assert shifts.total == [0, 0, 0, 0, 0, None]
    assert not shifts.agencies and not shifts.directives


def test_a_refreshed_snapshot_is_freed_without_the_cyclic_collector(client, world):
    """A national snapshot decoded is 100,000 objects. Kept after its view
    was refreshed, and in cycles (the figures derived from it name it as
    their basis), they waited for the cyclic collector, which then took half
    a second of some later page."""
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for params in ({}, {"sap_xep": "-ty_le"}, {"ngay": "01/06/2019"}, {"ngay": "09/12/2019"}):
        assert "tính sẵn" in client.get(URL, params).text, params
    decoded = weakref.ref(snapshot.snapshot_figures(TODAY))
    assert decoded().memo["derived"]  # the days derived from it
    gc.collect()  # the test client's responses: cycles holding the pages' contexts
    gc.disable()
    try:
        refresh_dashboard_snapshot()
        client.get(URL)
        assert decoded() is None
    finally:
        gc.enable()
