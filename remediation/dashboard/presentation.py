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
from .columns import PROVINCIAL
from .ranking import ranking
from .rows import AgencyRow, Counts

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
        self._heads: dict[frozenset, list[tuple[str, str]]] = {}

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
        return _joined(prefix, "&".join(_pair(k, v) for k, v in extra))

    def figures(self, counts: Counts, **params: Any) -> Figure:
        """The links of each class, as ``url(thoi_han=…, **params)``: all
        but the figure's own parameters is encoded once per key set (a page
        shows a thousand figures), each link one concatenation."""
        extra = [(k, format_param(v)) for k, v in params.items() if v is not None]
        keys = frozenset(k for k, _v in extra)
        heads = self._heads.get(keys)
        if heads is None:
            heads = self._heads[keys] = self._class_heads(keys)
        tail = "&".join(_pair(k, v) for k, v in extra)
        return Figure(counts, {name: head + tail for name, head in heads})

    def _class_heads(self, keys: frozenset) -> list[tuple[str, str]]:
        """Each class's link up to the figure's own parameters (``keys``),
        with the separator they follow."""
        heads = []
        for name, value in CLASS_PARAMS.items():
            if value is None:
                head = self._prefix(keys)
            else:
                head = _joined(self._prefix(keys | {"thoi_han"}), _pair("thoi_han", value))
            if keys and not head.endswith("?"):  # the figure's parameters follow
                head += "&"
            heads.append((name, head))
        return heads


def _joined(prefix: str, tail: str) -> str:
    if not tail:
        return prefix
    return prefix + tail if prefix.endswith("?") else f"{prefix}&{tail}"


@dataclasses.dataclass
class Figure:
    """Counts with the task-list URL of each (``links.overdue`` …)."""

    counts: Counts
    links: dict[str, str]


@dataclasses.dataclass(slots=True)
class Line:
    """One agency in the by-agency table; its figure (links) is made only for
    the rows of the page shown."""

    row: AgencyRow
    depth: int  # 1: a commune under its district
    oldest_days: int | None
    figure: Figure | None = None


@dataclasses.dataclass
class Group:
    label: str
    lines: list[Line]


# The table's three groups, in order: the provincial level; districts, each
# followed by its communes; other communes (and any other kind).
GROUP_LABELS = (
    _("Cấp tỉnh (sở, ban, ngành)"),
    _("Cấp huyện và các xã trực thuộc"),
    _("Cấp xã khác"),
)

# ``sap_xep`` values of the by-agency table, each a key of an agency row.
# ``table_sql.SORT_VALUES`` is the same keys in SQL (a test compares them).
SORTS = {
    "ten": lambda row: row.sort_key,
    "tong": lambda row: row.counts.total,
    "dung_han": lambda row: row.counts.completed_on_time,
    "tre_han": lambda row: row.counts.completed_late,
    "trong_han": lambda row: row.counts.within,
    "qua_han": lambda row: row.counts.overdue,
    "ty_le": lambda row: -1 if row.counts.rate is None else row.counts.rate,
    # The oldest overdue due date first is the most days overdue; none last.
    "lau_nhat": lambda row: -row.counts.oldest_due.toordinal() if row.counts.oldest_due else 1,
}


def parse_sort(value: str | None) -> tuple[str, bool]:
    value = value or "ten"
    key, descending = value.lstrip("-"), value.startswith("-")
    return (key, descending) if key in SORTS else ("ten", False)


def _by_name(row: AgencyRow) -> tuple[str, int]:
    return row.sort_key, row.id  # the id: a total order, the same in SQL


def ordered_agencies(
    rows: Iterable[AgencyRow], sort: str | None
) -> list[tuple[str, AgencyRow, int]]:
    """(group label, row, depth) in the table's order (``GROUP_LABELS``; a
    commune under its district has depth 1): by the sort's key, then by
    name. A national table has 12,000 rows: each is sorted by keys computed
    once."""
    key, descending = parse_sort(sort)
    order = SORTS[key]

    def ordered(members: list[AgencyRow]) -> list[AgencyRow]:
        members.sort(key=_by_name, reverse=key == "ten" and descending)
        if key != "ten":
            members.sort(key=order, reverse=descending)  # stable: ties by name
        return members

    rows = list(rows)
    districts = {row.id: row for row in rows if row.kind == AgencyKind.DISTRICT_PC}
    communes: dict[int, list[AgencyRow]] = {}
    provincial, others = [], []
    for row in rows:
        if row.kind in PROVINCIAL:
            provincial.append(row)
        elif row.kind == AgencyKind.COMMUNE_PC and row.parent_id:
            communes.setdefault(row.parent_id, []).append(row)
            if row.parent_id not in districts:  # a district with no task of its own
                districts[row.parent_id] = AgencyRow(
                    row.parent_id,
                    row.parent_name or "",
                    AgencyKind.DISTRICT_PC,
                    None,
                    None,
                    Counts(),
                    row.parent_sort_key or "",
                )
        elif row.kind != AgencyKind.DISTRICT_PC:
            others.append(row)
    province_label, district_label, other_label = (str(label) for label in GROUP_LABELS)
    lines = [(province_label, row, 0) for row in ordered(provincial)]
    for head in ordered(list(districts.values())):
        lines.append((district_label, head, 0))
        lines += [(district_label, row, 1) for row in ordered(communes.get(head.id, []))]
    lines += [(other_label, row, 0) for row in ordered(others)]
    return lines


MAX_PAGE = 1_000_000  # past any table's end, within PostgreSQL's integers


@dataclasses.dataclass(frozen=True)
class TablePage:
    """The part of the by-agency table a page shows."""

    sort: str | None
    offset: int
    per_page: int

    @classmethod
    def parse(cls, sort: str | None, number: str | None, per_page: int) -> TablePage:
        """From the ``sap_xep`` and ``trang`` parameters (page numbers from
        1). A number past the end shows the last page; one too long for the
        database's integers ("²", or a hundred digits) counts as past the end."""
        if number and number.isdecimal():
            number = min(int(number), MAX_PAGE) if len(number) <= 9 else MAX_PAGE
        else:
            number = 1
        return cls(sort, (max(1, number) - 1) * per_page, per_page)


@dataclasses.dataclass
class AgencyTable:
    """One page of the by-agency table, and the ranking."""

    lines: list[tuple[str, AgencyRow, int]]  # the page's: (group label, row, depth)
    count: int  # lines in the whole table
    first: int  # the page's first line, from 0
    best: list[tuple[int, AgencyRow]]  # (rank, row)
    worst: list[tuple[int, AgencyRow]]


def clamped_offset(offset: int, count: int, per_page: int) -> int:
    """The first line of the page asked for, or of the last page."""
    return max(0, min(offset, (count - 1) // per_page * per_page))


def agency_table(rows: list[AgencyRow], page: TablePage) -> AgencyTable:
    """The table from every agency's row (``table_sql`` makes the same in
    the database, for live pages)."""
    return table_page(ordered_agencies(rows, page.sort), ranking(rows), page)


def table_page(lines: list, ranked: tuple[list, list], page: TablePage) -> AgencyTable:
    """The page of the ordered ``lines``, with the ranking's best and last."""
    first = clamped_offset(page.offset, len(lines), page.per_page)
    return AgencyTable(lines[first : first + page.per_page], len(lines), first, *ranked)


def grouped(lines: Iterable[tuple[str, AgencyRow, int]], as_of: datetime.date) -> list[Group]:
    """Consecutive lines of one label as a group, each line with its oldest
    overdue days (no links: ``page_context`` adds those to the rows shown)."""
    groups: list[Group] = []
    for label, row, depth in lines:
        if not groups or groups[-1].label != label:
            groups.append(Group(label, []))
        groups[-1].lines.append(Line(row, depth, row.counts.oldest_overdue_days(as_of)))
    return groups


def grouped_agencies(
    rows: Iterable[AgencyRow], as_of: datetime.date, sort: str | None
) -> list[Group]:
    """The whole by-agency table, grouped (exports)."""
    return grouped(ordered_agencies(rows, sort), as_of)
