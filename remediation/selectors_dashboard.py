"""Reads of the dashboard and the synthesis reports (see remediation.dashboard)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agencies.models import Agency, User

from .dashboard import current, in_memory, writes
from .dashboard.as_of import figures_before
from .dashboard.figures import Figures, figures_compute, figures_from_grouped
from .dashboard.forms import DashboardFilterForm
from .dashboard.months import Months, month_window
from .dashboard.presentation import TablePage
from .dashboard.snapshot import (
    EVERY_TASK,
    KEPT_DAYS_LEVELS,
    Period,
    kept_day_for,
    kept_years,
    snapshot_figures,
    snapshot_fresh,
    snapshot_refresh_soon,
)
from .dashboard.task_columns import Filters
from .models import (
    DashboardSnapshot,
    ExtensionRequest,
    RemediationReport,
    RemediationTask,
    ReportState,
)
from .selectors import task_parts_visible_to, tasks_visible_to, visible_agency_ids


def dashboard_tasks(*, user: User, form: DashboardFilterForm) -> QuerySet[RemediationTask]:
    """Exactly the tasks the task list shows for the same parameters."""
    return form.apply(tasks_visible_to(user=user))


def dashboard_figures(
    *, user: User, form: DashboardFilterForm, live: bool = False, page: TablePage | None = None
) -> Figures:
    """The figures of the user's scope under the form's filters. With a
    ``page``, the by-agency table's page and the ranking are in
    ``Figures.table`` (a snapshot's are derived from ``agencies`` by the page)."""
    as_of = form.as_of()
    filters = form.active()
    province = visible_agency_ids(user=user) is None
    level = filters.pop("cap", "") if province else ""
    period = (filters.pop("tu_ngay", None), filters.pop("den_ngay", None))
    parts = [form.apply(part) for part in task_parts_visible_to(user=user)]
    months = month_window(as_of, *form.period())
    if not live and not filters:
        # The snapshot kept, what was written since it and the tasks, as of
        # one database snapshot (``writes.consistent``).
        with writes.consistent() as isolated:
            figures = _from_kept(
                user=user,
                province=province,
                level=level,
                period=period,
                parts=parts,
                as_of=as_of,
                months=months,
                isolated=isolated,
            )
        if figures is not None:
            return figures
    if province and not live:
        figures = _from_memory(form=form, as_of=as_of, months=months)
        if figures is not None:
            return figures
    return figures_compute(
        dashboard_tasks(user=user, form=form),
        parts=parts,
        as_of=as_of,
        months=months,
        page=page,
        names=form.names,
    )


def _from_kept(
    *,
    user: User,
    province: bool,
    level: str,
    period: Period,
    parts: list[QuerySet[RemediationTask]],
    as_of: datetime.date,
    months: Months,
    isolated: bool,
) -> Figures | None:
    """The view from a snapshot kept: the province's (or one of its levels'
    or kept years'), or a monitoring department's (one of its users sees
    exactly ``agency_scope_tasks`` of it); no other scope has one. Its own
    day is brought up to date with the tasks written since (``current``),
    another day derived from it (``figures_before``): an earlier one, a
    later one, and today from yesterday's until the day's first refresh.
    None: none kept, or the view cannot be derived from it."""
    today = timezone.localdate()
    if province and (period == EVERY_TASK or (not level and period in kept_years(today))):
        days_kept = period == EVERY_TASK and level in KEPT_DAYS_LEVELS
        day = kept_day_for(as_of, today) if days_kept else None
        # An earlier day from the first kept day on or after it; else (or
        # until the refresh has kept that one) from today's.
        kept = day and snapshot_figures(day, level=level, exact=True)
        kept = kept or snapshot_figures(today, level=level, period=period)
        if kept is None:
            snapshot_refresh_soon()
            return None
    elif user.agency_id and period == EVERY_TASK:
        kept = snapshot_figures(today, agency_id=user.agency_id)
        if kept is None:
            return None
    else:
        return None
    # Outside a transaction of its own, a write could land between the
    # reads: the snapshot is shown as computed, and no date derived.
    unseen = writes.unseen(kept.seen, up_to=current.CHANGES_UP_TO) if isolated else None
    in_scope = None
    if unseen is not None and unseen.countable(supporting=not province):
        in_scope = (
            current.province_scope(level, period, unseen.changes)
            if province
            else current.agency_scope(user.agency_id, unseen.changes)
        )
    fresh = snapshot_fresh(kept)
    new_day = timezone.localdate(kept.computed_at) != today
    if (isolated and in_scope is None) or not fresh or new_day:
        # The writes since it cannot be counted (an import of thousands of
        # tasks, an agency written), beat or the worker stopped, or a new
        # day began: a new snapshot now, not at beat's next run, so the
        # page shows them within seconds.
        snapshot_refresh_soon()
    if not fresh and in_scope is None:
        return None  # an old snapshot serves only brought up to date
    if as_of == kept.as_of:
        return current.figures_now(kept, unseen, in_scope=in_scope, parts=parts)
    if province and isolated and in_memory.usable(_pruned() or ""):
        # Counted from the columns this process holds: 130–180 ms whatever
        # the day and the writes since, where deriving it took up to 310.
        return None
    return figures_before(
        kept, parts=parts, as_of=as_of, months=months, unseen=unseen, in_scope=in_scope
    )


def _from_memory(
    *, form: DashboardFilterForm, as_of: datetime.date, months: Months
) -> Figures | None:
    """A province view no snapshot keeps, from the tasks' columns in memory
    (``in_memory``), where the snapshots are on (their refresh keeps the
    writes the columns are brought up to date with) and one transaction
    sees them and the tasks; None: aggregated in the database."""
    if connection.vendor != "postgresql" or not settings.DASHBOARD_SNAPSHOT_MIN_TASKS:
        return None
    with writes.consistent() as isolated:
        if not isolated:
            return None
        pruned = _pruned()
        if not pruned:
            return None
        return in_memory.province_figures(
            Filters.of(form.active()),
            as_of,
            months,
            pruned=pruned,
            build=lambda grouped: figures_from_grouped(
                grouped, as_of=as_of, months=months, names=form.names
            ),
        )


def _pruned() -> str | None:
    """What the latest refresh forgot (``DashboardSnapshot.pruned``); None:
    no snapshot."""
    return DashboardSnapshot.objects.values_list("pruned", flat=True).first()


def agency_report_tasks(*, user: User, agency: Agency) -> QuerySet[RemediationTask]:
    """The tasks an agency leads (within the user's scope), with what its
    report is written from: sent report versions (newest first) with their
    evidence, and extension requests (newest first)."""
    sent = (
        RemediationReport.objects.exclude(state=ReportState.DRAFT)
        .order_by("-version")
        .prefetch_related("evidence")
    )
    return (
        tasks_visible_to(user=user)
        .filter(lead_agency=agency)
        .select_related("finding", "finding__inspection", "finding__source_directive", "directive")
        .prefetch_related(
            Prefetch("reports", queryset=sent, to_attr="sent_reports"),
            Prefetch(
                "extensions",
                queryset=ExtensionRequest.objects.order_by("-requested_at"),
                to_attr="sorted_extensions",
            ),
        )
        .order_by("finding__code", "due_date", "pk")
    )
