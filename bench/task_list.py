#!/usr/bin/env python
"""Benchmark of the task list and the review queue at scale (PostgreSQL for the figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_tasks \\
        .venv/bin/python bench/task_list.py [--tasks 1000000] [--agencies 12000] [--loads 20]

Works in the database DATABASE_URL names: creates it if missing, migrates
it, and fills it (COPY on PostgreSQL) with a national-scale agency tree
(provinces -> departments, districts -> communes) and --tasks tasks with
their findings, supporting agencies, reports and pending extension requests.
A database this script filled before, at the same size, is reused as it is
(--refill starts again); one holding anything else is refused.

Then, for each role (coordinator; officer and leader of an agency with ~84
tasks; a monitoring department; a district officer who sees its communes), it
times --loads loads of the task list through the Django test client (first
page and a filtered page) and of the review queue, and prints p50 and p95,
the queries per load, and EXPLAIN ANALYZE of the officer's scope query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
warnings.filterwarnings("ignore", "No directory at", UserWarning)  # no collectstatic needed

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
)
from django.urls import NoReverseMatch, reverse  # noqa: E402

from agencies.models import Agency, User  # noqa: E402
from bench.task_data import MARKER, Roles, fill, province_count, vacuum_analyze  # noqa: E402
from remediation.filters import TaskFilterForm  # noqa: E402
from remediation.models import RemediationTask  # noqa: E402
from remediation.selectors import review_queue_for_user, task_list_for_user  # noqa: E402

FILTER = {"thoi_han": "overdue"}
PAGE_SIZE = 50


# Database ------------------------------------------------------------------


def _exists(name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _create(name: str) -> None:
    if connection.vendor != "sqlite":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def _drop(name: str) -> None:
    connection.close()
    if connection.vendor == "sqlite":
        Path(name).unlink(missing_ok=True)
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _holds() -> str:
    """What the database holds: "nothing", "bench" (this script's data) or "other"."""
    if Agency._meta.db_table not in connection.introspection.table_names():
        return "nothing"
    if not Agency.objects.exists():
        return "nothing"
    return "bench" if User.objects.filter(username=MARKER).exists() else "other"


def _recreate(name: str) -> None:
    _drop(name)
    _create(name)
    call_command("migrate", verbosity=0)


def prepare(*, tasks: int, agencies: int, refill: bool) -> bool:
    """Make the database ready; True when it must be filled."""
    name = connection.settings_dict["NAME"]
    if not _exists(name):
        _create(name)
    holds = _holds()
    if holds == "other":
        raise SystemExit(f"{name}: holds data this benchmark did not write; refusing to touch it")
    if holds == "bench" and refill:
        _recreate(name)  # before migrating: the old data may predate a migration
        return True
    call_command("migrate", verbosity=0)
    if holds == "nothing":
        return True
    same = RemediationTask.objects.count() == tasks and Agency.objects.filter(
        parent__isnull=True
    ).count() == province_count(agencies)
    if not same:
        _recreate(name)
    return not same


# Timing --------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)]  # nearest rank
    return statistics.median(ordered), p95


def time_loads(run, loads: int) -> tuple[float, float, float, int, float]:
    """Over ``loads`` runs after a warm-up: p50 and p95 of the wall time and
    p50 of this process's CPU time (ms), which other processes on the machine
    do not inflate; and the queries of one run: how many, their time (ms)."""
    run()
    # A request empties the query log when it starts (reset_queries): start
    # from an empty one, and read it before the next request empties it.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        run()
    queries = len(captured)
    db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    wall, cpu = [], []
    for _ in range(loads):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p50, p95 = percentiles(wall)
    return p50, p95, statistics.median(cpu), queries, db_ms


def page_loader(client: Client, url: str):
    def run():
        response = client.get(url, secure=True)  # production settings redirect to HTTPS
        assert response.status_code == 200, (url, response.status_code)
        return response

    return run


def review_queue_url() -> str | None:
    """The review queue page, once the pages of issue 6 provide it."""
    for name in ("review_queue", "remediation:review_queue"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def selector_loader(user: User, queryset_for):
    """The selector's first page and its count, as a paginated page asks."""

    def run():
        queryset = queryset_for(user)
        list(queryset[:PAGE_SIZE])
        return queryset.count()

    return run


def filtered(user: User):
    return TaskFilterForm(FILTER).apply(task_list_for_user(user=user))


def measure(roles: Roles, loads: int) -> list[tuple]:
    rows = []
    queue_url = review_queue_url()
    for label, user in roles.items():
        client = Client()
        client.force_login(user)
        visible = task_list_for_user(user=user).count()
        measures = [
            ("task list /", page_loader(client, reverse("home"))),
            (
                "task list ?thoi_han=overdue",
                page_loader(client, reverse("home") + "?thoi_han=overdue"),
            ),
            ("selector: filtered list (overdue)", selector_loader(user, filtered)),
        ]
        if queue_url:
            measures.append(("review queue page", page_loader(client, queue_url)))
        measures.append(
            (
                "selector: review queue",
                selector_loader(user, lambda u: review_queue_for_user(user=u)),
            )
        )
        for what, run in measures:
            p50, p95, cpu, queries, db_ms = time_loads(run, loads)
            rows.append((label, what, visible, p50, p95, cpu, queries, db_ms))
            print(
                f"{label:<28} {what:<34} {visible:>9} {p50:7.1f} {p95:7.1f} {cpu:7.1f}"
                f" {queries:>3} {db_ms:6.1f}"
            )
    return rows


def explain(user: User) -> str:
    """EXPLAIN ANALYZE of the officer's list: its count, then the two steps
    of its first page (the page's ids, then those rows)."""
    if connection.vendor != "postgresql":
        return "(EXPLAIN ANALYZE only on PostgreSQL)"
    queryset = task_list_for_user(user=user)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) AS visible", params)
        count = "\n".join(row[0] for row in cursor.fetchall())
    page_ids = queryset.values_list("pk", flat=True)[:PAGE_SIZE]
    ids = list(page_ids)
    return (
        f"-- count\n{count}\n\n-- page, step 1: its ids\n{page_ids.explain(analyze=True)}\n\n"
        f"-- page, step 2: its rows\n{queryset.filter(pk__in=ids).explain(analyze=True)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--refill", action="store_true", help="fill again even if already filled")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
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
    name = connection.settings_dict["NAME"]
    try:
        if prepare(tasks=args.tasks, agencies=args.agencies, refill=args.refill):
            started = time.perf_counter()
            fill(tasks=args.tasks, agencies=args.agencies, out=print)
            print(f"filled in {time.perf_counter() - started:.1f} s")
        else:
            print("reusing the data of a previous run (--refill to fill again)")
            vacuum_analyze()  # after a migration, and so counts read indexes alone
        roles = Roles.load()
        print(
            f"database: {connection.vendor} {name}; {RemediationTask.objects.count():,} tasks, "
            f"{Agency.objects.count():,} agencies; load average {os.getloadavg()[0]:.1f}"
            f" on {os.cpu_count()} CPUs"
        )
        print()
        print(
            f"{'role':<28} {'what':<34} {'visible':>9} {'p50 ms':>7} {'p95 ms':>7}"
            f" {'cpu ms':>7} {'qs':>3} {'db ms':>6}"
        )
        measure(roles, args.loads)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        print()
        print(f"EXPLAIN ANALYZE, {roles.officer_label}:")
        print(explain(roles["officer, ~84 tasks"]))
    finally:
        if args.drop:
            _drop(name)


if __name__ == "__main__":
    main()
