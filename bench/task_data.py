"""The task list benchmark's data: a national-scale agency tree and its tasks,
written with COPY (``reform_tracker.imports.bulk``) in chunks.

Each province has a People's Committee, 20 departments (the first six being
the monitoring ones: Nội vụ, Tư pháp, Tài chính, KH&CN, TT&TT, Văn phòng UBND),
11 districts and 160 communes under them: 192 agencies. 63 provinces give
12,096 agencies. Tasks are led evenly by every agency but the provinces'
People's Committees (~84 each at 1,000,000 tasks), monitored by their
province's department for the task's area, a quarter with a supporting
agency of their province (department, district or commune); due dates spread
from 30/11/2019 to six months ahead, and the older a task the likelier it is
completed (95% after a year, 60% within the year, 10% not yet due), the rest
spread over the open statuses; 5% with a granted extension, reports for the
tasks awaiting a decision or returned, and pending extension requests.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from agencies.models import Agency, AgencyKind, ReformArea, Role, User
from directives.models import Directive
from reform_tracker.imports.bulk import allocate_ids, insert_rows
from remediation.models import (
    ExtensionRequest,
    Finding,
    Inspection,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskStatus,
)

MARKER = "bench.coordinator"  # the user that says "this benchmark filled this database"
DEPARTMENTS, DISTRICTS, COMMUNES = 20, 11, 160
PER_PROVINCE = 1 + DEPARTMENTS + DISTRICTS + COMMUNES
MONITORS = ["Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Khoa học và Công nghệ",
            "Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh"]  # fmt: skip
# Reform area (LV1..LV8) -> index of its monitoring department.
AREA_MONITOR = [0, 1, 5, 0, 0, 2, 4, 0]
# Old tasks are mostly done: the chance a task is completed, by how long ago
# it was due; the others are spread over the open statuses by weight.
COMPLETED_BY_AGE = [(365, 0.95), (0, 0.60), (-(10**6), 0.10)]  # (days past due >, chance)
OPEN_WEIGHTS = {
    TaskStatus.OPEN: 25,
    TaskStatus.IN_PROGRESS: 30,
    TaskStatus.AWAITING_APPROVAL: 10,
    TaskStatus.SUBMITTED: 20,
    TaskStatus.RETURNED: 15,
}
REPORT_STATES = {
    TaskStatus.AWAITING_APPROVAL: ReportState.AWAITING_APPROVAL,
    TaskStatus.SUBMITTED: ReportState.SUBMITTED,
    TaskStatus.RETURNED: ReportState.RETURNED,
}
FIRST_DUE = datetime.date(2019, 11, 30)
YEARS = range(2019, 2026)
CHUNK = 100_000
OFFICER_DEPARTMENT = 10  # a department that monitors nothing


def province_count(agencies: int) -> int:
    return max(1, round(agencies / PER_PROVINCE))


def _chunks(rows: Iterable[tuple], size: int = CHUNK) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> int:
    count = 0
    for chunk in _chunks(rows):
        insert_rows(model, columns, chunk)
        count += len(chunk)
    return count


class Tree:
    """Agency ids by province: PC, departments, districts, communes (with parents)."""

    def __init__(self, provinces: int):
        self.provinces = provinces
        ids = iter(allocate_ids(Agency, provinces * PER_PROVINCE))
        self.rows: list[tuple] = []
        self.departments: list[list[int]] = []
        self.districts: list[list[int]] = []
        self.leads: list[tuple[int, int]] = []  # (agency id, province index)
        for p in range(provinces):
            pc = next(ids)
            self.rows.append((pc, f"T{p:02d}", f"UBND tỉnh thử nghiệm {p:02d}",
                              AgencyKind.PROVINCIAL_PC, None))  # fmt: skip
            departments = []
            for d in range(DEPARTMENTS):
                name = MONITORS[d] if d < len(MONITORS) else f"Sở chuyên ngành {d:02d}"
                departments.append(next(ids))
                self.rows.append((departments[-1], f"T{p:02d}-S{d:02d}", f"{name} tỉnh {p:02d}",
                                  AgencyKind.DEPARTMENT, pc))  # fmt: skip
            districts = []
            for h in range(DISTRICTS):
                districts.append(next(ids))
                self.rows.append((districts[-1], f"T{p:02d}-H{h:02d}",
                                  f"UBND huyện {h:02d} tỉnh {p:02d}", AgencyKind.DISTRICT_PC, pc))  # fmt: skip
            for c in range(COMMUNES):
                h = c % DISTRICTS
                self.rows.append((next(ids), f"T{p:02d}-H{h:02d}-X{c:03d}",
                                  f"UBND xã {c:03d} tỉnh {p:02d}", AgencyKind.COMMUNE_PC,
                                  districts[h]))  # fmt: skip
            self.departments.append(departments)
            self.districts.append(districts)
            self.leads.extend((row[0], p) for row in self.rows[-(PER_PROVINCE - 1) :])

    def write(self) -> None:
        insert_rows(Agency, ["pk", "code", "name", "kind", "parent_id"], self.rows)


def _users(tree: Tree) -> None:
    """The people the benchmark logs in as (province 00)."""
    departments, districts = tree.departments[0], tree.districts[0]
    people = [
        (MARKER, Role.COORDINATOR, departments[0]),
        ("bench.officer", Role.OFFICER, departments[OFFICER_DEPARTMENT]),
        ("bench.leader", Role.LEADER, departments[OFFICER_DEPARTMENT]),
        ("bench.monitor", Role.MONITOR, departments[1]),  # Sở Tư pháp
        ("bench.district", Role.OFFICER, districts[1]),
    ]
    User.objects.bulk_create(
        User(username=name, role=role, agency_id=agency, email=f"{name}@example.com")
        for name, role, agency in people
    )


def _plan(tasks: int, tree: Tree, areas: int, rng: random.Random) -> list[tuple]:
    """Per task: lead agency, province, area index, status, due date, extended
    due date, completion date."""
    today = timezone.localdate()
    span = (today - FIRST_DUE).days + 180
    statuses, weights = list(OPEN_WEIGHTS), list(OPEN_WEIGHTS.values())
    plan = []
    for n in range(tasks):
        lead, p = tree.leads[(n * 7919) % len(tree.leads)]  # even: ~84 tasks per agency
        due = FIRST_DUE + datetime.timedelta(days=rng.randrange(span))
        extended = None
        if rng.random() < 0.05:
            extended = due + datetime.timedelta(days=rng.randrange(15, 90))
        late = (today - (extended or due)).days
        chance = next(c for days, c in COMPLETED_BY_AGE if late > days)
        status, done = rng.choices(statuses, weights)[0], None
        if rng.random() < chance:
            status = TaskStatus.COMPLETED
            done = (extended or due) + datetime.timedelta(days=rng.randrange(-60, 30))
            done = min(done, today)
        plan.append((lead, p, rng.randrange(areas), status, due, extended, done))
    return plan


def _pending(n: int, status: str) -> bool:
    """Whether task n has an extension request waiting for Home Affairs."""
    return n % 200 == 7 and status != TaskStatus.COMPLETED


def _fresh_ids(model, count: int) -> range:
    """Ids after the highest: this database is the benchmark's alone, so no
    sequence round trip per id (a million nextval() calls take seconds)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


def _sync_sequences(models: list) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's next id is the highest plus one already
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM {table}",
                [table],
            )


def _inspections(tree: Tree) -> dict[tuple[int, int], int]:
    keys = [(p, y) for p in range(tree.provinces) for y in YEARS]
    inspections = dict(zip(keys, allocate_ids(Inspection, len(keys)), strict=True))
    insert_rows(
        Inspection,
        ["pk", "name", "year"],
        [(pk, f"Kiểm tra CCHC năm {y} tỉnh {p:02d}", y) for (p, y), pk in inspections.items()],
    )
    return inspections


def fill(*, tasks: int, agencies: int, seed: int = 2019, out: Callable = print) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    say = lambda text: out(f"  {text} ({time.perf_counter() - started:.1f} s)")  # noqa: E731
    tree = Tree(province_count(agencies))
    tree.write()
    _users(tree)
    filler = User.objects.get(username="bench.officer")
    directive = Directive.objects.create(
        symbol="57/TB-UBND", number=57, year=2019, doc_type="TB", type_code="TB",
        issuer_code="UBND", issuer_name="UBND tỉnh", issue_date=datetime.date(2019, 6, 18),
        title="Kết luận Hội nghị sơ kết CCHC",
    )  # fmt: skip
    inspections = _inspections(tree)
    areas = list(ReformArea.objects.order_by("code").values_list("pk", flat=True))
    say(f"{len(tree.rows):,} agencies, {tree.provinces} provinces")
    plan = _plan(tasks, tree, len(areas), rng)
    finding_ids, task_ids = _fresh_ids(Finding, tasks), _fresh_ids(RemediationTask, tasks)
    say(f"{tasks:,} tasks planned")

    Supporting = RemediationTask.supporting_agencies.through
    now = timezone.now()
    with _bulk_load([Finding, RemediationTask, Supporting, RemediationReport, ExtensionRequest]):
        findings = _findings(plan, finding_ids, inspections, areas, directive.pk)
        say(f"{_insert(Finding, FINDING_COLUMNS, findings):,} findings")
        rows = _tasks(plan, task_ids, finding_ids, tree)
        say(f"{_insert(RemediationTask, TASK_COLUMNS, rows):,} tasks")
        rows = _supporting(plan, task_ids, tree, rng)
        count = _insert(Supporting, ["remediationtask_id", "agency_id"], rows)
        say(f"{count:,} supporting agencies")
        rows = (
            (task_ids[n], 1, REPORT_STATES[row[3]], filler.pk, now, "Đã khắc phục.", 100)
            for n, row in enumerate(plan)
            if row[3] in REPORT_STATES
        )
        count = _insert(RemediationReport, REPORT_COLUMNS, rows)
        say(f"{count:,} reports")
        rows = (
            (task_ids[n], filler.pk, row[5] or row[4], (row[5] or row[4]) + MONTH, "Chờ số liệu")
            for n, row in enumerate(plan)
            if _pending(n, row[3])
        )
        count = _insert(ExtensionRequest, EXTENSION_COLUMNS, rows)
        say(f"{count:,} pending extension requests")
    say("indexes built")
    _sync_sequences([Finding, RemediationTask])
    vacuum_analyze()
    say("vacuum, analyze")


REPORT_COLUMNS = ["task_id", "version", "state", "submitted_by_id", "submitted_at", "content",
                  "progress"]  # fmt: skip
EXTENSION_COLUMNS = ["task_id", "requested_by_id", "due_date_before", "requested_date", "reason"]
MONTH = datetime.timedelta(days=30)
FINDING_COLUMNS = ["pk", "code", "inspection_id", "agency_id", "reform_area_id", "description",
                   "required_action", "source_directive_id"]  # fmt: skip
TASK_COLUMNS = ["pk", "finding_id", "title", "lead_agency_id", "monitoring_agency_id", "due_date",
                "extended_due_date", "status", "completed_on", "extension_pending"]  # fmt: skip


def _findings(plan, ids, inspections, areas, directive_id) -> Iterator[tuple]:
    for n, (lead, p, area, _status, due, _ext, _done) in enumerate(plan):
        year = YEARS[min(len(YEARS) - 1, due.year - FIRST_DUE.year)]
        yield (
            ids[n],
            f"KT-{n:07d}",
            inspections[(p, year)],
            lead,
            areas[area],
            f"Tỷ lệ hồ sơ TTHC xử lý trực tuyến còn thấp ({n})",
            "Nâng cao tỷ lệ hồ sơ TTHC xử lý trực tuyến",
            directive_id if n % 2 else None,
        )


def _tasks(plan, ids, finding_ids, tree: Tree) -> Iterator[tuple]:
    for n, (lead, p, area, status, due, extended, done) in enumerate(plan):
        monitor = tree.departments[p][AREA_MONITOR[area % len(AREA_MONITOR)]]
        title = f"Nâng cao tỷ lệ hồ sơ TTHC trực tuyến ({n})"
        pending = _pending(n, status)
        yield (ids[n], finding_ids[n], title, lead, monitor, due, extended, status, done, pending)


def _supporting(plan, ids, tree: Tree, rng: random.Random) -> Iterator[tuple]:
    """A quarter of the tasks get an agency of the lead's province to support them."""
    per_province = PER_PROVINCE - 1
    for n, (lead, p, *_rest) in enumerate(plan):
        if n % 4 == 0:
            agency, _p = tree.leads[p * per_province + rng.randrange(per_province)]
            if agency != lead:
                yield (ids[n], agency)


@contextmanager
def _bulk_load(models: list) -> Iterator[None]:
    """On PostgreSQL: no foreign-key triggers and no secondary indexes while
    rows stream in (the rows are consistent by construction); the indexes are
    built again once, at the end. Unique and primary-key indexes stay."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
            " WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            for _name, definition in indexes:
                cursor.execute(definition)


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so counts can use index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class Roles(dict):
    """The users timed, by label."""

    officer_label = "officer, ~84 tasks"

    @classmethod
    def load(cls) -> Roles:
        users = {u.username: u for u in User.objects.filter(username__startswith="bench.")}
        return cls(
            {
                "coordinator (Sở Nội vụ)": users[MARKER],
                cls.officer_label: users["bench.officer"],
                "leader, same agency": users["bench.leader"],
                "monitoring dept (Sở Tư pháp)": users["bench.monitor"],
                "district officer (+communes)": users["bench.district"],
            }
        )
