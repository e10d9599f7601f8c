"""The by-agency table's page and the ranking, ordered in PostgreSQL.

A live province view groups ten thousand agencies; reading them all into
Python to show a hundred cost more than the aggregate itself. These CTEs
follow ``g`` (the grouping-sets CTE of ``one_scan``) and order its agency
groups exactly as ``presentation.ordered_agencies`` and ``presentation.ranking`` do:
the same groups, the same keys (``SORT_VALUES`` mirrors
``presentation.SORTS``), names by ``Agency.sort_key`` in byte order
(``COLLATE "C"``, which is Python's string order), and the id last, so
that the order is total. ``test_dashboard_table_sql`` holds the two
equal for every sort.
"""

from __future__ import annotations

from agencies.models import Agency, AgencyKind

from .columns import COUNT_COLUMNS, PROVINCIAL

DECIDED = "(completed_on_time + completed_late + overdue)"
SORT_VALUES = {
    "ten": "sort_key",
    "tong": "total",
    "dung_han": "completed_on_time",
    "tre_han": "completed_late",
    "trong_han": "(in_time + due_soon)",
    "qua_han": "overdue",
    "ty_le": f"CASE WHEN {DECIDED} = 0 THEN -1"
    f" ELSE (100 * completed_on_time)::float8 / {DECIDED} END",
    "lau_nhat": "CASE WHEN oldest_due IS NULL THEN 1 ELSE -(oldest_due - DATE '0001-01-01' + 1) END",
}

ROW_COLUMNS = (
    "rn",
    "n",
    "grp",
    "depth",
    "name",
    "kind",
    "parent_id",
    "parent_name",
    "sort_key",
    "parent_sort_key",
)
PART_GROUPS, PART_PAGE, PART_BEST, PART_WORST = 0, 1, 2, 3


def _kinds(kinds) -> str:
    return ", ".join(f"'{kind}'" for kind in sorted(kinds))


def table_ctes(
    *,
    by_agency: int,
    sort_key: str,
    descending: bool,
    offset: int,
    per_page: int,
    ranked: int,
) -> str:
    """CTEs after ``g``: ``placed`` (every line with its group, depth and
    district head), ``page`` (the page's lines numbered in the table's
    order, with ``n`` the lines), ``ranked`` (agencies with a known
    outcome), ``best`` and ``worst``."""
    table = Agency._meta.db_table
    commune, district = AgencyKind.COMMUNE_PC.value, AgencyKind.DISTRICT_PC.value
    value = SORT_VALUES[sort_key]
    way = " DESC" if descending else ""
    offset, per_page = int(offset), int(per_page)
    if sort_key == "ten":
        order = (
            f'grp, head_key COLLATE "C"{way}, head_id{way}, depth,'
            f' sort_key COLLATE "C"{way}, id{way}'
        )
    else:
        order = (
            f'grp, head_value{way}, head_key COLLATE "C", head_id, depth,'
            f' value{way}, sort_key COLLATE "C", id'
        )
    under_district = f"(t.kind = '{commune}' AND t.parent_id IS NOT NULL)"
    return f"""
        tree AS (
            -- Each agency with its parent's name key, in one join of two
            -- scans; OFFSET 0 keeps it whole, so that ``ag`` hashes it: a
            -- lookup per group (12,000) cost a national view 30 ms more.
            -- Names are joined to the few rows shown, at the end.
            SELECT a.id, a.kind, a.parent_id, a.sort_key, p.sort_key AS parent_key
            FROM {table} a
            LEFT JOIN {table} p ON p.id = a.parent_id
            OFFSET 0
        ),
        ag AS (
            -- A commune under a district follows its district (its head:
            -- the district's line, real or added in ``lines``); any other
            -- line heads itself.
            SELECT g.agency AS id, {", ".join(f"g.{c}" for c in COUNT_COLUMNS)},
                t.kind, t.parent_id, t.sort_key,
                CASE WHEN t.kind IN ({_kinds(PROVINCIAL)}) THEN 0
                     WHEN t.kind = '{district}' OR {under_district} THEN 1
                     ELSE 2 END AS grp,
                CASE WHEN {under_district} THEN 1 ELSE 0 END AS depth,
                CASE WHEN {under_district} THEN t.parent_key ELSE t.sort_key END AS head_key,
                CASE WHEN {under_district} THEN t.parent_id ELSE t.id END AS head_id
            FROM g
            JOIN tree t ON t.id = g.agency
            WHERE g.grouping = {by_agency}
        ),
        lines AS (
            SELECT * FROM ag
            UNION ALL
            -- A district with no task of its own still heads its communes.
            SELECT p.id, 0, 0, 0, 0, 0, 0, NULL::date, '{district}', NULL::bigint, p.sort_key,
                1, 0, p.sort_key, p.id
            FROM {table} p
            WHERE p.id IN (
                SELECT parent_id FROM ag WHERE depth = 1
                EXCEPT SELECT id FROM ag WHERE kind = '{district}'
            )
        ),
        keyed AS (SELECT lines.*, {value} AS value FROM lines),
        placed AS ({_placed(sort_key, district)}),
        -- The page asked for, or the last one (as ``clamped_offset``).
        counted AS (
            SELECT count(*) AS n, GREATEST(0, LEAST({offset}, (count(*) - 1) / {per_page} * {per_page}))
                AS first
            FROM placed
        ),
        -- Top-N sorts (LIMIT), then numbered: not every line sorted and numbered.
        page AS (
            SELECT s.*, (SELECT first FROM counted) + row_number() OVER (ORDER BY {order}) AS rn,
                (SELECT n FROM counted) AS n
            FROM (
                SELECT * FROM placed ORDER BY {order}
                LIMIT {per_page} OFFSET (SELECT first FROM counted)
            ) s
        ),
        ranked AS (
            SELECT id, {", ".join(COUNT_COLUMNS)}, kind, parent_id, sort_key, {DECIDED} AS decided
            FROM ag WHERE {DECIDED} > 0
        ),
        best AS ({_ranking(BEST, 2 * ranked)}),
        worst AS ({_ranking(WORST, ranked)})
    """  # noqa: S608 - names, kinds and keys are ours; numbers are ints


def _placed(sort_key: str, district: str) -> str:
    """The lines, with their head's sort value when the sort is by a figure
    (from the head's own line: a self-join); by name, ``head_key`` orders."""
    if sort_key == "ten":
        return "SELECT * FROM lines"
    return f"""
        SELECT k.*, COALESCE(h.value, k.value) AS head_value
        FROM keyed k
        LEFT JOIN keyed h ON k.depth = 1 AND h.id = k.parent_id AND h.kind = '{district}'
    """  # noqa: S608 - names are ours


BEST = 'completed_on_time::float8 / decided DESC, decided DESC, sort_key COLLATE "C", id'
WORST = 'completed_on_time::float8 / decided, decided, sort_key COLLATE "C" DESC, id DESC'


def _ranking(order: str, size: int) -> str:
    """The first ``size`` of the ranking in ``order``, numbered, with ``n``
    the agencies ranked."""
    first = f"(SELECT * FROM ranked ORDER BY {order} LIMIT {int(size)}) s"  # noqa: S608
    numbered = f"row_number() OVER (ORDER BY {order}) AS rn, (SELECT count(*) FROM ranked) AS n"  # noqa: S608
    return f"SELECT s.*, NULL::int AS grp, NULL::int AS depth, {numbered} FROM {first}"  # noqa: S608


def table_parts(*, keys: list[str], by_agency: int) -> str:
    """The statement's result, each row a ``part`` then ``keys`` (``g``'s
    grouping columns), ``COUNT_COLUMNS`` and ``ROW_COLUMNS``, each part
    filling the ones it has: the groups of ``g`` other than the agencies'
    (``PART_GROUPS``), the page's lines (``page``), and the best and the
    last of the ranking (``best``, ``worst``: ``rn`` from the last)."""
    table = Agency._meta.db_table

    def rows(part: int, source: str) -> str:
        """Rows of ``source`` (``s``) with their names (``a``, ``p``)."""
        nulls = ", ".join(["NULL"] * (len(keys) - 2))  # after grouping and agency
        own = ("rn", "n", "grp", "depth")
        named = ("a.name", "s.kind", "s.parent_id", "p.name", "s.sort_key", "p.sort_key")
        columns = ", ".join(
            [str(part), "NULL::int", "s.id", nulls, *(f"s.{c}" for c in (*COUNT_COLUMNS, *own))]
        )
        names = f"JOIN {table} a ON a.id = s.id LEFT JOIN {table} p ON p.id = s.parent_id"
        return f"(SELECT {columns}, {', '.join(named)} FROM {source} s {names})"  # noqa: S608

    types = ("bigint", "bigint", "int", "int", "text", "text", "bigint", "text", "text", "text")
    row_nulls = ", ".join(f"NULL::{kind}" for kind in types)
    return f"""
        (SELECT {PART_GROUPS}, {", ".join(f"g.{c}" for c in keys)},
            {", ".join(f"g.{c}" for c in COUNT_COLUMNS)}, {row_nulls}
         FROM g WHERE g.grouping <> {by_agency})
        UNION ALL {rows(PART_PAGE, "page")}
        UNION ALL {rows(PART_BEST, "best")}
        UNION ALL {rows(PART_WORST, "worst")}
    """  # noqa: S608 - numbers are ints, names are ours
