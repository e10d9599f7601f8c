"""The by-agency table's order and the ranking of figures derived from
others (``Figures.basis``: a snapshot brought up to date with the writes
since it, an earlier day), taken from the snapshot's instead of sorted anew.

A national table has 12,000 agencies, and the first look after a write sorted
them twice (by name, and by on-time rate for the ranking: 15 ms) for the
few rows the write changed. A derived row replaces its basis's at the same
place in ``agencies`` (by id); an unchanged row is the very same object, down
a chain of derivations. The order by name does not depend on the counts, so
it is that of the farthest basis with the same agencies (``alike_root``: the
snapshot, whose lines are kept across looks) with the changed rows put in
their places. The ranking is the root's candidates with the changed rows
ranked anew (``ranking.ranked_after``). Where the agencies are not the
root's (one added, or left with no task), another sort is asked for, most
rows changed, or too many candidates, both are computed anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .presentation import ordered_agencies, parse_sort
from .ranking import Ranked, ranked, ranked_after
from .rows import AgencyRow

if TYPE_CHECKING:
    from .figures import Figures

Line = tuple[str, AgencyRow, int]


def _ids(figures: Figures) -> list[int]:
    return figures.kept("agency_ids", lambda: [row.id for row in figures.agencies])


def alike_root(figures: Figures) -> Figures:
    """The farthest of the figures' bases (or the figures themselves) whose
    agencies are theirs, by id and in order: a snapshot, whose order and
    ranking are kept across every look, rather than an intermediate
    derivation's."""

    def compute() -> Figures | None:
        basis = figures.basis
        if basis is None or _ids(basis) != _ids(figures):
            # Not the figures themselves in their own memo: a cycle, which
            # only the cyclic collector would free (``snapshot._dropped``).
            return None
        return alike_root(basis)

    return figures.kept("alike_root", compute) or figures


def changed_rows(figures: Figures, root: Figures) -> list[tuple[AgencyRow, AgencyRow]]:
    """(the root's row, the figures' row) of each agency whose row differs."""
    return [
        (old, new)
        for new, old in zip(figures.agencies, root.agencies, strict=True)
        if new is not old
    ]


def table_lines(figures: Figures, sort: str | None, language: str) -> list[Line]:
    """``ordered_agencies`` of the figures' agencies, kept with them; by
    name, from the lines of their ``alike_root``."""
    key, descending = parse_sort(sort)

    def compute() -> list[Line]:
        root = alike_root(figures) if key == "ten" else figures
        if root is figures:
            return ordered_agencies(figures.agencies, sort)
        lines = list(table_lines(root, sort, language))
        at = root.kept(
            ("line_positions", key, descending, language),
            lambda: {row.id: i for i, (_label, row, _depth) in enumerate(lines)},
        )
        for new, old in zip(figures.agencies, root.agencies, strict=True):
            if new is not old:
                label, _row, depth = lines[at[new.id]]
                lines[at[new.id]] = (label, new, depth)
        return lines

    return figures.kept(("lines", key, descending, language), compute)


def ranked_of(figures: Figures) -> Ranked:
    """``ranked`` of the figures' agencies, kept with them; from their
    ``alike_root``'s where few rows changed."""

    def compute() -> Ranked:
        root = alike_root(figures)
        changed = changed_rows(figures, root) if root is not figures else None
        # Past half the agencies changed (an earlier day's shift), ranking
        # them anew costs less than ranking the changed and merging.
        if changed is None or 2 * len(changed) > len(figures.agencies):
            return ranked(figures.agencies)
        return ranked_after(ranked_of(root), changed)

    return figures.kept("ranked", compute)


def table_ranking(figures: Figures) -> tuple[list, list]:
    """``ranking.ranking`` of the figures' agencies."""
    answer = ranked_of(figures).ranking()
    if answer is None:  # too many candidates changed since the root
        fresh = ranked(figures.agencies)
        if figures.memo is not None:
            figures.memo["ranked"] = fresh
        answer = fresh.ranking()
    return answer
