"""The rows of a snapshot's figures with the changes since it counted
(``current.brought_up_to_date``): only the rows a change touches are
visited, each at its place."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from agencies.models import Agency, Criterion, ReformArea
from directives.models import Directive

from ..models import Inspection
from .figures import AGENCY_FIELDS, NamedRow
from .rows import AgencyRow

if TYPE_CHECKING:
    from .figures import Figures


class Names:
    """Names of the rows the snapshot did not have, read on first need."""

    def __init__(self, by_key: Iterable[tuple[str, object]]):
        self.wanted: dict[str, set] = collections.defaultdict(set)
        for kind, pk in by_key:
            self.wanted[kind].add(pk)
        self._read: dict[str, dict] = {}

    def of(self, kind: str) -> dict:
        if kind not in self._read:
            ids = self.wanted[kind]
            if kind == "agency":
                fields = [f.removeprefix("lead_agency__") for f in AGENCY_FIELDS[1:]]
                rows = Agency.objects.filter(pk__in=ids).values_list("pk", *fields)
                self._read[kind] = {row[0]: row[1:] for row in rows}
            elif kind == "area":
                self._read[kind] = dict(ReformArea.objects.values_list("pk", "name"))
            elif kind == "criterion":
                rows = Criterion.objects.filter(pk__in={c for _a, c in ids})
                self._read[kind] = {
                    pk: f"{code}. {name}"
                    for pk, code, name in rows.values_list("pk", "code", "name")
                }
            elif kind == "document":
                rows = Directive.objects.filter(pk__in=ids).values_list("pk", "symbol")
                self._read[kind] = dict(rows)
            else:
                rows = Inspection.objects.filter(pk__in=ids).values_list("pk", "name")
                self._read[kind] = dict(rows)
        return self._read[kind]

    def area_order(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.of("area"))}


def _renewed(rows: list, positions: dict, pks: list, renew: Callable) -> tuple[list, list]:
    """``rows`` with the row of each of ``pks`` at its place (``positions``)
    renewed: ``renew(row)``, or None for a row left with no task (dropped);
    then the ``pks`` that have no row. Only those rows are visited: a
    national table has 12,000 agencies and 15,000 documents and inspections."""
    result = list(rows)
    missing, emptied = [], False
    for pk in pks:
        at = positions.get(pk)
        if at is None:
            missing.append(pk)
            continue
        result[at] = renew(result[at])
        emptied = emptied or result[at] is None
    return ([row for row in result if row is not None] if emptied else result), missing


def agencies_renewed(figures: Figures, pks: list, counts, names: Names) -> list[AgencyRow]:
    """By id, as the snapshot's; without those left with no task."""

    def renew(row: AgencyRow) -> AgencyRow | None:
        now = counts(("agency", row.id), row.counts)
        if not now.total:
            return None
        return AgencyRow(
            row.id,
            row.name,
            row.kind,
            row.parent_id,
            row.parent_name,
            now,
            row.sort_key,
            row.parent_sort_key,
        )

    result, added = _renewed(figures.agencies, figures.agency_positions(), pks, renew)
    for pk in sorted(added):
        now = counts(("agency", pk), None)
        if now.total:
            name, kind, parent, parent_name, key, parent_key = names.of("agency")[pk]
            result.append(AgencyRow(pk, name, kind, parent, parent_name, now, key, parent_key))
    if added:
        result.sort(key=lambda row: row.id)
    return result


def named_renewed(
    rows: list[NamedRow], kind: str, pks: list, counts, names, positions: dict | None = None
) -> list[NamedRow]:
    """By name, as the snapshot's; without those left with no task; those
    of ``pks`` it did not have added."""

    def renew(row: NamedRow) -> NamedRow | None:
        now = counts((kind, row.id), row.counts)
        return NamedRow(row.id, row.name, now, row.children) if now.total else None

    if positions is None:
        positions = {row.id: i for i, row in enumerate(rows)}
    result, added = _renewed(rows, positions, pks, renew)
    for pk in added:
        now = counts((kind, pk), None)
        if now.total:
            result.append(NamedRow(pk, names.of(kind).get(pk, str(pk)), now))
    if added:
        result.sort(key=lambda row: row.name)
    return result


def areas_renewed(
    areas: list[NamedRow], keys: dict[str, list], counts, names: Names
) -> list[NamedRow]:
    criteria: dict[int, list] = collections.defaultdict(list)
    for area, criterion in keys["criterion"]:
        criteria[area].append((area, criterion))
    result, known = [], set()
    for area in areas:
        known.add(area.id)
        children = [dataclasses.replace(child, id=(area.id, child.id)) for child in area.children]
        now = counts(("area", area.id), area.counts)
        if now.total:
            rows = _criteria(children, area.id, criteria[area.id], counts, names)
            result.append(NamedRow(area.id, area.name, now, rows))
    added = [pk for pk in keys["area"] if pk not in known]
    for pk in added:
        now = counts(("area", pk), None)
        if now.total:
            rows = _criteria([], pk, criteria[pk], counts, names)
            result.append(NamedRow(pk, names.of("area").get(pk, str(pk)), now, rows))
    if added:
        order = names.area_order()
        result.sort(key=lambda row: order.get(row.id, 0))
    return result


def _criteria(children: list[NamedRow], area: int, pks: list, counts, names: Names):
    """An area's criteria, keyed (area, criterion) as ``counted_under``."""

    class Named:
        def of(self, kind: str) -> dict:
            return {(area, pk): name for pk, name in names.of("criterion").items()}

    rows = named_renewed(children, "criterion", pks, counts, Named())
    return [NamedRow(row.id[1], row.name, row.counts) for row in rows]
