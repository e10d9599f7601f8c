"""The ranking of agencies by on-time rate, for the year-end CCHC
assessment: its best and last ten (``ranking``), and the candidates kept to
derive them again after a few rows change (``Ranked``, ``ranked_after``)."""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable

from .rows import AgencyRow

SIZE = 10  # the best and the last shown
# Candidates kept at each end: a derivation that changes more of them than
# the ranking shows computes it anew.
CANDIDATES = 100

Keyed = tuple[tuple, AgencyRow]


def rank_key(row: AgencyRow) -> tuple | None:
    """None: no outcome known yet (``Counts.decided``), so no rank."""
    counts = row.counts
    decided = counts.decided
    if not decided:
        return None
    # The id last: a total order, so the best and last ten never depend on
    # how they were picked.
    return (-counts.completed_on_time / decided, -decided, row.sort_key, row.id)


def _keyed(rows: Iterable[AgencyRow]) -> list[Keyed]:
    # One key a row, the decided count read once: 12,000 rows of a national
    # table are ranked anew for each earlier day.
    return [(key, row) for row in rows if (key := rank_key(row)) is not None]


def ranked_agencies(rows: Iterable[AgencyRow]) -> list[AgencyRow]:
    """Agencies with a known outcome (completed or overdue tasks), best
    on-time rate first, then more decided tasks, then by name."""
    return [row for _key, row in sorted(_keyed(rows))]


@dataclasses.dataclass(frozen=True)
class Ranked:
    """The decided agencies (``Counts.decided``) keyed by ``rank_key``:
    ``best``, every one of key up to its last, in order; ``worst``, every
    one of key from its last, from the largest down. ``complete``: ``best``
    holds every decided agency (and ``worst`` nothing)."""

    best: list[Keyed]
    worst: list[Keyed]
    decided: int
    complete: bool

    def ranking(self, size: int = SIZE) -> tuple[list, list] | None:
        """The best ``size`` and, past two tables' worth, the last ``size``,
        numbered as in ``ranked_agencies``; None: too few candidates left."""
        if self.complete:
            rows = [row for _key, row in self.best]
            if len(rows) <= 2 * size:
                return list(enumerate(rows, start=1)), []
            best, worst = rows[:size], rows[-size:]
        elif self.decided > 2 * size and min(len(self.best), len(self.worst)) >= size:
            best = [row for _key, row in self.best[:size]]
            worst = [row for _key, row in self.worst[:size]][::-1]
        else:
            return None
        return list(enumerate(best, start=1)), list(enumerate(worst, start=self.decided - size + 1))


def ranked(rows: Iterable[AgencyRow]) -> Ranked:
    """Without sorting 12,000 rows for twenty."""
    keyed = _keyed(rows)
    if len(keyed) <= CANDIDATES:
        return Ranked(sorted(keyed), [], len(keyed), complete=True)
    # Keys are unique (the id last): rows are never compared.
    best = heapq.nsmallest(CANDIDATES, keyed)
    worst = heapq.nlargest(CANDIDATES, keyed)
    return Ranked(best, worst, len(keyed), complete=False)


def ranked_after(basis: Ranked, changed: list[tuple[AgencyRow, AgencyRow]]) -> Ranked:
    """``basis`` with the ``changed`` agencies (each its row then, its row
    now) ranked anew: taken off, and put back where they fall within the
    candidates. Every other row lies past the candidates' last key."""
    ids = {row.id for _was, row in changed}
    now = _keyed(row for _was, row in changed)
    decided = basis.decided + len(now) - sum(1 for was, _row in changed if was.counts.decided)
    best = [keyed for keyed in basis.best if keyed[1].id not in ids]
    if basis.complete:
        return Ranked(sorted(best + now), [], decided, complete=True)
    worst = [keyed for keyed in basis.worst if keyed[1].id not in ids]
    if best:
        best = sorted(best + [keyed for keyed in now if keyed[0] <= basis.best[-1][0]])
    if worst:
        worst = [keyed for keyed in now if keyed[0] >= basis.worst[-1][0]] + worst
        worst.sort(reverse=True)
    return Ranked(best, worst, decided, complete=False)


def ranking(rows: Iterable[AgencyRow], size: int = SIZE) -> tuple[list, list]:
    """The best ``size`` agencies by on-time rate and, when there are more
    than two tables' worth, the last ``size`` too, numbered as in
    ``ranked_agencies``."""
    return ranked(rows).ranking(size)
