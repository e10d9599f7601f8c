"""The province-wide, unfiltered dashboard stored as of today.

Aggregating a million tasks with the finding join takes seconds; a page
must not. With at least ``DASHBOARD_SNAPSHOT_MIN_TASKS`` tasks, Celery beat
recomputes the unfiltered province figures every
``DASHBOARD_SNAPSHOT_MINUTES`` and the coordinator's unfiltered dashboard
reads them: its figures may then be that many minutes old (the page says
when they were computed), and the task list behind a link is live. A
snapshot older than twice that, or of another day, is not used: the page
aggregates live. Every filtered view, and every narrower scope, is live.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import DashboardSnapshot, RemediationTask
from .figures import AgencyRow, Counts, Figures, Month, NamedRow, figures_compute, month_window


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
    )


# The last snapshot decoded in this process: decoding 12,000 agencies' rows
# on every request would cost more than the page's whole budget.
_decoded: dict[tuple, Figures] = {}


def snapshot_figures(as_of: datetime.date) -> Figures | None:
    """Today's fresh snapshot, if snapshots are on and one exists."""
    if not settings.DASHBOARD_SNAPSHOT_MIN_TASKS:
        return None
    oldest = timezone.now() - datetime.timedelta(minutes=2 * settings.DASHBOARD_SNAPSHOT_MINUTES)
    latest = (
        DashboardSnapshot.objects.filter(as_of=as_of, computed_at__gte=oldest)
        .order_by("-computed_at")
        .values_list("pk", "computed_at")
        .first()
    )
    if latest is None:
        return None
    pk, computed_at = latest
    if latest not in _decoded:
        data = DashboardSnapshot.objects.values_list("data", flat=True).get(pk=pk)
        figures = figures_from_json(data, computed_at)
        figures.memo = {}
        _decoded.clear()
        _decoded[latest] = figures
    return _decoded[latest]


def dashboard_snapshot_refresh() -> DashboardSnapshot | None:
    """Recompute the snapshot when the province has enough tasks to need one;
    otherwise drop any, so that a small province is always live."""
    threshold = settings.DASHBOARD_SNAPSHOT_MIN_TASKS
    tasks = RemediationTask.objects.all()
    # Whether there is a threshold-th task, without counting them all.
    if not threshold or not tasks.order_by().values_list("pk")[threshold - 1 : threshold]:
        DashboardSnapshot.objects.all().delete()
        return None
    today = timezone.localdate()
    started = timezone.now()
    figures = figures_compute(tasks, as_of=today, months=month_window(today, None, None))
    with transaction.atomic():
        snapshot = DashboardSnapshot.objects.create(
            as_of=today, computed_at=started, data=figures_to_json(figures)
        )
        DashboardSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot
