"""The province's views no snapshot keeps, counted over the tasks' columns in
memory (``dashboard.in_memory``): the very page the database's aggregate
renders, whatever was written, and read again when it cannot be brought up
to date."""

import datetime

import numpy as np
import pytest

from agencies.models import Agency, AgencyKind, ReformArea, User
from agencies.tests.factories import CriterionFactory
from remediation.dashboard import in_memory, snapshot, task_columns, writes
from remediation.models import Finding, RemediationTask, TaskStatus
from remediation.tasks import refresh_dashboard_snapshot
from remediation.tests.factories import FindingFactory, RemediationTaskFactory
from remediation.tests.test_dashboard_as_of import (  # noqa: F401 - its fixture
    EARLIER,
    EARLIER_YEARS,
    URL,
    world,
)
from remediation.tests.test_dashboard_snapshot import body, snapshot_and_live

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("world"),
]


@pytest.fixture(autouse=True)
def criteria(world):  # noqa: F811 - the fixture imported
    """Some findings of each area under one of two criteria of it."""
    for area in ReformArea.objects.filter(findings__isnull=False).distinct():
        found = [CriterionFactory(area=area), CriterionFactory(area=area)]
        for i, finding in enumerate(area.findings.order_by("pk")[:6]):
            finding.criterion = found[i % 2]
            finding.save()


@pytest.fixture(autouse=True)
def counted(monkeypatch):
    """How many times the columns were read, and counted."""
    calls = {"read": 0, "grouped": 0}
    read, grouped = in_memory._read, in_memory.TaskColumns.grouped

    def reading():
        calls["read"] += 1
        return read()

    def grouping(self, *args):
        calls["grouped"] += 1
        return grouped(self, *args)

    in_memory.forget()
    monkeypatch.setattr(in_memory, "_read", reading)
    monkeypatch.setattr(in_memory.TaskColumns, "grouped", grouping)
    yield calls
    in_memory.forget()


def views() -> list[dict]:
    """Filters no snapshot keeps: each of the finding's keys, a level with
    one of them, periods of several years."""
    finding = Finding.objects.exclude(criterion=None).first()
    document = Finding.objects.exclude(source_directive=None).first().source_directive_id
    return [
        {"dot": finding.inspection_id},
        {"linh_vuc": finding.reform_area_id},
        {"linh_vuc": finding.reform_area_id, "tieu_chi": finding.criterion_id},
        {"van_ban": document},
        {"van_ban": document, "cap": AgencyKind.COMMUNE_PC},
        {"tu_ngay": "01/01/2018", "den_ngay": "31/12/2020"},
        {"tu_ngay": "15/03/2019", "cap": AgencyKind.DEPARTMENT},
        {"den_ngay": "30/06/2019", "dot": finding.inspection_id},
    ]


def assert_as_live(client, settings, params_list, days):
    for view in params_list:
        for day in days:
            for sort in ("-qua_han", "ten", "-ty_le"):
                params = {**view, "ngay": day, "sap_xep": sort}
                in_memory_page, live = snapshot_and_live(client, settings, params)
                assert body(in_memory_page) == body(live), params


# The (area, criterion) pairs by a table of every pair, or as they occur;
# ids coded through a table indexed by id, or sorted (sparse ids).
@pytest.mark.parametrize(
    ("pairs_by_table", "dense_up_to"),
    [(task_columns.PAIRS_BY_TABLE, task_columns.DENSE_UP_TO), (0, 0)],
)
def test_a_view_no_snapshot_keeps_is_counted_in_memory_as_live(
    client, settings, counted, monkeypatch, pairs_by_table, dense_up_to
):
    monkeypatch.setattr(task_columns, "PAIRS_BY_TABLE", pairs_by_table)
    monkeypatch.setattr(task_columns, "DENSE_UP_TO", dense_up_to)
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    assert_as_live(client, settings, views(), ["01/12/2019", *EARLIER[:3], *EARLIER_YEARS[:2]])
    # Each view and day counted once: its three sorts order the same figures.
    assert counted == {"read": 1, "grouped": len(views()) * 6}


def test_the_columns_are_brought_up_to_date_with_the_tasks_written(client, settings, counted):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    client.get(URL, {"dot": Finding.objects.first().inspection_id})
    # What officers, leaders, Home Affairs and an import write to the tasks.
    for task in RemediationTask.objects.filter(status=TaskStatus.OPEN).order_by("pk")[:4]:
        task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
        task.save()
    extended = RemediationTask.objects.filter(status=TaskStatus.OPEN).last()
    extended.extended_due_date = datetime.date(2020, 3, 1)
    extended.save()
    moved = RemediationTask.objects.filter(lead_agency__kind=AgencyKind.DEPARTMENT).last()
    moved.lead_agency = Agency.objects.filter(kind=AgencyKind.COMMUNE_PC).first()
    moved.save()
    like = Finding.objects.first()
    for due in (datetime.date(2019, 6, 1), datetime.date(2019, 12, 3)):
        RemediationTaskFactory(
            finding=FindingFactory(
                inspection=like.inspection, agency=like.agency, reform_area=like.reform_area
            ),
            lead_agency=like.agency,
            due_date=due,
        )
    # A finding moved to a new area: its tasks' copies follow (a trigger).
    finding = Finding.objects.exclude(pk=like.pk).first()
    finding.reform_area = ReformArea.objects.create(code="LV9", name="Lĩnh vực mới", order=99)
    finding.criterion = None
    finding.save()
    RemediationTask.objects.filter(status=TaskStatus.COMPLETED).first().delete()

    new_area = [{"linh_vuc": finding.reform_area_id}, {"tu_ngay": "01/01/2018"}]
    assert_as_live(client, settings, views() + new_area, ["01/12/2019", "01/06/2019"])
    assert counted["read"] == 1  # applied, not read again


def test_with_the_columns_read_an_earlier_day_is_counted_not_derived(client, settings, counted):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    days = ["01/06/2019", *EARLIER_YEARS[1:3]]  # none kept (31/12 is its snapshot)
    assert "tính sẵn" in client.get(URL, {"ngay": days[0]}).text  # derived: no columns yet
    assert counted == {"read": 0, "grouped": 0}
    client.get(URL, {"tu_ngay": "01/01/2018"})
    complete(RemediationTask.objects.filter(status=TaskStatus.OPEN).first())
    assert_as_live(client, settings, [{}, {"cap": AgencyKind.COMMUNE_PC}], days)
    assert counted == {"read": 1, "grouped": 1 + 2 * len(days)}


def test_columns_older_than_the_writes_kept_are_read_again(client, settings, counted, time_machine):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    params = {"tu_ngay": "01/01/2018"}
    client.get(URL, params)
    tasks = RemediationTask.objects.filter(status=TaskStatus.OPEN).order_by("pk")
    complete(tasks[0])
    refresh_dashboard_snapshot()
    refresh_dashboard_snapshot()
    client.get(URL, params)  # the writes since the columns are kept for ``WRITES_KEPT``
    assert counted["read"] == 1
    complete(tasks[0])
    time_machine.shift(snapshot.WRITES_KEPT * 2)
    refresh_dashboard_snapshot()  # forgets what the refresh before the columns saw
    client.get(URL, params)
    assert counted["read"] == 1
    complete(tasks[0])
    time_machine.shift(snapshot.WRITES_KEPT * 2)
    refresh_dashboard_snapshot()
    refresh_dashboard_snapshot()  # forgets the writes the columns did not see
    assert_as_live(client, settings, [params], ["01/12/2019"])
    assert counted["read"] == 2


def complete(task: RemediationTask) -> None:
    task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
    task.save()


def test_an_agency_written_has_the_columns_read_again(client, settings, counted):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    params = {"tu_ngay": "01/01/2018"}
    client.get(URL, params)
    agency = Agency.objects.filter(led_tasks__isnull=False).first()
    agency.name = "Sở Đổi Tên"
    agency.save()
    assert_as_live(client, settings, [params], ["01/12/2019"])
    assert counted["read"] == 2
    assert "Sở Đổi Tên" in client.get(URL, {**params, "sap_xep": "ten"}).text


def test_without_snapshots_the_database_counts(client, settings, counted):
    client.force_login(User.objects.get(username="sonoivu"))
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 0
    client.get(URL, {"tu_ngay": "01/01/2018"})
    refresh_dashboard_snapshot()  # none kept: the province has too few tasks
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 5
    client.get(URL, {"tu_ngay": "01/01/2018"})  # no snapshot yet
    assert counted == {"read": 0, "grouped": 0}


@pytest.mark.parametrize(
    ("seen", "forgotten", "applied"),
    [
        ("100:105:101", "90:100:", True),  # 101 ran after the forgotten snapshot
        ("100:105:", "100:106:", False),  # 105 forgotten, never applied
        ("100:110:102", "95:105:", False),  # 102 forgotten, running when read
        ("100:110:102", "95:105:102", True),  # left open through both
        ("8538:8600:8538", "8538:8594:8538", True),
    ],
)
def test_it_knows_whether_the_writes_forgotten_were_applied(seen, forgotten, applied):
    assert in_memory._sees_every_write_of(seen, forgotten) is applied


def test_tasks_inserted_with_ids_below_others_keep_the_columns_in_id_order():
    names = ("id", "lead_agency_id", "finding_area_id", "finding_criterion_id")
    names += ("finding_inspection_id", "directive_id", "finding_source_directive_id")
    rows = np.array(
        [(1, 7, 0, 0, 0, 0, 0, 100, 200), (5, 8, 0, 0, 0, 0, 0, 300, 400)],
        dtype=[
            *((name, "i8") for name in names),
            ("effective_due_date", "i4"),
            ("open_until", "i4"),
        ],
    )
    agencies = [
        (7, "A", "department", None, None, "a", None),
        (8, "B", "department", None, None, "b", None),
    ]
    columns = task_columns.TaskColumns("1:1:", rows, agencies)
    day = datetime.date(1970, 1, 1)
    inserted = writes.Version(3, 8, None, None, None, None, None, None, day, day)
    columns.apply({3: (None, inserted)}, "2:2:")
    assert columns.ids.tolist() == [1, 3, 5]
    assert columns.column["agency"].tolist() == [0, 1, 1]
    assert columns.column["due"].tolist() == [100, 0, 300]
