"""The one deadline rule, in Python and in SQL.

A task's deadline class is derived, never stored. It is computed against the
*effective* due date: the extended date when an extension was granted, else
the original one. ``deadline_state`` (one task in Python) and
``deadline_class_expression`` (a whole queryset in SQL) state the same five
cases in the same order; ``tests/test_deadlines.py`` checks them against each
other on every edge.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from .workflow import TaskStatus

DUE_SOON_DAYS = 3  # provincial systems colour tasks due within 3 days orange
# RemediationTask.open_until of a task not completed.
NEVER = datetime.date(9999, 12, 31)


class DeadlineState(models.TextChoices):
    IN_TIME = "in_time", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    COMPLETED_ON_TIME = "completed_on_time", _("Hoàn thành đúng hạn")
    COMPLETED_LATE = "completed_late", _("Hoàn thành quá hạn")


NOT_COMPLETED_IN_TIME = (DeadlineState.IN_TIME, DeadlineState.DUE_SOON)


def deadline_state(
    *,
    status: str,
    due_date: datetime.date,
    completed_on: datetime.date | None,
    today: datetime.date,
) -> DeadlineState:
    """``due_date`` is the effective due date (extended where granted).
    ``today`` may be a past as-of date: a task completed after it was not yet
    completed then."""
    if status == TaskStatus.COMPLETED and (completed_on is None or completed_on <= today):
        # The database guarantees completed_on on a completed task.
        if completed_on is not None and completed_on > due_date:
            return DeadlineState.COMPLETED_LATE
        return DeadlineState.COMPLETED_ON_TIME
    if today > due_date:
        return DeadlineState.OVERDUE
    if (due_date - today).days <= DUE_SOON_DAYS:
        return DeadlineState.DUE_SOON
    return DeadlineState.IN_TIME


def completed_q(today: datetime.date) -> Q:
    """Completed as of ``today``: status completed with completed_on <= today,
    said as one range on ``open_until`` (completed_on, or NEVER while not
    completed; the database ties completed to completed_on)."""
    return Q(open_until__lte=today)


def completed_between_q(first: datetime.date | None, last: datetime.date) -> Q:
    """Completed on a day from ``first`` (when given) to ``last``: the same
    one range on ``open_until``, which ``task_open_until_due`` serves."""
    done = completed_q(last)
    return done & Q(open_until__gte=first) if first else done


def not_completed_q(today: datetime.date) -> Q:
    return Q(open_until__gt=today)


def deadline_q(state: str, today: datetime.date) -> Q:
    """Tasks in one deadline class, as a filter (the classes of tasks not
    completed read the task_open_until_due index alone)."""
    due = "effective_due_date"
    done, not_done = completed_q(today), not_completed_q(today)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # Completed by ``today``, ``open_until`` is the completion date: every
    # class reads the two dates the dashboard's indexes carry.
    return {
        DeadlineState.COMPLETED_LATE: done & Q(open_until__gt=F(due)),
        DeadlineState.COMPLETED_ON_TIME: done & Q(open_until__lte=F(due)),
        DeadlineState.OVERDUE: not_done & Q(**{f"{due}__lt": today}),
        DeadlineState.DUE_SOON: not_done & Q(**{f"{due}__gte": today, f"{due}__lte": soon}),
        DeadlineState.IN_TIME: not_done & Q(**{f"{due}__gt": soon}),
    }[DeadlineState(state)]


def deadline_class_expression(
    today: datetime.date, codes: dict[DeadlineState, int] | None = None
) -> Case:
    """The deadline class of each row, for ``annotate`` and aggregates: the
    ``DeadlineState`` value, or with ``codes`` its number (cheaper to
    compare, for the dashboard's counts). The cases of ``deadline_q``,
    nested: each is tested only once the ones before it failed, so that a
    million rows pay two or three comparisons each, not the eleven of every
    filter."""

    def value(state: DeadlineState) -> Value:
        if codes is None:
            return Value(state.value, output_field=models.CharField())
        return Value(codes[state], output_field=models.IntegerField())

    due = "effective_due_date"
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return Case(
        When(
            completed_q(today),
            then=Case(
                # ``open_until`` is the completion date here (see deadline_q).
                When(open_until__gt=F(due), then=value(DeadlineState.COMPLETED_LATE)),
                default=value(DeadlineState.COMPLETED_ON_TIME),
            ),
        ),
        # Not completed as of today, from here on.
        When(Q(**{f"{due}__lt": today}), then=value(DeadlineState.OVERDUE)),
        When(Q(**{f"{due}__lte": soon}), then=value(DeadlineState.DUE_SOON)),
        default=value(DeadlineState.IN_TIME),
    )
