"""The by-agency table's order and the ranking of figures derived from
others (``Figures.basis``: a snapshot brought up to date with the writes
since it, an earlier day), taken from the basis's instead of sorted anew.

A national table has 12,000 agencies, and the first look after a write sorted
them twice (by name, and by on-time rate for the ranking: 15 ms) for the
few rows the write changed. A derived row replaces its basis's at the same
place in ``agencies`` (by id); an unchanged row is the very same object.
The order by name does not depend on the counts, so it is the basis's with
the changed rows put in their places. The ranking is the basis's
candidates with the changed rows ranked anew (``ranking.ranked_after``). Where the agencies are not the basis's (one added, or left
with no task), or too many candidates changed, both are computed anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .presentation import ordered_agencies, parse_sort
from .ranking import Ranked, ranked, ranked_after
from .rows import AgencyRow

if TYPE_CHECKING:
    from .figures import Figures

Line = tuple[str, AgencyRow, int]


def changed_rows(figures: Figures, basis: Figures) -> list[tuple[AgencyRow, AgencyRow]] | None:
    """(the basis's row, the new one) of each agency whose row is new; None
    when the agencies are not the basis's, in the same order."""
    rows, was = figures.agencies, basis.agencies
    if len(rows) != len(was):
        return None
    changed = []
    for new, old in zip(rows, was, strict=True):
        if new is not old:
            if new.id != old.id:
                return None
            changed.append((old, new))
    return changed


def _changes(figures: Figures) -> list[tuple[AgencyRow, AgencyRow]] | None:
    basis = figures.basis
    if basis is None:
        return None
    return figures.kept("changed_rows", lambda: changed_rows(figures, basis))


def table_lines(figures: Figures, sort: str | None, language: str) -> list[Line]:
    """``ordered_agencies`` of the figures' agencies, kept with them; by
    name, from their basis's lines where it has the same agencies."""
    key, descending = parse_sort(sort)

    def compute() -> list[Line]:
        changed = _changes(figures) if key == "ten" else None
        if changed is None:
            return ordered_agencies(figures.agencies, sort)
        basis = figures.basis
        lines = table_lines(basis, sort, language)
        if not changed:
            return lines
        at = basis.kept(
            ("line_positions", key, descending, language),
            lambda: {row.id: i for i, (_label, row, _depth) in enumerate(lines)},
        )
        lines = list(lines)
        for _was, row in changed:
            label, _row, depth = lines[at[row.id]]
            lines[at[row.id]] = (label, row, depth)
        return lines

    return figures.kept(("lines", key, descending, language), compute)


def ranked_of(figures: Figures) -> Ranked:
    """``ranked`` of the figures' agencies, kept with them; from their
    basis's where it has the same agencies."""

    def compute() -> Ranked:
        changed = _changes(figures)
        # Past half the agencies changed (an earlier day's shift), ranking
        # them anew costs less than ranking the changed and merging.
        if changed is None or 2 * len(changed) > len(figures.agencies):
            return ranked(figures.agencies)
        return ranked_after(ranked_of(figures.basis), changed)

    return figures.kept("ranked", compute)


def table_ranking(figures: Figures) -> tuple[list, list]:
    """``ranking.ranking`` of the figures' agencies."""
    answer = ranked_of(figures).ranking()
    if answer is None:  # too many candidates changed since the basis
        fresh = ranked(figures.agencies)
        if figures.memo is not None:
            figures.memo["ranked"] = fresh
        answer = fresh.ranking()
    return answer
