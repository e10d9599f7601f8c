"""The dashboard's rows of counts, as read from the database."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from agencies.models import AgencyKind

TENTH = Decimal("0.1")


@dataclasses.dataclass(slots=True)
class Counts:
    """Tasks by deadline class (as of one date), and the oldest overdue due date."""

    total: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    in_time: int = 0
    due_soon: int = 0
    overdue: int = 0
    oldest_due: datetime.date | None = None

    @classmethod
    def from_values(cls, values) -> Counts:
        """From the ``COUNT_COLUMNS`` of a query row, in that order."""
        total, on_time, late, in_time, soon, overdue, oldest = values
        return cls(
            total, on_time, late, in_time, soon, overdue, as_date(oldest) if oldest else None
        )

    def add(self, other: Counts) -> None:
        self.total += other.total
        self.completed_on_time += other.completed_on_time
        self.completed_late += other.completed_late
        self.in_time += other.in_time
        self.due_soon += other.due_soon
        self.overdue += other.overdue
        if other.oldest_due and (not self.oldest_due or other.oldest_due < self.oldest_due):
            self.oldest_due = other.oldest_due

    @property
    def within(self) -> int:
        """Not completed and within the deadline (due soon included)."""
        return self.in_time + self.due_soon

    @property
    def completed(self) -> int:
        return self.completed_on_time + self.completed_late

    @property
    def decided(self) -> int:
        """Tasks whose outcome is known: completed, or overdue."""
        return self.completed + self.overdue

    @property
    def rate(self) -> float | None:
        """On-time rate in percent: completed on time among the decided tasks
        (a task still within its deadline may yet be on time)."""
        return 100 * self.completed_on_time / self.decided if self.decided else None

    @property
    def rate_shown(self) -> Decimal | None:
        """``rate`` to one decimal as every page and report shows it: half up
        on its shortest decimal form (12.25 is 12.3, as a spreadsheet shows
        it), not Python's half-even on the binary value (12.2)."""
        rate = self.rate
        return None if rate is None else Decimal(repr(rate)).quantize(TENTH, ROUND_HALF_UP)

    def pressing(self) -> tuple[int, int, int]:
        """Sorts first the most overdue, then the most not completed, then
        the most tasks: what Home Affairs must chase first."""
        return (-self.overdue, -(self.in_time + self.due_soon + self.overdue), -self.total)

    def oldest_overdue_days(self, as_of: datetime.date) -> int | None:
        return (as_of - self.oldest_due).days if self.oldest_due else None

    def to_json(self) -> list[Any]:
        """Compact: a snapshot holds one per agency."""
        oldest = self.oldest_due.isoformat() if self.oldest_due else None
        return [
            self.total,
            self.completed_on_time,
            self.completed_late,
            self.in_time,
            self.due_soon,
            self.overdue,
            oldest,
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Counts:
        *numbers, oldest = data
        return cls(*numbers, datetime.date.fromisoformat(oldest) if oldest else None)


@dataclasses.dataclass(slots=True)
class AgencyRow:
    id: int
    name: str
    kind: str
    parent_id: int | None
    parent_name: str | None
    counts: Counts
    # ``Agency.sort_key`` of the agency and of its parent: names are ordered
    # by them, in SQL and in Python alike.
    sort_key: str = ""
    parent_sort_key: str | None = None

    @property
    def kind_label(self) -> str:
        return str(AgencyKind(self.kind).label) if self.kind in AgencyKind.values else self.kind


@dataclasses.dataclass
class DimensionCounts:
    """Counts by the finding's reform area, (area, criterion), inspection,
    and directing document (a task counts once under each document it
    answers: its own directive and its finding's, when they differ)."""

    areas: dict[int, Counts] = dataclasses.field(default_factory=dict)
    criteria: dict[tuple[int, int], Counts] = dataclasses.field(default_factory=dict)
    inspections: dict[int, Counts] = dataclasses.field(default_factory=dict)
    directives: dict[int, Counts] = dataclasses.field(default_factory=dict)


def as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value
