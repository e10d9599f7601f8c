"""The trend's two lines by day, kept with a snapshot.

An earlier as-of date shows the twelve months before it, which the
snapshot's own trend (the twelve months to its day) does not hold; a later
one, months past the snapshot's day, when the snapshot saw no task
completed after it (``as_of``: its completed line then stays flat). Read
from the tasks, those months cost a derived view two GROUP BYs over a
year of tasks (37 ms for the province at 1,000,000 tasks, 100 ms for the
communes' level, through its join). The refresh reads the days once for
each kept view, ``KEPT_MONTHS`` back, and a view at any day whose months
they cover sums them: as the snapshot saw the tasks, as ``as_of`` needs.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools

from django.db.models import Count, Q, QuerySet

from ..deadlines import completed_between_q
from .figures import Month
from .months import Months

# The twelve months before any day of the last year, and the whole of the
# previous calendar year (a kept year's view).
KEPT_MONTHS = 24


def days_read(parts: list[QuerySet], field: str, condition: Q) -> dict[datetime.date, int]:
    """Tasks per day of ``field`` among those ``condition`` selects, over
    the disjoint ``parts`` of a scope: a range of an index each."""
    counts: dict[datetime.date, int] = {}
    for part in parts:
        days = part.filter(condition).order_by().values_list(field).annotate(n=Count("*"))
        for day, n in days:
            counts[day] = counts.get(day, 0) + n
    return counts


@dataclasses.dataclass(frozen=True)
class TrendDays:
    """From ``first``: tasks falling due (to the end of the snapshot's year:
    a year's view shows its months to December) and tasks completed (to the
    snapshot's day), each as running totals, so that any range is one
    subtraction."""

    first: datetime.date
    due: list[int]
    done: list[int]

    def covers(self, months: Months, as_of: datetime.date) -> bool:
        return (
            bool(months)
            and months[0][0] >= self.first
            and months[-1][1] <= self._last(self.due)
            and min(months[-1][1], as_of) <= self._last(self.done)
        )

    def trend(self, months: Months, as_of: datetime.date) -> list[Month]:
        """The months' lines as of ``as_of`` (``months.trend_ranges``):
        falling due within each month, completed within it by ``as_of``."""
        return [
            Month(
                start,
                end,
                self._sum(self.due, start, end),
                self._sum(self.done, start, min(end, as_of)),
            )
            for start, end in months
        ]

    def _last(self, line: list[int]) -> datetime.date:
        return self.first + datetime.timedelta(days=len(line) - 1)

    def _sum(self, line: list[int], start: datetime.date, end: datetime.date) -> int:
        if end < start:
            return 0
        before = (start - self.first).days - 1
        return line[(end - self.first).days] - (line[before] if before >= 0 else 0)

    def to_json(self) -> list:
        return [self.first.isoformat(), self.due, self.done]

    @classmethod
    def from_json(cls, data: list) -> TrendDays:
        first, due, done = data
        return cls(datetime.date.fromisoformat(first), due, done)


def trend_days_compute(parts: list[QuerySet], today: datetime.date) -> TrendDays:
    first = _months_back(today, KEPT_MONTHS)
    due_last = datetime.date(today.year, 12, 31)
    due = days_read(
        parts,
        "effective_due_date",
        Q(effective_due_date__gte=first, effective_due_date__lte=due_last),
    )
    done = days_read(parts, "open_until", completed_between_q(first, today))
    return TrendDays(first, _running(due, first, due_last), _running(done, first, today))


def _months_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _running(counts: dict[datetime.date, int], first: datetime.date, last: datetime.date):
    days = ((first + datetime.timedelta(days=i)) for i in range((last - first).days + 1))
    return list(itertools.accumulate(counts.get(day, 0) for day in days))
