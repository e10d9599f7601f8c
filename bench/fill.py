"""Fill a database with a province-sized (or nation-sized) set of tasks, fast.

    from bench.fill import fill
    filled = fill(tasks=1_000_000, agencies=12_000, years=5)

Rows are generated in Python from a seeded random source (the same figures
on every run) and written through ``reform_tracker.imports.bulk.insert_rows``:
COPY on PostgreSQL (1,000,000 findings and tasks in well under a minute on
two cores), executemany elsewhere (for the tiny smoke runs on SQLite). Run it
inside Django (``django.setup()`` done) on a scratch database: it adds rows,
it deletes nothing.

The shape: one provincial People's Committee; departments (1/20 of the
agencies), districts (1/17) and communes (the rest, spread over the
districts); the eight migrated reform areas, three criteria per area and
year, four inspections and ten directing documents per year; one finding per
task; due dates spread over ``years`` years ending six months after
``today``; past-due tasks 70 % completed (four in five of those on time),
5 % extended, 20 % with a supporting department.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Criterion, ReformArea, vietnamese_sort_key
from directives.models import Directive
from reform_tracker.imports.bulk import allocate_ids, insert_rows
from remediation.models import Finding, Inspection, RemediationTask, TaskStatus

CHUNK = 100_000
OPEN_STATUSES = [
    TaskStatus.OPEN,
    TaskStatus.IN_PROGRESS,
    TaskStatus.AWAITING_APPROVAL,
    TaskStatus.SUBMITTED,
    TaskStatus.RETURNED,
]


@dataclasses.dataclass
class Filled:
    province_id: int
    department_ids: list[int]
    district_ids: list[int]
    commune_ids: list[int]
    first_day: datetime.date
    last_day: datetime.date
    tasks: int

    def communes_of(self, district_id: int) -> list[int]:
        return list(Agency.objects.filter(parent_id=district_id).values_list("pk", flat=True))


def _agencies(count: int, prefix: str) -> tuple[int, list[int], list[int], list[int]]:
    departments = max(1, count // 20)
    districts = max(1, count // 17)
    communes = max(1, count - 1 - departments - districts)
    ids = allocate_ids(Agency, 1 + departments + districts + communes)
    province, ids = ids[0], ids[1:]
    department_ids, ids = ids[:departments], ids[departments:]
    district_ids, commune_ids = ids[:districts], ids[districts:]
    rows = [(province, f"{prefix}P", "UBND tỉnh Thử nghiệm", AgencyKind.PROVINCIAL_PC, None)]
    rows += [
        (pk, f"{prefix}S{i:05d}", f"Sở thử nghiệm số {i}", AgencyKind.DEPARTMENT, province)
        for i, pk in enumerate(department_ids)
    ]
    rows += [
        (pk, f"{prefix}H{i:05d}", f"UBND huyện Thử nghiệm {i}", AgencyKind.DISTRICT_PC, province)
        for i, pk in enumerate(district_ids)
    ]
    rows += [
        (
            pk,
            f"{prefix}X{i:05d}",
            f"UBND xã Thử nghiệm {i}",
            AgencyKind.COMMUNE_PC,
            district_ids[i % len(district_ids)],
        )
        for i, pk in enumerate(commune_ids)
    ]
    rows = [(pk, code, name, vietnamese_sort_key(name), *rest) for pk, code, name, *rest in rows]
    insert_rows(Agency, ["pk", "code", "name", "sort_key", "kind", "parent_id"], rows)
    return province, department_ids, district_ids, commune_ids


def _catalogue(prefix: str, years: list[int], departments: list[int]):
    """Areas (monitored by the first departments), criteria, inspections and
    directives, keyed by year."""
    areas = list(ReformArea.objects.order_by("order", "code"))
    for i, area in enumerate(areas):
        area.monitoring_agency_id = departments[i % len(departments)]
        area.save(update_fields=["monitoring_agency"])
    criteria = {
        (year, area.pk): [
            Criterion.objects.create(
                area=area, year=year, code=f"{prefix}{year}-{area.code}-{k}", name=f"Tiêu chí {k}"
            ).pk
            for k in range(3)
        ]
        for year in years
        for area in areas
    }
    inspections = {
        year: [
            Inspection.objects.create(
                name=f"{prefix} Kiểm tra công tác CCHC năm {year} đợt {k + 1}",
                year=year,
                leading_agency_id=departments[0],
            ).pk
            for k in range(4)
        ]
        for year in years
    }
    directives = {
        year: [
            Directive.objects.create(
                symbol=f"{900 + k}/KH-UBND",
                number=900 + k,
                year=year,
                doc_type="KH",
                type_code="KH",
                issuer_code="UBND",
                issuer_name="UBND tỉnh Thử nghiệm",
                issue_date=datetime.date(year, 1, 15),
                title=f"Kế hoạch CCHC năm {year} số {k}",
            ).pk
            for k in range(10)
        ]
        for year in years
    }
    return areas, criteria, inspections, directives


def _task_rows(
    n_tasks: int,
    *,
    first_day: datetime.date,
    span: int,
    today: datetime.date,
    leads: list[int],
    areas: list[ReformArea],
    criteria: dict,
    inspections: dict,
    directives: dict,
    supporters: list[int],
    seed: int,
) -> Iterator[tuple[tuple, tuple, tuple | None]]:
    """(finding row, task row, supporting row or None) without ids."""
    rng = random.Random(seed)
    for n in range(n_tasks):
        due = first_day + datetime.timedelta(days=rng.randrange(span))
        extended = due + datetime.timedelta(days=30) if rng.random() < 0.05 else None
        effective = extended or due
        roll = rng.random()
        completed_on = None
        if effective < today and roll < 0.7:
            if roll < 0.56:  # on time
                completed_on = effective - datetime.timedelta(days=rng.randrange(30))
            else:
                late = effective + datetime.timedelta(days=1 + rng.randrange(90))
                completed_on = min(late, today)
        elif effective >= today and roll < 0.15:
            completed_on = today - datetime.timedelta(days=rng.randrange(30))
        status = TaskStatus.COMPLETED if completed_on else rng.choice(OPEN_STATUSES)
        area = areas[n % len(areas)]
        year = due.year
        finding = (
            f"BF{n:07d}",
            rng.choice(inspections[year]),
            leads[(n * 7919) % len(leads)],
            area.pk,
            rng.choice(criteria[(year, area.pk)]) if rng.random() < 0.8 else None,
            f"Tồn tại, hạn chế thử nghiệm số {n}",
            rng.choice(directives[year]) if rng.random() < 0.6 else None,
        )
        task = (
            rng.choice(directives[year]) if rng.random() < 0.1 else None,
            f"Nhiệm vụ khắc phục thử nghiệm số {n}",
            finding[2],
            area.monitoring_agency_id,
            due,
            extended,
            status,
            completed_on,
        )
        support = rng.choice(supporters) if rng.random() < 0.2 else None
        yield finding, task, support


FINDING_COLUMNS = [
    "pk",
    "code",
    "inspection_id",
    "agency_id",
    "reform_area_id",
    "criterion_id",
    "description",
    "source_directive_id",
]
TASK_COLUMNS = [
    "pk",
    "finding_id",
    "directive_id",
    "title",
    "lead_agency_id",
    "monitoring_agency_id",
    "due_date",
    "extended_due_date",
    "status",
    "completed_on",
]


def fill(
    *,
    tasks: int,
    agencies: int,
    years: int = 5,
    today: datetime.date | None = None,
    prefix: str = "B",
    seed: int = 2019,
    progress: Callable[[str], None] = lambda message: None,
) -> Filled:
    """Add ``agencies`` agencies and ``tasks`` findings with their tasks."""
    today = today or timezone.localdate()
    last_day = today + datetime.timedelta(days=182)
    first_day = last_day - datetime.timedelta(days=365 * years - 1)
    span = (last_day - first_day).days + 1
    with transaction.atomic():
        province, departments, districts, communes = _agencies(agencies, prefix)
        progress(f"{agencies:,} agencies")
        catalogue = _catalogue(prefix, list(range(first_day.year, last_day.year + 1)), departments)
    areas, criteria, inspections, directives = catalogue
    rows = _task_rows(
        tasks,
        first_day=first_day,
        span=span,
        today=today,
        leads=[*departments, *districts, *communes],
        areas=areas,
        criteria=criteria,
        inspections=inspections,
        directives=directives,
        supporters=departments,
        seed=seed,
    )
    through = RemediationTask.supporting_agencies.through
    done = 0
    while done < tasks:
        size = min(CHUNK, tasks - done)
        chunk = [next(rows) for _ in range(size)]
        with transaction.atomic():
            finding_ids = allocate_ids(Finding, size)
            insert_rows(
                Finding,
                FINDING_COLUMNS,
                [(pk, *f) for pk, (f, _t, _s) in zip(finding_ids, chunk, strict=True)],
            )
            task_ids = allocate_ids(RemediationTask, size)
            insert_rows(
                RemediationTask,
                TASK_COLUMNS,
                [
                    (pk, fid, *t)
                    for pk, fid, (_f, t, _s) in zip(task_ids, finding_ids, chunk, strict=True)
                ],
            )
            support = [(pk, s) for pk, (_f, _t, s) in zip(task_ids, chunk, strict=True) if s]
            insert_rows(through, ["remediationtask_id", "agency_id"], support)
        done += size
        progress(f"{done:,} / {tasks:,} tasks")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Agency, Finding, RemediationTask, through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return Filled(province, departments, districts, communes, first_day, last_day, tasks)


SPREAD_NAME = "Kiểm tra CCHC tại đơn vị số"


def spread_catalogue(*, inspections: int, documents: int) -> bool:
    """Spread the tasks over ``inspections`` inspections and ``documents``
    directing documents more, independently of each other (a national
    catalogue, and the worst case for grouping them together): a task's
    inspection follows its lead agency, its directive and its finding's
    (where it had one) its id. PostgreSQL only; done once (False when the
    database already has them). The finding's copies on the task are
    written by the same statements, so the copy triggers are off."""
    if Inspection.objects.filter(name__startswith=SPREAD_NAME).count() >= inspections:
        return False
    department = Agency.objects.filter(kind=AgencyKind.DEPARTMENT).order_by("pk").first()
    tasks, findings = RemediationTask._meta.db_table, Finding._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"""INSERT INTO {Inspection._meta.db_table} (name, year, leading_agency_id)
            SELECT %s || ' ' || g || ' năm ' || (2022 + g %% 5), 2022 + g %% 5, %s
            FROM generate_series(1, %s) g RETURNING id""",
            [SPREAD_NAME, department.pk, inspections],
        )
        first_inspection = min(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""INSERT INTO {Directive._meta.db_table} (symbol, number, year, doc_type,
                type_code, issuer_code, issuer_name, issue_date, title, summary, file)
            SELECT (100000 + g) || '/TB-UBND', 100000 + g, 2022 + g %% 5, 'TB', 'TB', 'UBND',
                'UBND tỉnh Thử nghiệm', make_date(2022 + g %% 5, 1 + g %% 12, 1 + g %% 28),
                'Thông báo kết luận kiểm tra số ' || g, '', ''
            FROM generate_series(1, %s) g RETURNING id""",
            [documents],
        )
        first_document = min(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""UPDATE {tasks} SET
                finding_inspection_id = %(i)s + lead_agency_id %% %(ni)s,
                directive_id = CASE WHEN directive_id IS NOT NULL
                    THEN %(d)s + id %% %(nd)s END,
                finding_source_directive_id = CASE WHEN finding_source_directive_id IS NOT NULL
                    THEN %(d)s + (id * 7) %% %(nd)s END""",
            {"i": first_inspection, "ni": inspections, "d": first_document, "nd": documents},
        )
        cursor.execute(
            f"""UPDATE {findings} f SET inspection_id = t.finding_inspection_id,
                source_directive_id = t.finding_source_directive_id
            FROM {tasks} t WHERE t.finding_id = f.id"""
        )
    return True
