#!/usr/bin/env python
"""Benchmark of the daily reminder sweep (run on PostgreSQL for the figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rt_bench7 \
        .venv/bin/python bench/reminders.py [--tasks 1000000] [--agencies 12000]

On a scratch database (``bench_reminders_<name>``, dropped at the end) it fills, with
set-based SQL, N open tasks over the agencies (three in four with an officer
and a leader, the rest reachable only at their official mailbox; three Home
Affairs coordinators; six monitoring departments), due dates spread over the
90 days around the sweep day so that about half the tasks are due soon or
overdue, then times:
  - the first sweep (plan, claim, the recipients handed to the workers in
    chunks; Celery's in-memory broker unless --broker names another);
  - queueing one digest task per recipient, as the workers do for each chunk;
  - the delivery of those digests by --workers processes, as Celery workers
    would, into a counting e-mail backend (bench/counting_backend.py);
  - a second sweep the same day, which must send nothing.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory
os.environ["EMAIL_BACKEND"] = "bench.counting_backend.EmailBackend"

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agencies.models import Agency, Role, User  # noqa: E402
from bench import counting_backend  # noqa: E402
from directives.models import Directive  # noqa: E402
from reform_tracker import celery_app  # noqa: E402
from remediation.models import RemediationTask, ReminderLog, TaskStatus  # noqa: E402
from remediation.services.reminder_digests import reminder_digest_send  # noqa: E402
from remediation.services.reminders import (  # noqa: E402
    DISPATCH_CHUNK,
    reminder_digests_queue,
    reminders_claim,
    reminders_sweep,
    threshold_label,
)

SWEEP_DAY = datetime.date(2019, 12, 1)
SPREAD_DAYS, DAYS_BEFORE = 90, 60  # due dates from 60 days before to 29 after
MONITORS = 6
COORDINATORS = 3
# Out of ten tasks: 5 open, 2 in progress, 1 returned, 1 awaiting approval, 1 submitted.
STATUS_BY_TENTH = (
    [TaskStatus.OPEN] * 5
    + [TaskStatus.IN_PROGRESS] * 2
    + [
        TaskStatus.RETURNED,
        TaskStatus.AWAITING_APPROVAL,
        TaskStatus.SUBMITTED,
    ]
)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def numbers(count: int) -> str:
    """A row source ``g(n)`` of 1..count."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {int(count)}) AS g(n)"
    return (
        f"(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(count)})"
        " SELECT n FROM s) AS g"
    )


def plus_days(day: datetime.date, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"(DATE '{day.isoformat()}' + CAST(({days_sql}) AS INTEGER))"
    return f"date('{day.isoformat()}', ({days_sql}) || ' days')"


def status_case() -> str:
    whens = " ".join(f"WHEN {i} THEN '{s.value}'" for i, s in enumerate(STATUS_BY_TENTH))
    return f"CASE (g.n / 7) % 10 {whens} END"  # not tied to the agency (n % agencies)


def fill(tasks: int, agencies: int) -> dict[str, int]:
    staffed = agencies * 3 // 4
    now = "CURRENT_TIMESTAMP"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table(Agency)} (id, code, name, sort_key, kind, official_email) "
            f"SELECT g.n, 'CQ' || g.n, 'UBND xã Số ' || g.n, '', 'commune_pc', "
            f"'cq' || g.n || '@tuyenquang.example.vn' FROM {numbers(agencies)}"
        )
        Agency.objects.sort_keys_refresh()
        user_columns = (
            "id, password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, agency_id, role"
        )
        users = [  # (first id, count, agency of n, role)
            (0, staffed, "g.n", Role.OFFICER),
            (staffed, staffed, "g.n", Role.LEADER),
            (2 * staffed, COORDINATORS, "1", Role.COORDINATOR),
            (2 * staffed + COORDINATORS, MONITORS, "g.n", Role.MONITOR),
        ]
        for first, count, agency, role in users:
            cursor.execute(
                f"INSERT INTO {table(User)} ({user_columns}) "
                f"SELECT {first} + g.n, '!', %s, 'u' || ({first} + g.n), 'An', 'Nguyễn Văn', "
                f"'u' || ({first} + g.n) || '@example.vn', %s, %s, {now}, {agency}, %s "
                f"FROM {numbers(count)}",
                [False, False, True, role.value],
            )
        directive = Directive.objects.create(
            symbol="57/TB-UBND", number=57, year=2019, doc_type="TB", type_code="TB",
            issuer_code="UBND", issuer_name="UBND tỉnh", issue_date=datetime.date(2019, 6, 18),
            title="Kết luận Hội nghị sơ kết CCHC",
        )  # fmt: skip
        due = plus_days(SWEEP_DAY, f"(CAST(g.n AS BIGINT) * 7919) % {SPREAD_DAYS} - {DAYS_BEFORE}")
        extended = plus_days(
            SWEEP_DAY, f"(CAST(g.n AS BIGINT) * 7919) % {SPREAD_DAYS} - {DAYS_BEFORE} + 10"
        )
        cursor.execute(
            f"INSERT INTO {table(RemediationTask)} (id, directive_id, directive_item, title, "
            "lead_agency_id, monitoring_agency_id, due_date, extended_due_date, status, "
            "created_at, updated_at) "
            f"SELECT g.n, {directive.pk}, '', 'Nhiệm vụ khắc phục số ' || g.n, "
            f"1 + g.n % {agencies}, 1 + g.n % {MONITORS}, {due}, "
            f"CASE WHEN g.n % 20 = 0 THEN {extended} END, {status_case()}, {now}, {now} "
            f"FROM {numbers(tasks)}"
        )
        if connection.vendor == "postgresql":
            for model in (Agency, User, RemediationTask):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table(model)}))"
                )
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a load
    return {"staffed": staffed, "users": User.objects.count()}


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine):
    the machine is shared, and CPU time says more than wall time there."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, func, *, cpu: bool = True):
    started, py_cpu, db_cpu = time.perf_counter(), time.process_time(), backend_cpu()
    result = func()
    seconds = time.perf_counter() - started
    py_cpu, db_cpu = time.process_time() - py_cpu, backend_cpu() - db_cpu
    load = f"load {os.getloadavg()[0]:.1f}"
    usage = f"CPU: Python {py_cpu:.1f} s, PostgreSQL {db_cpu:.1f} s; {load}" if cpu else load
    print(f"{label:<52} {seconds:7.2f} s  ({usage})")
    return result, seconds


def _deliver(keys: list[str]) -> tuple[int, int, int]:
    connections.close_all()  # a fresh connection in each forked process
    sent = sum(reminder_digest_send(recipient_key=k, as_of=SWEEP_DAY) for k in keys)
    connections.close_all()
    return sent, counting_backend.sent["messages"], counting_backend.sent["bytes"]


def deliver(keys: list[str], workers: int) -> tuple[int, int, int]:
    """The digests, split over ``workers`` processes as Celery workers take them."""
    if workers <= 1 or connection.vendor != "postgresql":
        return _deliver(keys)
    connections.close_all()
    chunks = [keys[i::workers] for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_deliver, chunks)
    return tuple(sum(r[i] for r in results) for i in range(3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=12_000)
    parser.add_argument("--workers", type=int, default=2, help="delivery processes")
    parser.add_argument("--broker", default="memory://", help="Celery broker for the sweep")
    parser.add_argument("--fill-only", action="store_true", help="fill, keep the database, stop")
    args = parser.parse_args()

    # No setup_test_environment(): it instruments every template render and
    # would replace the e-mail backend.
    celery_app.conf.update(task_always_eager=False, broker_url=args.broker)
    old_name = connection.settings_dict["NAME"]
    # Not the test suite's database: CI may be running it at the same time.
    scratch = f"bench_reminders_{old_name.rsplit('/', 1)[-1]}"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = scratch
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        counts, _s = timed(f"fill: {args.tasks:,} tasks, {args.agencies:,} agencies",
                           lambda: fill(args.tasks, args.agencies))  # fmt: skip
        print(f"  {counts['users']:,} users; {args.agencies - counts['staffed']:,} agencies "
              "reachable only at their mailbox")  # fmt: skip
        print(f"sweep day {SWEEP_DAY:%d/%m/%Y}")
        if args.fill_only:
            return

        first, first_s = timed("first sweep (plan, claim, enqueue digests)",
                               lambda: reminders_sweep(as_of=SWEEP_DAY))  # fmt: skip
        tasks = sum(first.tasks_by_threshold.values())
        print(f"  {first.claimed:,} reminders claimed for {tasks:,} tasks "
              f"({tasks / args.tasks:.0%} of all); {len(first.recipients):,} digests")  # fmt: skip
        for threshold, count in first.tasks_by_threshold.items():
            print(f"    {threshold_label(threshold):<22} {count:>9,} tasks")
        print("  digests by recipient: " + ", ".join(
            f"{kind} {n:,}" for kind, n in sorted(first.recipients_by_kind.items())))  # fmt: skip

        _queued, queue_s = timed(
            f"queueing the digest tasks (workers, {DISPATCH_CHUNK} a message)",
            lambda: reminder_digests_queue(recipient_keys=first.recipients, as_of=SWEEP_DAY),
        )
        (sent, messages, size), deliver_s = timed(
            f"delivery of the digests by {args.workers} processes",
            lambda: deliver(first.recipients, args.workers),
            cpu=False,
        )
        print(f"  {sent:,} digests sent, {messages:,} messages, {size / 1_048_576:,.0f} MB "
              f"({sent / deliver_s:,.0f} digests/s)")  # fmt: skip
        unsent = ReminderLog.objects.filter(sent_at__isnull=True).count()
        assert unsent == 0 and sent == len(first.recipients), (unsent, sent)

        counting_backend.reset()
        second, second_s = timed("second sweep, same day",
                                 lambda: reminders_sweep(as_of=SWEEP_DAY))  # fmt: skip
        assert second.claimed == 0 and second.recipients == [], second.as_dict()
        with CaptureQueriesContext(connection) as queries:
            reminders_claim(as_of=SWEEP_DAY)
        print(f"  nothing claimed, nothing to send; {len(queries)} queries per claim")
        print()
        print(f"first sweep:   {first_s:6.1f} s (target <= 30)")
        print(f"queueing:      {queue_s:6.1f} s ({len(first.recipients):,} digest tasks)")
        print(f"delivery:      {deliver_s:6.1f} s ({len(first.recipients):,} digests, "
              f"{args.workers} processes)")  # fmt: skip
        print(f"second sweep:  {second_s:6.1f} s (target <= 5)")
    finally:
        connections.close_all()
        if not args.fill_only:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
