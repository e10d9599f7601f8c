#!/usr/bin/env python
"""Benchmark of the dashboard (/tong-hop/) and the province synthesis export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_tracker \
        .venv/bin/python bench/dashboard.py [--tasks 1000000] [--agencies 12000] \
        [--db rt_bench8 --keep]

On a scratch database on DATABASE_URL's server (``--db``; with ``--keep`` it
is kept, and reused when it already holds ``--tasks`` tasks) it fills tasks
over agencies and five years with ``bench/fill.py``, then in the same run:
  - the dashboard page through Django's test client, logged in as the
    coordinator (province), a district officer and an officer of a
    monitoring department (one reform area's tasks), p50 and p95 over
    ``--loads`` loads, with and without filters; the coordinator's unfiltered
    page both from the snapshot and live; an earlier as-of date derived from
    the snapshot anew each load (its first look), then again, and live;
  - the raw SQL floor: the very statements the page ran (captured), run again
    on a bare cursor, p50 and p95;
  - the number of queries of each page;
  - the snapshot refresh, and the full-province .xlsx and .docx export;
  - an agency's report (.docx) for an agency leading ``--report-tasks``
    tasks more (handed to it in a transaction rolled back after).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from agencies.models import Agency, ReformArea, Role, User  # noqa: E402
from bench.fill import SPREAD_NAME, fill, spread_catalogue  # noqa: E402
from reform_tracker.memory import freeze_startup_objects  # noqa: E402
from remediation.dashboard import in_memory, snapshot, writes  # noqa: E402
from remediation.dashboard.snapshot import dashboard_snapshot_refresh  # noqa: E402
from remediation.models import (  # noqa: E402
    DashboardSnapshot,
    Finding,
    Inspection,
    RemediationTask,
    TaskStatus,
)
from remediation.reports.jobs import agency_report_export, summary_export  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def users() -> tuple[User, User, User]:
    """Home Affairs' coordinator, a district's officer, and an officer of the
    department that monitors the first reform area (all its tasks, over
    nearly every agency)."""
    province = Agency.objects.get(code="BP")
    district = (
        Agency.objects.filter(code__startswith="BH", children__isnull=False)
        .order_by("code")
        .first()
    )
    monitoring = ReformArea.objects.order_by("order", "code").first().monitoring_agency
    coordinator, _ = User.objects.get_or_create(
        username="bench.coordinator", defaults={"role": Role.COORDINATOR, "agency": province}
    )
    officer, _ = User.objects.get_or_create(
        username="bench.officer", defaults={"role": Role.OFFICER, "agency": district}
    )
    monitor, _ = User.objects.get_or_create(
        username="bench.monitor", defaults={"role": Role.OFFICER, "agency": monitoring}
    )
    return coordinator, officer, monitor


def forget_derived() -> None:
    """Drop the figures derived from the snapshots (``as_of``, ``current``),
    so that a load derives them again: what the first look at an as-of
    date, or the first after a write, costs."""
    for _key, figures in snapshot._decoded.values():
        figures.memo.pop("derived", None)
        figures.memo.pop("current", None)
    in_memory.forget_counted()


def derived_anew() -> None:
    """``forget_derived``, and no columns in memory: a view derived from a
    snapshot, as in a web process that has not read them."""
    forget_derived()
    in_memory.forget()


def as_refreshed() -> None:
    """The snapshots as a refresh leaves them, for a web worker: new rows
    (their ``computed_at`` moved on), which it decodes anew, dropping the
    old, and derives nothing from yet. The same figures: the refresh's own
    work is timed apart."""
    DashboardSnapshot.objects.update(computed_at=F("computed_at") + datetime.timedelta(seconds=1))


BUSY_COMPLETED, BUSY_EXTENDED = 1_000, 300


@contextlib.contextmanager
def a_busy_day(
    today: datetime.date, completed: int = BUSY_COMPLETED, extended: int = BUSY_EXTENDED
):
    """After the snapshot, what a busy day writes (``completed`` overdue
    tasks completed, ``extended`` extensions granted, spread over the
    province), undone afterwards so that a kept database stays as filled."""
    # In id order: the table's order moves with each run's writes and undo.
    tasks = RemediationTask.objects.order_by("pk")
    overdue = list(
        tasks.filter(open_until__gt=today, effective_due_date__lt=today).values_list("pk", "status")
    )
    completed = overdue[:: max(1, len(overdue) // completed)][:completed]
    later = list(
        tasks.filter(open_until__gt=today, effective_due_date__gt=today).values_list(
            "pk", "extended_due_date"
        )
    )
    extended = later[:: max(1, len(later) // extended)][:extended]
    tasks.filter(pk__in=[pk for pk, _s in completed]).update(
        status=TaskStatus.COMPLETED, completed_on=today
    )
    tasks.filter(pk__in=[pk for pk, _d in extended]).update(
        extended_due_date=F("due_date") + datetime.timedelta(days=30)
    )
    try:
        yield
    finally:
        for status in {s for _pk, s in completed}:
            tasks.filter(pk__in=[pk for pk, s in completed if s == status]).update(
                status=status, completed_on=None
            )
        for pk, day in extended:
            tasks.filter(pk=pk).update(extended_due_date=day)


def page(client: Client, url: str, loads: int, before_each=None) -> dict:
    client.get(url, secure=True)  # warm-up: connection, templates, caches
    times = []
    for _ in range(loads):
        if before_each:
            before_each()
        started = time.perf_counter()
        # secure: the production settings redirect plain HTTP to HTTPS
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    if before_each:
        before_each()
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    # Transaction control is the connection's, not the page's SQL; SET LOCAL
    # needs the transaction it ran in.
    control = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].split()[0] not in control and not q["sql"].startswith("SET TRANSACTION")
    ]
    floor = []
    for _ in range(loads):
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in statements:
                if sql.startswith("COPY"):  # every task's columns (``in_memory``)
                    cursor.copy_expert(sql, io.BytesIO())
                    continue
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        floor.append((time.perf_counter() - started) * 1000)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "floor50": statistics.median(floor),
        "floor95": percentile(floor, 0.95),
        "queries": len(captured.captured_queries),
    }


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    print(f"{label:<52} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


def prepare(args) -> None:
    have = RemediationTask.objects.count()
    if args.catalogue and have != args.tasks:
        sys.exit("--catalogue rewrites a filled database: fill it first, without it")
    if have == args.tasks and Agency.objects.filter(code="BP").exists():
        print(f"reusing {have:,} tasks")
    elif have:
        sys.exit(f"{connection.settings_dict['NAME']} holds {have:,} other tasks: use --db")
    else:
        timed(
            f"fill {args.tasks:,} tasks, {args.agencies:,} agencies",
            lambda: fill(
                tasks=args.tasks,
                agencies=args.agencies,
                progress=lambda message: print(f"  {message}", flush=True),
            ),
        )
    if args.catalogue:
        inspections, documents = (int(n) for n in args.catalogue.split(":"))
        spread = timed(
            f"catalogue: {inspections:,} inspections, {documents:,} documents",
            lambda: spread_catalogue(inspections=inspections, documents=documents),
        )
        if spread:  # every task and finding rewritten: compact them, as after a fresh fill
            with connection.cursor() as cursor:
                for model in (Finding, RemediationTask):
                    cursor.execute(f"VACUUM FULL {model._meta.db_table}")
    # No snapshot was kept of the filled data: nothing written since one
    # needs remembering (a fresh fill recorded every task).
    writes.forget_all()
    if connection.vendor == "postgresql":
        # As autovacuum would after a load (or a migration's rewrite); a
        # server with autovacuum off would otherwise read every task's heap
        # page where the dashboard's covering indexes suffice.
        with connection.cursor() as cursor:
            timed("VACUUM ANALYZE", lambda: cursor.execute("VACUUM ANALYZE"))


def agency_report(user: User, tasks: int) -> None:
    """An agency's report (.docx) for an agency that leads ``tasks`` tasks
    more (handed to it in a transaction rolled back after): what the
    background job writes, and the request, which above
    ``AGENCY_REPORT_ASYNC_TASKS`` only offers the job."""
    client = Client()
    client.force_login(user)
    with transaction.atomic():
        agency = Agency.objects.filter(code__startswith="BH", parent__isnull=False).first()
        others = RemediationTask.objects.exclude(lead_agency=agency).order_by("pk")
        RemediationTask.objects.filter(pk__in=others.values("pk")[: max(tasks, 0)]).update(
            lead_agency=agency
        )
        led = RemediationTask.objects.filter(lead_agency=agency).count()
        timed(
            f"agency report .docx ({led:,} tasks, its job's work)",
            lambda: agency_report_export(user=user, agency=agency, today=timezone.localdate()),
        )
        response = timed(
            "agency report: the request",
            lambda: client.get(f"/tong-hop/co-quan/{agency.pk}/bao-cao.docx", secure=True),
        )
        assert response.status_code == 200, response.status_code
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--live-loads", type=int, default=10, help="loads of the live views")
    parser.add_argument("--db", help="scratch database name (default bench_dashboard_<name>)")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    parser.add_argument(
        "--report-tasks", type=int, default=4000, help="tasks handed to the reported agency"
    )
    parser.add_argument(
        "--catalogue",
        metavar="INSPECTIONS:DOCUMENTS",
        help="spread the tasks over that many inspections and directing documents more, "
        "independently (a national catalogue; rewrites the tasks: use a --db of its own)",
    )
    args = parser.parse_args()

    # Production settings, with the test client's host, and plain static files
    # (no collectstatic manifest here). Not setup_test_environment(): its
    # instrumented template rendering copies the context at every include and
    # would be timed as if it were the page's own work.
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": plain_static},
    ).enable()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        name = str(Path(old_name).with_name(args.db or "bench_dashboard.sqlite3"))
    else:
        name = args.db or f"bench_dashboard_{old_name.rsplit('/', 1)[-1]}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False
    )
    try:
        run(args)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def timed_pages(scenarios: list, args) -> list:
    results = []
    for label, user, query, overrides, *loads in scenarios:
        client = Client()
        client.force_login(user)
        url = query if query.startswith("/") else f"/tong-hop/?{query}"
        # A view derived from a snapshot is timed as derived anew each load
        # (the first look at that date), unless its label says "again"; a
        # snapshot decoded anew, as after a refresh.
        before_each = None
        if "(derived, no columns in memory)" in label:
            before_each = derived_anew
        elif "(from the snapshot)" in label:
            before_each = forget_derived
        elif "(decoded anew)" in label:
            before_each = as_refreshed
        elif "(columns read anew)" in label:
            before_each = in_memory.forget
        elif "(in memory)" in label:
            before_each = in_memory.forget_counted  # a first look: counted
        with override_settings(**overrides):
            result = page(client, url, loads[0] if loads else args.loads, before_each)
        if before_each is derived_anew:
            # The columns read again (a view no snapshot keeps), so that the
            # next rows find them as a busy web worker holds them.
            client.get("/tong-hop/?tu_ngay=01/01/2000", secure=True)
        results.append((label, result))
        print(
            f"{label:<50} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms   "
            f"SQL floor p50 {result['floor50']:7.1f} p95 {result['floor95']:7.1f} ms   "
            f"{result['queries']} queries",
            flush=True,
        )
    return results


def run(args) -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    prepare(args)
    freeze_startup_objects()  # as reform_tracker/wsgi.py does in each web worker
    coordinator, officer, monitor = users()
    # The fill's inspections lead nothing once ``--catalogue`` spread the tasks.
    named = SPREAD_NAME if args.catalogue else "B "
    inspection = Inspection.objects.filter(name__startswith=named).order_by("-year", "name").first()
    area = ReformArea.objects.get(code="LV3")
    today = timezone.localdate()
    year = f"tu_ngay=01/01/{today.year}&den_ngay=31/12/{today.year}"
    june, january = f"ngay=01/06/{today.year}", f"ngay=01/01/{today.year}"
    december = f"ngay=31/12/{today.year}"
    # Earlier years, each from its own year's end kept (``snapshot.kept_days``).
    five_years = f"tu_ngay=01/01/{today.year - 4}"
    last_december, older_june = f"ngay=31/12/{today.year - 1}", f"ngay=01/06/{today.year - 2}"
    timed("snapshot refresh (Celery beat's job)", dashboard_snapshot_refresh)
    live = {"DASHBOARD_SNAPSHOT_MIN_TASKS": 0}
    scenarios = [
        ("coordinator, no filter (snapshot)", coordinator, "", {}),
        # Each web worker decodes a view's snapshot anew after each refresh.
        ("coordinator, no filter, after a refresh (decoded anew)", coordinator, "", {}),
        (
            "coordinator, communes, after a refresh (decoded anew)",
            coordinator,
            "cap=commune_pc",
            {},
        ),
        # What the snapshot saves: 0.4 s a load at 1,000,000 (2 cores), hence fewer loads.
        ("coordinator, no filter (live)", coordinator, "", live, args.live_loads),
        # Filters no snapshot keeps: counted over the tasks' columns in the
        # web process's memory (``in_memory``), and by the database as before.
        ("coordinator, one inspection (in memory)", coordinator, f"dot={inspection.pk}", {}),
        ("coordinator, one inspection (live)", coordinator, f"dot={inspection.pk}", live),
        (
            "coordinator, reform area LV3 + this year (in memory)",
            coordinator,
            f"linh_vuc={area.pk}&{year}",
            {},
        ),
        (
            "coordinator, reform area LV3 + this year (live)",
            coordinator,
            f"linh_vuc={area.pk}&{year}",
            live,
        ),
        ("coordinator, five years (in memory)", coordinator, five_years, {}),
        ("coordinator, five years (live)", coordinator, five_years, live, args.live_loads),
        # A web worker's first such view: every task's columns read.
        ("coordinator, five years (columns read anew)", coordinator, five_years, {}, 5),
        (
            "coordinator, reform area LV3 as of 1 June (in memory)",
            coordinator,
            f"linh_vuc={area.pk}&{june}",
            {},
        ),
        (
            "coordinator, reform area LV3 as of 1 June (live)",
            coordinator,
            f"linh_vuc={area.pk}&{june}",
            live,
        ),
        (
            "coordinator, communes since 1 January (in memory)",
            coordinator,
            f"cap=commune_pc&tu_ngay=01/01/{today.year}",
            {},
        ),
        (
            "coordinator, communes since 1 January (live)",
            coordinator,
            f"cap=commune_pc&tu_ngay=01/01/{today.year}",
            live,
            args.live_loads,
        ),
        ("coordinator, this year (its snapshot)", coordinator, year, {}),
        ("coordinator, this year (live)", coordinator, year, live, args.live_loads),
        ("coordinator, districts (cap: its snapshot)", coordinator, "cap=district_pc", {}),
        ("coordinator, communes (cap: its snapshot)", coordinator, "cap=commune_pc", {}),
        (
            "coordinator, communes (cap, 890,000 tasks, live)",
            coordinator,
            "cap=commune_pc",
            live,
            args.live_loads,
        ),
        # An earlier as-of date: derived from today's snapshot (``as_of``),
        # and live as it is once anything was written after the snapshot.
        ("coordinator, as of 1 June (from the snapshot)", coordinator, june, {}),
        ("coordinator, as of 1 June (live)", coordinator, june, live, args.live_loads),
        (
            "coordinator, as of 1 June (derived, no columns in memory)",
            coordinator,
            june,
            {},
        ),
        ("coordinator, as of 1 June, again (paging, sorting)", coordinator, june, {}),
        ("coordinator, as of 1 January (from the snapshot)", coordinator, january, {}),
        # A later day (the year's end, for the assessment): derived too.
        ("coordinator, as of 31 December (from the snapshot)", coordinator, december, {}),
        ("coordinator, as of 31 December (live)", coordinator, december, live, args.live_loads),
        (
            "coordinator, as of 31 December last year (its year's end)",
            coordinator,
            last_december,
            {},
        ),
        (
            "coordinator, as of 1 June two years back (from the snapshot)",
            coordinator,
            older_june,
            {},
        ),
        (
            "coordinator, as of 1 June two years back (live)",
            coordinator,
            older_june,
            live,
            args.live_loads,
        ),
        (
            "coordinator, communes as of 1 June (from the snapshot)",
            coordinator,
            f"cap=commune_pc&{june}",
            {},
        ),
        ("district officer, no filter", officer, "", {}),
        ("district officer, this year", officer, year, {}),
        ("monitoring department, no filter (snapshot)", monitor, "", {}),
        ("monitoring department, after a refresh (decoded anew)", monitor, "", {}),
        ("monitoring department, no filter (live)", monitor, "", live),
        ("monitoring department, this year", monitor, year, {}),
        ("monitoring department, as of 1 June (from the snapshot)", monitor, june, {}),
    ]
    # The task list behind the dashboard's links: tasks the filters match lie
    # late in the list's order (a recent inspection, a month, within their
    # deadline), or the scope is a monitoring department's 125,000 tasks.
    recent = Inspection.objects.order_by("-year", "-pk").first()
    month = today.replace(day=1) - datetime.timedelta(days=1)
    days = f"01/{month:%m/%Y}", f"{month:%d/%m/%Y}"
    lists = [
        ("task list: coordinator, a recent inspection", coordinator, f"dot={recent.pk}"),
        ("task list: coordinator, within the deadline", coordinator, "thoi_han=trong_han"),
        (
            "task list: coordinator, completed last month",
            coordinator,
            f"hoan_thanh_tu={days[0]}&hoan_thanh_den={days[1]}",
        ),
        (
            "task list: coordinator, due last month",
            coordinator,
            f"tu_ngay={days[0]}&den_ngay={days[1]}",
        ),
        ("task list: monitoring department", monitor, ""),
        ("task list: monitoring department, an inspection", monitor, f"dot={recent.pk}"),
        ("task list: district officer, within the deadline", officer, "thoi_han=trong_han"),
        # Searches typed without tone marks: a title's words (111 tasks), a
        # finding's text (1,111), a code's start, and words every task has.
        ("task list: coordinator, search a title", coordinator, "q=khac+phuc+thu+nghiem+so+12345"),
        ("task list: coordinator, search a finding", coordinator, "q=han+che+thu+nghiem+so+777"),
        ("task list: coordinator, search a code", coordinator, "q=bf00012"),
        ("task list: coordinator, search every task", coordinator, "q=khac+phuc"),
        ("task list: district officer, search every task", officer, "q=khac+phuc"),
    ]
    scenarios += [(label, user, f"/?{query}", {}) for label, user, query in lists]
    # The admin's lists, whose filters list related rows (agencies,
    # inspections): the page an importing admin opens.
    superuser, _ = User.objects.get_or_create(
        username="bench.admin",
        defaults={
            "role": Role.COORDINATOR,
            "agency": coordinator.agency,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    scenarios += [
        ("admin: tasks", superuser, "/admin/remediation/remediationtask/", {}),
        ("admin: findings", superuser, "/admin/remediation/finding/", {}),
        (
            "admin: tasks, a search",
            superuser,
            "/admin/remediation/remediationtask/?q=khac+phuc+thu+nghiem+so+12345",
            {},
        ),
    ]
    results = timed_pages(scenarios, args)
    # A busy day after the snapshot: every view of the province's scope
    # counts the writes (``current``), today's and an earlier day's.
    busy = f"after a busy day ({BUSY_COMPLETED:,} completed, {BUSY_EXTENDED} extended)"
    timed("snapshot refresh, again", dashboard_snapshot_refresh)
    with a_busy_day(today):
        results += timed_pages(
            [
                (f"coordinator, no filter, {busy} (from the snapshot)", coordinator, "", {}),
                (f"coordinator, no filter, {busy}, again", coordinator, "", {}),
                (
                    f"coordinator, communes, {busy} (from the snapshot)",
                    coordinator,
                    "cap=commune_pc",
                    {},
                ),
                (f"coordinator, this year, {busy} (from the snapshot)", coordinator, year, {}),
                (f"coordinator, as of 1 June, {busy} (from the snapshot)", coordinator, june, {}),
                (
                    f"coordinator, as of 1 June, {busy} (derived, no columns in memory)",
                    coordinator,
                    june,
                    {},
                ),
                (f"coordinator, as of 1 June, {busy}, again", coordinator, june, {}),
                (
                    f"coordinator, communes as of 1 June, {busy} (from the snapshot)",
                    coordinator,
                    f"cap=commune_pc&{june}",
                    {},
                ),
                (f"monitoring department, {busy} (from the snapshot)", monitor, "", {}),
                (
                    f"monitoring department, as of 1 June, {busy} (from the snapshot)",
                    monitor,
                    june,
                    {},
                ),
            ],
            args,
        )
    # As a working day runs: each refresh (every DASHBOARD_SNAPSHOT_MINUTES)
    # vacuums what was written before it, and a look finds the writes of the
    # minutes since: a tenth of an hour of an eight-hour busy day.
    since = f"{BUSY_COMPLETED // 48} completed, {BUSY_EXTENDED // 48} extended"
    with a_busy_day(today):
        timed("snapshot refresh after a busy day (its VACUUM too)", dashboard_snapshot_refresh)
        with a_busy_day(today, BUSY_COMPLETED // 48, BUSY_EXTENDED // 48):
            results += timed_pages(
                [
                    (f"coordinator, no filter, {since} (from the snapshot)", coordinator, "", {}),
                    (
                        f"coordinator, as of 1 June, {since} (from the snapshot)",
                        coordinator,
                        june,
                        {},
                    ),
                    (
                        f"coordinator, communes as of 1 June, {since} (from the snapshot)",
                        coordinator,
                        f"cap=commune_pc&{june}",
                        {},
                    ),
                    (
                        f"monitoring department, as of 1 June, {since} (from the snapshot)",
                        monitor,
                        june,
                        {},
                    ),
                ],
                args,
            )
    data, _ = timed(
        "full-province .xlsx export",
        lambda: summary_export(user=coordinator, params={}, fmt="xlsx"),
    )
    print(f"  {len(data) / 1_048_576:.1f} MB")
    timed(
        "full-province .docx export",
        lambda: summary_export(user=coordinator, params={}, fmt="docx"),
    )
    agency_report(coordinator, args.report_tasks)
    print()
    print(f"{'page':<50} {'p95 ms':>8} {'floor p95':>10} {'ratio':>6}  (targets: <= 300 ms, <= 2x)")
    for label, result in results:
        ratio = result["p95"] / result["floor95"] if result["floor95"] else 0
        print(f"{label:<50} {result['p95']:8.1f} {result['floor95']:10.1f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
