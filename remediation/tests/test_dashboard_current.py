"""A snapshot brought up to date with the tasks written since it
(``dashboard.current``): today's view and an earlier day's are the very page
a live view renders, whatever was written."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyKind, ReformArea, User
from agencies.tests.factories import AgencyFactory
from reform_tracker.celery import app as celery_app
from remediation import selectors_dashboard
from remediation.dashboard import as_of, current, figures, oldest, snapshot, writes
from remediation.models import DashboardSnapshot, Finding, RemediationTask, TaskStatus
from remediation.selectors import agency_scope_tasks
from remediation.tasks import refresh_dashboard_snapshot
from remediation.tests.factories import (
    FindingFactory,
    InspectionFactory,
    RemediationTaskFactory,
)
from remediation.tests.test_dashboard_as_of import (  # noqa: F401 - its fixture
    EARLIER,
    EARLIER_YEARS,
    HANOI,
    LATER,
    URL,
    world,
)
from remediation.tests.test_dashboard_snapshot import body, snapshot_and_live

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("world"),
]

CURRENT = "cộng mọi thay đổi sau đó"
VIEWS = [
    {},
    {"cap": AgencyKind.DEPARTMENT},
    {"cap": AgencyKind.COMMUNE_PC},
    {"tu_ngay": "01/01/2019", "den_ngay": "31/12/2019"},
]


def a_commune_that_leads_nothing() -> Agency:
    """Before the snapshot: an agency written after it shows the snapshot
    as computed."""
    district = Agency.objects.filter(kind=AgencyKind.DISTRICT_PC).first()
    return AgencyFactory(
        code="XA-MOI", name="UBND xã Mới Lập", kind=AgencyKind.COMMUNE_PC, parent=district
    )


def write_every_kind_of_change():
    """After the snapshot: what officers, leaders, Home Affairs and an
    import write."""
    # Each agency's oldest overdue task completed: its oldest date must be
    # read again.
    for agency in Agency.objects.filter(led_tasks__status=TaskStatus.OPEN).distinct()[:6]:
        oldest = (
            RemediationTask.objects.filter(lead_agency=agency, status=TaskStatus.OPEN)
            .order_by("effective_due_date")
            .first()
        )
        oldest.status, oldest.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
        oldest.save()
    # An extension granted, a task handed to another agency (of another level).
    extended = RemediationTask.objects.filter(status=TaskStatus.OPEN).last()
    extended.extended_due_date = datetime.date(2020, 3, 1)
    extended.save()
    moved = RemediationTask.objects.filter(lead_agency__kind=AgencyKind.DEPARTMENT).last()
    moved.lead_agency = Agency.objects.filter(kind=AgencyKind.COMMUNE_PC).first()
    moved.save()
    # An import: a new inspection, an agency that led nothing, a new area.
    area = ReformArea.objects.create(code="LV9", name="Lĩnh vực mới", order=99)
    newcomer = Agency.objects.get(code="XA-MOI")
    inspection = InspectionFactory(
        name="Kiểm tra đột xuất 2019", leading_agency=Agency.objects.get(code="SNV")
    )
    for due in (datetime.date(2019, 6, 1), datetime.date(2019, 12, 3)):
        RemediationTaskFactory(
            finding=FindingFactory(inspection=inspection, agency=newcomer, reform_area=area),
            lead_agency=newcomer,
            due_date=due,
        )
    # A finding moved to another area: its tasks' copies follow (a trigger).
    finding = Finding.objects.exclude(reform_area=area).first()
    finding.reform_area = area
    finding.criterion = None
    finding.save()
    # A task deleted.
    RemediationTask.objects.filter(status=TaskStatus.COMPLETED).first().delete()
    return newcomer


# The oldest dates read again row by row, or grouped.
@pytest.mark.parametrize("first_each_up_to", [oldest.FIRST_EACH_UP_TO, 0])
def test_it_brings_today_and_earlier_days_up_to_date_as_live(
    client, settings, monkeypatch, first_each_up_to
):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    monkeypatch.setattr(oldest, "FIRST_EACH_UP_TO", first_each_up_to)
    a_commune_that_leads_nothing()
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    # An earlier day derived before the writes: kept, then brought up to date.
    assert "tính sẵn" in client.get(URL, {"ngay": "01/06/2019"}).text
    newcomer = write_every_kind_of_change()
    for view in VIEWS:
        for day in ["01/12/2019", *EARLIER, *LATER, *EARLIER_YEARS]:
            for sort in ("-qua_han", "ten"):
                params = {**view, "ngay": day, "sap_xep": sort}
                kept, live = snapshot_and_live(client, settings, params)
                assert CURRENT in kept.text, params
                assert body(kept) == body(live), params
    assert newcomer.name in client.get(URL, {"sap_xep": "-qua_han"}).text


def test_it_counts_writes_made_after_the_first_look(client, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for step in range(3):
        task = RemediationTask.objects.filter(status=TaskStatus.OPEN).order_by("pk")[step]
        task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 5, 1 + step)
        task.save()
        for day in ("01/12/2019", "20/05/2019"):
            kept, live = snapshot_and_live(client, settings, {"ngay": day})
            assert CURRENT in kept.text
            assert body(kept) == body(live), (step, day)


@pytest.fixture
def no_worker(monkeypatch):
    """No worker runs the refresh the page asks for (with Celery eager, as
    without Redis, it would run at once and replace the snapshot)."""
    monkeypatch.setattr(selectors_dashboard, "snapshot_refresh_soon", lambda: None)


@pytest.mark.usefixtures("no_worker")
def test_an_agency_written_shows_the_snapshot_as_computed(client):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    Agency.objects.filter(code="STNMT").update(name="Sở TN&MT")
    today = client.get(URL).text
    assert "tính sẵn lúc 09:00, cập nhật định kỳ" in today
    assert "tính sẵn" not in client.get(URL, {"ngay": "30/11/2019"}).text


def a_while_without_beat(time_machine):
    """Past two of beat's intervals: the worker or beat has stopped."""
    time_machine.shift(
        datetime.timedelta(minutes=2 * django_settings.DASHBOARD_SNAPSHOT_MINUTES + 1)
    )


@pytest.mark.parametrize("params", [{}, {"ngay": "30/11/2019"}])
def test_a_stale_snapshot_serves_with_every_change_since_counted_and_asks_for_a_new_one(
    client, settings, time_machine, monkeypatch, params
):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    a_commune_that_leads_nothing()
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    write_every_kind_of_change()
    a_while_without_beat(time_machine)
    asked = []
    monkeypatch.setattr(selectors_dashboard, "snapshot_refresh_soon", lambda: asked.append(True))
    kept, live = snapshot_and_live(client, settings, params)
    assert CURRENT in kept.text
    assert body(kept) == body(live)
    assert asked  # a new snapshot asked for


@pytest.mark.parametrize("day", ["02/12/2019", "30/11/2019", "09/12/2019"])
def test_yesterdays_snapshot_serves_after_midnight_with_every_change_since_counted(
    client, settings, time_machine, monkeypatch, day
):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    a_commune_that_leads_nothing()
    refresh_dashboard_snapshot()  # 01/12/2019 09:00
    client.force_login(User.objects.get(username="sonoivu"))
    write_every_kind_of_change()
    time_machine.move_to(datetime.datetime(2019, 12, 2, 0, 5, tzinfo=HANOI))
    asked = []
    monkeypatch.setattr(selectors_dashboard, "snapshot_refresh_soon", lambda: asked.append(True))
    for params in ({"ngay": day}, {"ngay": day, "cap": AgencyKind.COMMUNE_PC}):
        kept, live = snapshot_and_live(client, settings, params)
        assert "tính sẵn lúc 09:00 01/12/2019, cộng mọi thay đổi sau đó" in kept.text, params
        assert body(kept) == body(live), params
    assert asked  # the new day's snapshot


@pytest.mark.usefixtures("no_worker")
def test_a_stale_snapshot_with_changes_it_cannot_count_is_not_served(client, time_machine):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    Agency.objects.filter(code="STNMT").update(name="Sở TN&MT")
    assert "tính sẵn lúc 09:00, cập nhật định kỳ" in client.get(URL).text  # fresh: as computed
    a_while_without_beat(time_machine)
    assert "tính sẵn" not in client.get(URL).text  # stale: live


def test_it_brings_a_monitoring_departments_views_up_to_date_as_live(client, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sotuphap"))  # monitors LV2
    monitor = Agency.objects.get(code="STP")
    tasks = RemediationTask.objects.order_by("pk")
    # Into its scope and out of it: monitored, led; then a task of its own
    # completed and another's extended.
    tasks.filter(pk=tasks.exclude(monitoring_agency=monitor)[0].pk).update(
        monitoring_agency=monitor
    )
    tasks.filter(pk=tasks.filter(monitoring_agency=monitor)[0].pk).update(monitoring_agency=None)
    tasks.filter(pk=tasks.exclude(lead_agency=monitor)[1].pk).update(lead_agency=monitor)
    mine = tasks.filter(monitoring_agency=monitor, status=TaskStatus.OPEN)
    mine.filter(pk=mine[0].pk).update(
        status=TaskStatus.COMPLETED, completed_on=datetime.date(2019, 11, 29)
    )
    mine.filter(pk=mine[1].pk).update(extended_due_date=datetime.date(2020, 2, 1))
    for day in ["01/12/2019", *EARLIER, *LATER]:
        kept, live = snapshot_and_live(client, settings, {"ngay": day})
        assert "Số liệu của cơ quan" in kept.text and CURRENT in kept.text, day
        assert body(kept) == body(live), day


@pytest.mark.usefixtures("no_worker")
def test_a_supporting_agency_written_shows_a_monitors_snapshot_as_computed(client):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sotuphap"))
    task = RemediationTask.objects.filter(status=TaskStatus.OPEN).first()
    task.supporting_agencies.add(Agency.objects.get(code="STP"))
    assert "cập nhật định kỳ" in client.get(URL).text
    assert "tính sẵn" not in client.get(URL, {"ngay": "30/11/2019"}).text
    # The province's scope does not read them.
    client.force_login(User.objects.get(username="sonoivu"))
    task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
    task.save()
    assert CURRENT in client.get(URL, {"ngay": "30/11/2019"}).text


@pytest.mark.usefixtures("no_worker")
def test_too_many_changes_show_the_snapshot_as_computed(client, monkeypatch):
    monkeypatch.setattr(current, "CHANGES_UP_TO", 1)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    RemediationTask.objects.filter(status=TaskStatus.OPEN).update(
        extended_due_date=datetime.date(2020, 6, 30)
    )
    assert "cập nhật định kỳ" in client.get(URL).text
    assert "tính sẵn" not in client.get(URL, {"ngay": "30/11/2019"}).text


def test_changes_it_cannot_count_have_celery_make_a_new_snapshot_at_once(
    client, settings, monkeypatch, time_machine
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setattr(current, "CHANGES_UP_TO", 1)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    RemediationTask.objects.filter(status=TaskStatus.OPEN).update(
        extended_due_date=datetime.date(2020, 6, 30)
    )
    assert "cập nhật định kỳ" in client.get(URL).text  # queued, run when it commits
    assert changes_kept() != []  # kept for ``WRITES_KEPT`` (``in_memory``)
    time_machine.shift(snapshot.WRITES_KEPT * 2)
    refresh_dashboard_snapshot()
    assert changes_kept() == []  # the snapshot before this one saw every write
    kept, live = snapshot_and_live(client, settings, {})
    assert body(kept) == body(live)


def changes_kept() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT task_id, is_new, open_until FROM {writes.CHANGES} ORDER BY seq")
        return cursor.fetchall()


def test_it_records_a_tasks_counted_columns_before_and_after(time_machine):
    refresh_dashboard_snapshot()
    assert changes_kept() == []
    task = RemediationTask.objects.filter(status=TaskStatus.OPEN).first()
    task.title = "Nhiệm vụ đổi tên"
    task.save()
    assert changes_kept() == []  # nothing counted changed
    task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
    task.save()
    pk = task.pk
    task.delete()
    never = datetime.date(9999, 12, 31)
    done = datetime.date(2019, 11, 30)
    assert changes_kept() == [
        (pk, False, never),
        (pk, True, done),
        (pk, False, done),
    ]
    seen = DashboardSnapshot.objects.values_list("seen", flat=True).first()
    before, now = writes.unseen(seen, up_to=10).changes[pk]
    assert (before.open_until, now) == (never, None)
    assert writes.unseen(seen, up_to=2) is None  # three versions
    refresh_dashboard_snapshot()
    assert len(changes_kept()) == 3  # kept for ``WRITES_KEPT`` (``in_memory``)
    time_machine.shift(snapshot.WRITES_KEPT * 2)
    refresh_dashboard_snapshot()  # forgets what the one an hour ago saw
    assert changes_kept() == []


def heap_fetches() -> int:
    """What an index-only scan of the tasks' due dates read in the table:
    the entries on pages not marked all-visible."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT effective_due_date"
            f" FROM {RemediationTask._meta.db_table} WHERE effective_due_date > '1900-01-01'"
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    assert plan["Node Type"] == "Index Only Scan"
    return plan["Heap Fetches"]


def test_each_refresh_leaves_the_tasks_pages_readable_from_the_indexes_alone():
    refresh_dashboard_snapshot()
    RemediationTask.objects.filter(status=TaskStatus.OPEN).update(title="Nhiệm vụ sửa lại")
    assert heap_fetches() > 0
    refresh_dashboard_snapshot()
    assert heap_fetches() == 0


def test_it_reads_oldest_dates_row_by_row_only_in_a_part_holding_most_tasks():
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {RemediationTask._meta.db_table}")
    _scope, parts = agency_scope_tasks(agency_id=User.objects.get(username="sotuphap").agency_id)
    assert oldest._wide([RemediationTask.objects.all()]) == [True]
    assert oldest._wide(parts) == [False] * len(parts)


def test_it_cuts_a_long_breakdown_after_counting_the_changes(client, settings, monkeypatch):
    monkeypatch.setattr(figures, "BREAKDOWN_ROWS", 1)
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    # Another inspection, whose tasks were completed: not the most pressing.
    agency = Agency.objects.get(code="STNMT")
    other = InspectionFactory(leading_agency=Agency.objects.get(code="SNV"))
    done = datetime.date(2018, 6, 1)
    for _ in range(80):
        RemediationTaskFactory(
            finding=FindingFactory(
                inspection=other, agency=agency, reform_area=ReformArea.objects.first()
            ),
            due_date=datetime.date(2018, 12, 1),
            status=TaskStatus.COMPLETED,
            completed_on=done,
        )
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    day = {"ngay": "20/05/2019"}
    assert int(re.search(r"dot=(\d+)", body(client.get(URL, day))).group(1)) != other.pk
    # Its tasks reopened, overdue since 01/12/2018: it comes first.
    RemediationTask.objects.filter(finding__inspection=other).update(
        status=TaskStatus.OPEN, completed_on=None
    )
    kept, live = snapshot_and_live(client, settings, day)
    assert CURRENT in kept.text
    assert body(kept) == body(live)
    assert int(re.search(r"dot=(\d+)", body(kept)).group(1)) == other.pk


def test_its_query_count_does_not_grow_with_the_changes(client, settings, monkeypatch):
    monkeypatch.setattr(as_of, "CHANGED_UP_TO", 1.0)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    days = ("01/12/2019", "20/05/2019")
    for day in days:  # the earlier day derived once, before the changes
        client.get(URL, {"ngay": day})
    counts = []
    for completed in (1, 30, 60):
        # Agencies' oldest tasks among them: their oldest dates read again.
        for task in RemediationTask.objects.filter(status=TaskStatus.OPEN).order_by(
            "effective_due_date"
        )[:completed]:
            task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
            task.save()
        with CaptureQueriesContext(connection) as captured:
            for day in days:
                assert CURRENT in client.get(URL, {"ngay": day}).text
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2]
