"""The shape of the one scan's rows (``one_scan``): the columns its sets
group by, the code of each set, and reading the rows back into figures."""

from __future__ import annotations

import dataclasses

from .columns import COUNT_COLUMNS
from .presentation import GROUP_LABELS, AgencyTable, TablePage, clamped_offset
from .ranking import SIZE
from .rows import AgencyRow, Counts, DimensionCounts
from .table_sql import PART_BEST, PART_GROUPS, PART_PAGE

# The columns of ``t`` the sets group by: d0 to d4 are ``DIMENSIONS`` (area,
# criterion, inspection, directive, the finding's directive), d4 only where
# it is not d3 (``NULLIF``, per task): a task counts once under each
# document it answers, as ``figures.rolled_up`` counts it.
GROUPED = ("agency", "d0", "d1", "d2", "d3", "d4", "due_day", "done_day")
# Each set costs every task a hash lookup and its aggregates: an area's
# counts are summed from its criteria's groups (criterion or none), a
# document's from the (directive, the finding's other directive) groups.
# No set pairs two independent catalogues: an inspection with a directive
# grouped 645,000 (inspection, directive, directive) triples in a national
# half of 5,000 inspections and 10,000 documents spread at random (1.5 s
# spilling to disk to merge them), where each alone groups thousands. The
# pair of documents stays small: an import writes the same document on both
# (d4 is then null), and only tasks answering two documents add pairs.
# ``AGGREGATED`` are always sets of the aggregate, the months are where
# they are not read apart, and the total is summed from the agencies'
# groups; each row still carries the code of its set over every
# ``GROUPED`` column.
SETS = {
    "agency": ("agency",),
    "criteria": ("d0", "d1"),
    "inspections": ("d2",),
    "pairs": ("d3", "d4"),
    "due": ("due_day",),
    "done": ("done_day",),
    "total": (),
    # Summed from the pairs' groups in the statement (``one_scan``):
    # Python reads a document's row, not its pairs.
    "documents": ("d3",),
}


def grouping_code(columns: tuple[str, ...]) -> int:
    """``GROUPING(GROUPED)`` of the set of ``columns``: a bit set for each column not grouped."""
    return sum(1 << (len(GROUPED) - 1 - i) for i, c in enumerate(GROUPED) if c not in columns)


AGGREGATED = ("agency", "criteria", "inspections", "pairs")
KEYS = GROUPED[:-2]  # what ``AGGREGATED`` group by
MONTH_BITS = len(GROUPED) - len(KEYS)
BY_SET = {grouping_code(columns): name for name, columns in SETS.items()}
BY_AGENCY = grouping_code(SETS["agency"])
COUNTS_AT = 1 + len(GROUPED)  # in a row of ``g``
RANKED = SIZE  # the ranking's best and last, as in Python


@dataclasses.dataclass
class Grouped:
    """What the page needs of the tasks: every agency's row, or with a
    ``TablePage`` only the table's page and ranking (``table``)."""

    agencies: list
    total: Counts
    dimensions: DimensionCounts
    due: dict  # tasks falling due per month
    done: dict  # tasks completed per month
    table: AgencyTable | None = None


def every_agency(rows) -> Grouped:
    """Rows of ``g`` with every agency's name (no ``TablePage``)."""
    # Positions in a row: grouping, ``GROUPED``, the counts, then the agency's
    # name, kind, parent, parent's name and the two sort keys. Read by index:
    # a national table has 12,000 agency rows.
    counts_at = COUNTS_AT
    names_at = counts_at + len(COUNT_COLUMNS)
    result = Grouped([], Counts(), DimensionCounts(), {}, {})
    groups = []
    for row in rows:
        if row[0] == BY_AGENCY:
            name, kind, parent, parent_name, key, parent_key = row[names_at:]
            counts = Counts.from_values(row[counts_at:names_at])
            result.agencies.append(
                AgencyRow(row[1], name, kind, parent, parent_name, counts, key, parent_key)
            )
        else:
            groups.append(row)
    result.total, result.dimensions, result.due, result.done = other_groups(groups)
    result.agencies.sort(key=lambda row: row.id)
    return result


def empty_table(page: TablePage | None) -> AgencyTable | None:
    return None if page is None else AgencyTable([], 0, 0, [], [])


def other_groups(rows) -> tuple[Counts, DimensionCounts, dict, dict]:
    """The total, the dimensions' counts and the months, from rows of ``g``."""
    end = COUNTS_AT + len(COUNT_COLUMNS)
    total, dimensions, due, done = Counts(), DimensionCounts(), {}, {}
    at = {column: 1 + i for i, column in enumerate(GROUPED)}
    for row in rows:
        name = BY_SET[row[0]]
        key = tuple(row[at[column]] for column in SETS[name])
        if name in ("due", "done"):
            if key[0] is not None:  # tasks outside the months are grouped under None
                line, month = (due if name == "due" else done), key[0].replace(day=1)
                line[month] = line.get(month, 0) + row[COUNTS_AT]  # grouped by day
            continue
        counts = Counts.from_values(row[COUNTS_AT:end])
        if name == "total":
            total = counts
        elif name == "criteria":
            area, criterion = key
            if area is not None:
                dimensions.areas.setdefault(area, Counts()).add(counts)
                if criterion is not None:  # its link filters on both
                    dimensions.criteria[key] = counts
        elif name == "inspections":
            dimensions.inspections[key[0]] = counts
        else:  # documents
            dimensions.directives[key[0]] = counts
    return total, dimensions, due, done


def from_parts(rows, page: TablePage) -> Grouped:
    labels = [str(label) for label in GROUP_LABELS]
    counts_at = COUNTS_AT
    rest_at = counts_at + len(COUNT_COLUMNS)
    groups, lines, best, worst = [], [], [], []
    count = decided = 0
    for part, *row in rows:
        if part == PART_GROUPS:
            groups.append(row[:rest_at])
            continue
        rn, n, grp, depth, name, kind, parent, parent_name, key, parent_key = row[rest_at:]
        agency = AgencyRow(
            row[1],
            name,
            kind,
            parent,
            parent_name,
            Counts.from_values(row[counts_at:rest_at]),
            key,
            parent_key,
        )
        if part == PART_PAGE:
            lines.append((rn, labels[grp], agency, depth))
            count = n
        elif part == PART_BEST:
            best.append((rn, agency))
            decided = n
        else:
            worst.append((n - rn + 1, agency))
    lines.sort(key=lambda line: line[0])
    best.sort(key=lambda item: item[0])
    worst.sort(key=lambda item: item[0])
    if decided <= 2 * RANKED:
        worst = []
    else:
        best = best[:RANKED]
    total, dimensions, due, done = other_groups(groups)
    table = AgencyTable(
        [line[1:] for line in lines],
        count,
        clamped_offset(page.offset, count, page.per_page),
        best,
        worst,
    )
    return Grouped([], total, dimensions, due, done, table)
