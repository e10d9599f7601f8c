"""The trend's months, and which tasks each of its two lines counts."""

from __future__ import annotations

import datetime

from django.db.models import Q

from ..deadlines import completed_between_q

DateRange = tuple[datetime.date, datetime.date]
Months = list[DateRange]


def month_window(
    as_of: datetime.date, start: datetime.date | None, end: datetime.date | None, limit: int = 120
) -> Months:
    """The trend's months: the chosen period, else the twelve months to the as-of date."""
    end = end or as_of
    start = start or datetime.date(end.year - (end.month <= 11), (end.month % 12) + 1, 1)
    months = []
    first = datetime.date(start.year, start.month, 1)
    while first <= end and len(months) < limit:
        following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        months.append((max(first, start), min(following - datetime.timedelta(days=1), end)))
        first = following
    return months


def trend_ranges(months: Months, today: datetime.date) -> tuple[DateRange, DateRange]:
    """The days of the two lines: tasks falling due within the months (by
    due month), and tasks completed within them by ``today`` (by completion
    month)."""
    first, last = months[0][0], months[-1][1]
    return (first, last), (first, min(last, today))


def trend_filters(months: Months, today: datetime.date) -> tuple[Q, Q]:
    """``trend_ranges`` as filters, each a range that an index serves (the
    one-scan statement says the same ranges in SQL). The trend's links
    (``hoan_thanh_tu``/``hoan_thanh_den`` of the task list) filter with the
    same ``completed_between_q``."""
    (first, last), (done_first, done_last) = trend_ranges(months, today)
    return (
        Q(effective_due_date__gte=first, effective_due_date__lte=last),
        completed_between_q(done_first, done_last),
    )
