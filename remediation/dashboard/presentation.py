"""From figures to what the page shows: links to the task list, agencies
grouped by level and sorted, the ranking, pages."""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind

from ..deadlines import DeadlineState
from ..filters import NOT_COMPLETED_WITHIN
from .figures import AgencyRow, Counts

# The task list's ``thoi_han`` value behind each figure; None: every task.
CLASS_PARAMS = {
    "total": None,
    "completed_on_time": DeadlineState.COMPLETED_ON_TIME.value,
    "completed_late": DeadlineState.COMPLETED_LATE.value,
    "within": NOT_COMPLETED_WITHIN,
    "due_soon": DeadlineState.DUE_SOON.value,
    "overdue": DeadlineState.OVERDUE.value,
}


@functools.lru_cache(maxsize=4096)
def _pair(key: str, value: str) -> str:
    return urlencode({key: value})


def format_param(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class Linker:
    """URLs of the task list (``/``) under the dashboard's filters plus a
    figure's own parameters, which win over the filters."""

    def __init__(self, params: dict[str, Any]):
        self.base = {k: format_param(v) for k, v in params.items() if v not in (None, "")}
        self.path = reverse("home")
        self._prefixes: dict[frozenset, str] = {}

    def _prefix(self, keys: frozenset) -> str:
        """The filters not overridden by ``keys``, encoded once per key set:
        a page holds thousands of links."""
        if keys not in self._prefixes:
            kept = {k: v for k, v in sorted(self.base.items()) if k not in keys}
            self._prefixes[keys] = f"{self.path}?{urlencode(kept)}"
        return self._prefixes[keys]

    def url(self, **params: Any) -> str:
        extra = [(k, format_param(v)) for k, v in params.items() if v is not None]
        prefix = self._prefix(frozenset(k for k, _v in extra))
        tail = "&".join(_pair(k, v) for k, v in extra)
        if not tail:
            return prefix
        return f"{prefix}&{tail}" if not prefix.endswith("?") else prefix + tail

    def figures(self, counts: Counts, **params: Any) -> Figure:
        return Figure(
            counts,
            {name: self.url(thoi_han=value, **params) for name, value in CLASS_PARAMS.items()},
        )


@dataclasses.dataclass
class Figure:
    """Counts with the task-list URL of each (``links.overdue`` …)."""

    counts: Counts
    links: dict[str, str]


@dataclasses.dataclass
class Line:
    """One agency in the by-agency table."""

    row: AgencyRow
    figure: Figure
    depth: int  # 1: a commune under its district
    oldest_days: int | None


@dataclasses.dataclass
class Group:
    label: str
    lines: list[Line]


PROVINCIAL = {AgencyKind.PROVINCIAL_PC, AgencyKind.DEPARTMENT, AgencyKind.PUBLIC_UNIT}

# ``sap_xep`` values of the by-agency table.
SORTS = {
    "ten": lambda line: line.row.name.casefold(),
    "tong": lambda line: line.row.counts.total,
    "dung_han": lambda line: line.row.counts.completed_on_time,
    "tre_han": lambda line: line.row.counts.completed_late,
    "trong_han": lambda line: line.row.counts.within,
    "qua_han": lambda line: line.row.counts.overdue,
    "ty_le": lambda line: -1 if line.row.counts.rate is None else line.row.counts.rate,
    "lau_nhat": lambda line: line.oldest_days or 0,
}


def parse_sort(value: str | None) -> tuple[str, bool]:
    value = value or "ten"
    key, descending = value.lstrip("-"), value.startswith("-")
    return (key, descending) if key in SORTS else ("ten", False)


def grouped_agencies(
    rows: Iterable[AgencyRow], linker: Linker | None, as_of: datetime.date, sort: str | None
) -> list[Group]:
    """Provincial level; districts, each followed by its communes; others.
    Without a linker (exports), no links."""
    key, descending = parse_sort(sort)
    order = SORTS[key]

    def line(row: AgencyRow, depth: int = 0) -> Line:
        figure = linker.figures(row.counts, co_quan=row.id) if linker else Figure(row.counts, {})
        return Line(row, figure, depth, row.counts.oldest_overdue_days(as_of))

    def ordered(lines: list[Line]) -> list[Line]:
        lines.sort(key=lambda item: item.row.name.casefold())  # ties by name
        return sorted(lines, key=order, reverse=descending)

    rows = list(rows)
    districts = {row.id: row for row in rows if row.kind == AgencyKind.DISTRICT_PC}
    communes: dict[int, list[Line]] = {}
    provincial, others = [], []
    for row in rows:
        if row.kind in PROVINCIAL:
            provincial.append(line(row))
        elif row.kind == AgencyKind.COMMUNE_PC and row.parent_id:
            communes.setdefault(row.parent_id, []).append(line(row, depth=1))
            if row.parent_id not in districts:  # a district with no task of its own
                districts[row.parent_id] = AgencyRow(
                    row.parent_id,
                    row.parent_name or "",
                    AgencyKind.DISTRICT_PC,
                    None,
                    None,
                    Counts(),
                )
        elif row.kind != AgencyKind.DISTRICT_PC:
            others.append(line(row))
    district_lines = []
    for head in ordered([line(row) for row in districts.values()]):
        district_lines += [head, *ordered(communes.get(head.row.id, []))]
    groups = [
        Group(str(_("Cấp tỉnh (sở, ban, ngành)")), ordered(provincial)),
        Group(str(_("Cấp huyện và các xã trực thuộc")), district_lines),
        Group(str(_("Cấp xã khác")), ordered(others)),
    ]
    return [group for group in groups if group.lines]


def ranking(rows: Iterable[AgencyRow], size: int = 10) -> tuple[list, list]:
    """Agencies with a known outcome by on-time rate: the best and, when
    there are more than two tables' worth, the last ``size`` too."""
    ranked = sorted(
        (row for row in rows if row.counts.decided),
        key=lambda row: (-row.counts.rate, -row.counts.decided, row.name.casefold()),
    )
    numbered = list(enumerate(ranked, start=1))
    if len(numbered) <= 2 * size:
        return numbered, []
    return numbered[:size], numbered[-size:]
