"""Periodic report cycles: each period's report task per agency, created once,
``lead_days`` before its due date (daily beat job ``report-cycle-tasks``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import (
    RemediationTask,
    ReportingCycleTask,
    ReportingFrequency,
    ReportingObligation,
    ReportPeriod,
)

# The months each period covers (a cumulative report starts in January).
SPANS = {
    ReportPeriod.Q1: (1, 3),
    ReportPeriod.H1: (1, 6),
    ReportPeriod.Q3: (7, 9),
    ReportPeriod.M9: (1, 9),
    ReportPeriod.YEAR: (1, 12),
}


@dataclass(frozen=True, slots=True)
class Cycle:
    period: str
    year: int
    due: datetime.date
    data_from: datetime.date
    data_to: datetime.date


def obligation_periods(obligation: ReportingObligation) -> list[str]:
    q3 = ReportPeriod.M9 if obligation.q3_cumulative else ReportPeriod.Q3
    return {
        ReportingFrequency.QUARTER: [ReportPeriod.Q1, ReportPeriod.H1, q3, ReportPeriod.YEAR],
        ReportingFrequency.HALF_YEAR: [ReportPeriod.H1, ReportPeriod.YEAR],
        ReportingFrequency.YEAR: [ReportPeriod.YEAR],
    }[obligation.frequency]


def cycle_of(obligation: ReportingObligation, period: str, year: int) -> Cycle:
    """Due on ``due_day`` of the last month; data from the day after
    ``cutoff_day`` of the month before the first month to ``cutoff_day`` of
    the last (CCHC: Q1 15/12–14/03, due 20/03)."""
    first, last = SPANS[ReportPeriod(period)]
    before_year, before_month = (year - 1, 12) if first == 1 else (year, first - 1)
    return Cycle(
        period=period,
        year=year,
        due=datetime.date(year, last, obligation.due_day),
        data_from=datetime.date(before_year, before_month, obligation.cutoff_day + 1),
        data_to=datetime.date(year, last, obligation.cutoff_day),
    )


def cycles_to_create(obligation: ReportingObligation, as_of: datetime.date) -> list[Cycle]:
    """Periods whose creation day has come and whose due date has not passed,
    within the obligation's dates. A missed period is not created late."""
    found = []
    for year in (as_of.year, as_of.year + 1):
        for period in obligation_periods(obligation):
            cycle = cycle_of(obligation, period, year)
            opens = cycle.due - datetime.timedelta(days=obligation.lead_days)
            in_force = obligation.starts_on <= cycle.due and (
                obligation.ends_on is None or cycle.due <= obligation.ends_on
            )
            if in_force and opens <= as_of <= cycle.due:
                found.append(cycle)
    return found


def cycle_title(obligation: ReportingObligation, cycle: Cycle) -> str:
    # Stored data: written in the site's language whatever the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "title": obligation.title,
            "period": ReportPeriod(cycle.period).label,
            "year": cycle.year,
            "start": cycle.data_from.strftime("%d/%m/%Y"),
            "end": cycle.data_to.strftime("%d/%m/%Y"),
        }
        if cycle.period == ReportPeriod.YEAR:
            return _("%(title)s năm %(year)s (số liệu từ %(start)s đến %(end)s)") % params
        return _("%(title)s %(period)s năm %(year)s (số liệu từ %(start)s đến %(end)s)") % params


def report_cycles_create(*, as_of: datetime.date) -> int:
    """Create the report tasks due soon that do not exist yet; the number created.

    Idempotent: existing (obligation, agency, year, period) links are skipped,
    the unique constraint forbids a second one, and the obligation rows are
    locked so two runs at once do not both create the same tasks.
    """
    created = 0
    with transaction.atomic():
        obligations = (
            ReportingObligation.objects.filter(is_active=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
            .select_related("directive")
            .prefetch_related("agencies")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        for obligation in obligations:
            created += _create_for(obligation, as_of)
    return created


def _create_for(obligation: ReportingObligation, as_of: datetime.date) -> int:
    cycles = cycles_to_create(obligation, as_of)
    if not cycles:
        return 0
    existing = set(
        ReportingCycleTask.objects.filter(
            obligation=obligation, year__in={c.year for c in cycles}
        ).values_list("agency_id", "year", "period")
    )
    wanted = [
        (cycle, agency)
        for cycle in cycles
        for agency in obligation.agencies.all()
        if agency.is_valid_on(cycle.due) and (agency.pk, cycle.year, cycle.period) not in existing
    ]
    tasks = RemediationTask.objects.bulk_create(
        RemediationTask(
            directive=obligation.directive,
            directive_item=obligation.title,
            title=cycle_title(obligation, cycle),
            lead_agency=agency,
            due_date=cycle.due,
        )
        for cycle, agency in wanted
    )
    ReportingCycleTask.objects.bulk_create(
        ReportingCycleTask(
            obligation=obligation, agency=agency, year=cycle.year, period=cycle.period, task=task
        )
        for (cycle, agency), task in zip(wanted, tasks, strict=True)
    )
    return len(tasks)
