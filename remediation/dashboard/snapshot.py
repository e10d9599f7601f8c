"""The unfiltered dashboards of the province, of each of its agency levels
and of each monitoring department, stored as of today.

Aggregating a million tasks takes seconds, and a monitoring department's
scope (every task of its reform areas, over nearly every agency) a quarter
of a second; a page must not. With at least ``DASHBOARD_SNAPSHOT_MIN_TASKS``
tasks in the province, Celery beat recomputes those figures every
``DASHBOARD_SNAPSHOT_MINUTES``, and Home Affairs' unfiltered dashboard,
and that of a user of a monitoring department, read them. The province's
are brought up to date with the tasks written since (``current``); a
monitoring department's may be that many minutes old (the page says when
they were computed). The task list behind a link is live. A snapshot older than twice that
(the worker or beat stopped), or of an earlier day (the first looks after
midnight), serves only brought up to date with every change since it
(``as_of``), else the page aggregates live. Home Affairs'
view of one agency level (``cap`` alone: the communes lead nine tasks in
ten) reads that level's snapshot the same way, and so does her view of
the current or the previous calendar year (``tu_ngay`` 01/01 to
``den_ngay`` 31/12 alone: the year-end CCHC assessment's period, a fifth of
the tasks). The province and its communes' level are also kept as of the
end of each quarter of this year and of each of the last
``YEAR_ENDS_KEPT`` years (``kept_days``), from which an earlier day is
derived. Every other
filtered view, and every other scope, is live.
"""

from __future__ import annotations

import collections
import datetime
import logging
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import AgencyKind, ReformArea
from reform_tracker.memory import collection_paused

from ..models import DashboardSnapshot, RemediationTask
from ..selectors import agency_scope_tasks
from . import writes
from .as_of import figures_earlier_in_refresh
from .figures import AgencyRow, Counts, Figures, Month, NamedRow, figures_compute
from .forms import DashboardFilterForm
from .months import month_window
from .trend_days import TrendDays, trend_days_compute

logger = logging.getLogger(__name__)


def _named_json(row: NamedRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "counts": row.counts.to_json(),
        "children": [_named_json(child) for child in row.children],
    }


def _named(data: dict[str, Any]) -> NamedRow:
    return NamedRow(
        data["id"],
        data["name"],
        Counts.from_json(data["counts"]),
        [_named(child) for child in data["children"]],
    )


def figures_to_json(figures: Figures) -> dict[str, Any]:
    return {
        "as_of": figures.as_of.isoformat(),
        "total": figures.total.to_json(),
        "agencies": [
            [
                row.id,
                row.name,
                row.kind,
                row.parent_id,
                row.parent_name,
                row.counts.to_json(),
                row.sort_key,
                row.parent_sort_key,
            ]
            for row in figures.agencies
        ],
        "areas": [_named_json(row) for row in figures.areas],
        "directives": [_named_json(row) for row in figures.directives],
        "inspections": [_named_json(row) for row in figures.inspections],
        "trend": [
            [m.start.isoformat(), m.end.isoformat(), m.falling_due, m.completed]
            for m in figures.trend
        ],
        "days": figures.days.to_json() if figures.days else None,
    }


def figures_from_json(data: dict[str, Any], computed_at: datetime.datetime) -> Figures:
    day = datetime.date.fromisoformat
    return Figures(
        as_of=day(data["as_of"]),
        total=Counts.from_json(data["total"]),
        agencies=[
            AgencyRow(pk, name, kind, parent, parent_name, Counts.from_json(counts), *keys)
            for pk, name, kind, parent, parent_name, counts, *keys in data["agencies"]
        ],
        areas=[_named(row) for row in data["areas"]],
        directives=[_named(row) for row in data["directives"]],
        inspections=[_named(row) for row in data["inspections"]],
        trend=[Month(day(a), day(b), due, done) for a, b, due, done in data["trend"]],
        computed_at=computed_at,
        days=TrendDays.from_json(data["days"]) if data.get("days") else None,
    )


# The snapshot last decoded in this process of each view (agency, level,
# period, a kept day or None), with its (pk, computed_at): decoding 12,000
# agencies' rows on every request would cost more than the page's whole
# budget. As many views as a province has: its own, its five levels', its
# two years', its and its communes' kept days (up to six each) and its
# monitoring departments' (about thirty).
_decoded: collections.OrderedDict[tuple, tuple[tuple, Figures]] = collections.OrderedDict()
DECODED_KEPT = 32


Period = tuple[datetime.date | None, datetime.date | None]
EVERY_TASK: Period = (None, None)
YEARS_KEPT = 2  # the current year and the previous one


def year_period(year: int) -> Period:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def kept_years(today: datetime.date) -> list[Period]:
    """The periods the refresh keeps besides every task: the calendar years
    the province assesses, this one and the last."""
    return [year_period(today.year - back) for back in range(YEARS_KEPT)]


# The province and its communes' level (nine tasks in ten) are also kept as
# of the end of each quarter of this year before today, and of each of the
# last ``YEAR_ENDS_KEPT`` years: a day is derived from the first of them on
# or after it, a quarter or a year of tasks to shift at most, where from
# today it was up to a year (this year's days) or two or three (then live,
# every task grouped). A smaller level's day shifts few tasks from today's.
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30))
YEAR_ENDS_KEPT = 3
KEPT_DAYS_LEVELS = ("", AgencyKind.COMMUNE_PC)


def kept_days(today: datetime.date) -> list[datetime.date]:
    """The days the province is kept as of besides today, latest first."""
    quarters = [datetime.date(today.year, *end) for end in reversed(QUARTER_ENDS)]
    years = [datetime.date(today.year - back, 12, 31) for back in range(1, YEAR_ENDS_KEPT + 1)]
    return [day for day in quarters if day < today] + years


def kept_day_for(as_of: datetime.date, today: datetime.date) -> datetime.date | None:
    """The kept day (``kept_days``) ``as_of`` is derived from: the first on
    or after it, for a day of the years kept; None: today's snapshot."""
    days = kept_days(today)
    if as_of > days[0] or as_of.year < days[-1].year:
        return None
    return min(day for day in days if day >= as_of)


def snapshot_figures(
    as_of: datetime.date,
    agency_id: int | None = None,
    level: str = "",
    period: Period = EVERY_TASK,
    *,
    exact: bool = False,
) -> Figures | None:
    """The latest snapshot of a day up to ``as_of`` (today's; after
    midnight, until the refresh has run, yesterday's), or with ``exact``
    of that day (``kept_days``), of the province (no agency), of one of
    its agency ``level``s, of a kept year (``period``), or of a monitoring
    department's scope, if snapshots are on and one exists; fresh or not
    (``snapshot_fresh``)."""
    if not settings.DASHBOARD_SNAPSHOT_MIN_TASKS:
        return None
    first, last = period
    latest = (
        DashboardSnapshot.objects.filter(
            **({"as_of": as_of} if exact else {"as_of__lte": as_of}),
            agency_id=agency_id,
            level=level,
            period_from=first,
            period_to=last,
        )
        .order_by("-as_of", "-computed_at")
        .values_list("pk", "computed_at")
        .first()
    )
    if latest is None:
        return None
    view = (agency_id, level, first, last, as_of if exact else None)
    if _decoded.get(view, (None,))[0] != latest:
        pk, computed_at = latest
        data, seen = DashboardSnapshot.objects.values_list("data", "seen").get(pk=pk)
        figures = figures_from_json(orjson.loads(data), computed_at)
        figures.seen = seen
        figures.memo = {}
        figures.snapshot_agency_id = agency_id
        _dropped(view)  # the view's earlier snapshot, refreshed since
        _decoded[view] = (latest, figures)
        while len(_decoded) > DECODED_KEPT:
            _dropped(next(iter(_decoded)))
    _decoded.move_to_end(view)
    return _decoded[view][1]


def _dropped(view: tuple) -> None:
    """Forget a view's decoded snapshot, and what its memo keeps: figures
    derived from it name it as their basis, a cycle. Cleared, its 100,000
    objects (a national catalogue's) are freed at once; left to the cyclic
    collector, one collection that found several took 550 ms of some later
    page."""
    _key, figures = _decoded.pop(view, (None, None))
    if figures is not None and figures.memo:
        figures.memo.clear()


def snapshot_fresh(figures: Figures) -> bool:
    """Computed within two of beat's intervals: older, the worker or beat
    has stopped, and the snapshot serves only with every change since it
    counted."""
    oldest = timezone.now() - datetime.timedelta(minutes=2 * settings.DASHBOARD_SNAPSHOT_MINUTES)
    return figures.computed_at >= oldest


REFRESH_SOON_KEY = "dashboard-snapshot-refresh-soon"
REFRESH_SOON_SECONDS = 60


def snapshot_refresh_soon() -> None:
    """Home Affairs' page found no fresh snapshot (just deployed, a new day,
    beat not yet run): have Celery make one now, not at beat's next run,
    at most once a minute. Below the threshold the job only checks it."""
    if settings.DASHBOARD_SNAPSHOT_MIN_TASKS and cache.add(
        REFRESH_SOON_KEY, True, timeout=REFRESH_SOON_SECONDS
    ):
        transaction.on_commit(_refresh_queued)


def _refresh_queued() -> None:
    from ..reports.tasks import refresh_dashboard_snapshot

    try:
        # No retries: a page that only reads must not wait on the broker.
        refresh_dashboard_snapshot.apply_async(retry=False)
    except Exception:  # the broker is down: beat's next run makes it
        logger.warning("Dashboard snapshot refresh not queued", exc_info=True)


def dashboard_snapshot_refresh() -> DashboardSnapshot | None:
    """Recompute the snapshots when the province has enough tasks to need
    them (the province's is returned); otherwise drop any, so that a small
    province is always live."""
    writes.pages_visible_again()
    threshold = settings.DASHBOARD_SNAPSHOT_MIN_TASKS
    tasks = RemediationTask.objects.all()
    # Whether there is a threshold-th task, without counting them all.
    if not threshold or not tasks.order_by().values_list("pk")[threshold - 1 : threshold]:
        DashboardSnapshot.objects.all().delete()
        writes.forget_all()
        return None
    today = timezone.localdate()
    started = timezone.now()
    # Every figure from one database snapshot, kept with them: a view at an
    # earlier date is derived from them while nothing was written since
    # (``as_of``). Only a transaction of its own can be made REPEATABLE READ
    # (a test's is not).
    isolate = not connection.in_atomic_block
    with transaction.atomic():
        seen = writes.snapshot_begin(isolate=isolate)
        pruned, pruned_at = _forgotten(seen, started)
        # Some 100,000 rows' objects a view, no cycles: as they piled up the
        # collector walked them again and again (1.5 s of a national refresh).
        with collection_paused():
            computed = _computed(tasks, today)
        snapshots = [
            DashboardSnapshot.objects.create(
                agency_id=agency_id,
                level=level,
                period_from=first,
                period_to=last,
                as_of=day,
                computed_at=started,
                data=orjson.dumps(figures_to_json(figures)).decode(),
                seen=seen,
                pruned=pruned,
                pruned_at=pruned_at,
            )
            for (agency_id, level, (first, last), day), figures in computed.items()
        ]
        DashboardSnapshot.objects.exclude(pk__in=[s.pk for s in snapshots]).delete()
        writes.forget_seen(pruned)
    return snapshots[0]


# How long the writes a refresh saw are kept after it: the columns a web
# process holds (``in_memory``), used at least this often, are brought up to
# date with them rather than read again (1.1–1.4 s at 1,000,000 tasks).
WRITES_KEPT = datetime.timedelta(hours=1)


def _forgotten(seen: str, started: datetime.datetime) -> tuple[str, datetime.datetime]:
    """The database snapshot whose writes this refresh forgets, and when it
    was taken: the previous refresh's, once the one last forgotten is
    ``WRITES_KEPT`` old; with no previous refresh, its own (nothing older
    is needed)."""
    previous = DashboardSnapshot.objects.values("seen", "computed_at", "pruned", "pruned_at")
    previous = previous.first()
    if previous is None:
        return seen, started
    if previous["pruned_at"] and previous["pruned_at"] > started - WRITES_KEPT:
        return previous["pruned"], previous["pruned_at"]
    return previous["seen"], previous["computed_at"]


def _computed(tasks, today: datetime.date) -> dict[tuple, Figures]:
    """The figures of every kept view, by (agency, level, period, as-of day)."""
    months = month_window(today, None, None)
    computed = {(None, "", EVERY_TASK, today): _kept(tasks, None, today, months)}
    for level in AgencyKind.values:
        # The very filter of the page's ``cap``.
        of_level = DashboardFilterForm({"cap": level}).apply(tasks)
        computed[None, level, EVERY_TASK, today] = _kept(of_level, None, today, months)
    for first, last in kept_years(today):
        # The very filters of the page's period, and its trend's months.
        form = DashboardFilterForm({"tu_ngay": f"{first:%d/%m/%Y}", "den_ngay": f"{last:%d/%m/%Y}"})
        computed[None, "", (first, last), today] = _kept(
            form.apply(tasks), None, today, month_window(today, first, last)
        )
    # Only where a page derives another day from them (``as_of``).
    for level in KEPT_DAYS_LEVELS if connection.vendor == "postgresql" else ():
        later = computed[None, level, EVERY_TASK, today]
        of_level = DashboardFilterForm({"cap": level}).apply(tasks) if level else tasks
        for day in kept_days(today):  # each from the one after it, today's first
            later = computed[None, level, EVERY_TASK, day] = _kept_earlier(of_level, later, day)
    monitors = (
        ReformArea.objects.exclude(monitoring_agency=None)
        .order_by()
        .values_list("monitoring_agency_id", flat=True)
        .distinct()
    )
    for agency_id in monitors:
        scope, parts = agency_scope_tasks(agency_id=agency_id)
        computed[agency_id, "", EVERY_TASK, today] = _kept(scope, parts, today, months)
    return computed


def _kept_earlier(tasks, later: Figures, day: datetime.date) -> Figures:
    """A view of ``tasks`` as of a kept ``day``: derived from its figures at a
    later kept day as a page derives an earlier day (``as_of``: a quarter
    or a year of tasks, where an aggregate groups them all), else computed."""
    months = month_window(day, None, None)
    figures = figures_earlier_in_refresh(later, tasks=tasks, as_of=day, months=months)
    if figures is None:
        return _kept(tasks, None, day, months)
    # A day of its year shows the twelve months before it: the later
    # day's trend days serve where they reach that far back.
    reach = later.days is not None and later.days.first <= datetime.date(day.year - 1, 1, 1)
    figures.days = later.days if reach else trend_days_compute([tasks], day)
    return figures


def _kept(tasks, parts, day: datetime.date, months) -> Figures:
    """A kept view's figures as of ``day``, and its trend's days for
    another day's (derived on PostgreSQL only: ``as_of``)."""
    figures = figures_compute(tasks, parts=parts, as_of=day, months=months)
    if connection.vendor == "postgresql":
        figures.days = trend_days_compute(parts or [tasks], day)
    return figures
