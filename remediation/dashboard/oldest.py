"""The oldest overdue due date of some rows of the dashboard, read from the
tasks (``current``: rows whose oldest overdue task was taken off)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import IntegerField, Min, QuerySet, Value

from ..deadlines import DeadlineState, deadline_q
from ..models import RemediationTask
from .among import Among
from .halves import estimated_tasks

# What a row of each kind is, as the task's columns (``current.counted_under``);
# a document is a task's own directive or its finding's.
COLUMNS = {
    "agency": [("lead_agency_id",)],
    "area": [("finding_area_id",)],
    "criterion": [("finding_area_id", "finding_criterion_id")],
    "inspection": [("finding_inspection_id",)],
    "document": [("directive_id",), ("finding_source_directive_id",)],
}
# Up to this many rows of columns that an index of (row, due date) serves,
# in a part of the scope that holds most tasks (``_wide``), each is read as
# its first overdue task in that index (LIMIT 1 each, in one statement): an
# area or an inspection has tens of thousands of overdue tasks, which a
# grouped minimum reads every one of (20 ms a kind at 1,000,000 tasks; 130
# ms for 50 documents before their index). Past it, one grouped minimum.
# Each index carries ``open_until``, what tells an overdue task: without
# it the planner read a criterion's first through its area's index.
FIRST_EACH_UP_TO = 50
FIRST_EACH = {
    ("lead_agency_id",),  # task_lead_dashboard
    ("finding_area_id",),  # task_area_due
    ("finding_area_id", "finding_criterion_id"),  # task_criterion_due
    ("finding_inspection_id",),  # task_inspection_due
    ("directive_id",),  # task_directive_due
    ("finding_source_directive_id",),  # task_source_directive_due
}
DUE = "effective_due_date"


def read_again(
    lost: dict[str, set], parts: list[QuerySet], day: datetime.date
) -> dict[tuple[str, object], datetime.date | None]:
    """By (kind, row), as ``current`` keys them, the oldest due date of the
    tasks overdue at ``day`` in the scope whose disjoint ``parts`` are given."""
    oldest: dict[tuple[str, object], datetime.date | None] = {
        (kind, pk): None for kind, pks in lost.items() for pk in pks
    }
    overdue = [part.filter(deadline_q(DeadlineState.OVERDUE, day)).order_by() for part in parts]
    wide = _wide(parts) if any(0 < len(pks) <= FIRST_EACH_UP_TO for pks in lost.values()) else []
    for kind, pks in lost.items():
        if not pks:
            continue
        for i, part in enumerate(overdue):
            if kind == "total":
                first = part.order_by(DUE).values_list(DUE, flat=True).first()
                oldest[kind, None] = earlier(oldest[kind, None], first)
                continue
            for columns in COLUMNS[kind]:
                each = columns in FIRST_EACH and len(pks) <= FIRST_EACH_UP_TO and wide[i]
                for pk, first in _firsts(part, columns, list(pks), each=each):
                    oldest[kind, pk] = earlier(oldest[kind, pk], first)
    return oldest


def _wide(parts: list[QuerySet]) -> list[bool]:
    """Which parts hold at least half the tasks (the province, the
    communes' level), by the planner's estimates. Only there is a row's
    first overdue task in its index likely the part's own: in a narrow part
    (a monitoring department's, a small level) the index is read past the
    other scopes' tasks, and 50 criteria took a second where a grouped
    minimum over the part's own overdue tasks takes 10 to 30 ms."""
    every = estimated_tasks(RemediationTask.objects.all())
    return [estimated_tasks(part) >= every / 2 for part in parts]


def _firsts(part: QuerySet, columns: tuple[str, ...], pks: list, *, each: bool):
    """(row, its oldest due date) of the rows ``pks`` that have an overdue
    task: a row is the value of ``columns`` (a tuple of two for two); with
    ``each``, row by row."""
    values = [pk if isinstance(pk, tuple) else (pk,) for pk in pks]
    if not each:
        wanted = set(values)
        rows = (
            part.filter(Among(columns[-1], {v[-1] for v in values}))
            .values_list(*columns)
            .annotate(first=Min(DUE))
        )
        for *value, first in rows:
            if tuple(value) in wanted:
                yield _key(tuple(value)), first
        return
    # Each row's first task, LIMIT 1 through its index, in one UNION ALL of
    # the one branch compiled once, its row's values put in its parameters:
    # a queryset per row cost the ORM a millisecond a row. (The values stay
    # literals, so each branch is planned for its own row: as a parameter of
    # a LATERAL join, a criterion's first was looked for through its area's
    # index, 47,000 entries a row.)
    branch = (
        part.filter(**dict(zip(columns, _STAND_INS, strict=False)))
        .annotate(row=Value(_ROW, output_field=IntegerField()))
        .order_by(DUE)
        .values_list("row", DUE)[:1]
    )
    sql, params = branch.query.sql_with_params()
    statement = " UNION ALL ".join([f"({sql})"] * len(values))
    filled = []
    for i, value in enumerate(values):
        stand_for = {_ROW: i, **dict(zip(_STAND_INS, value, strict=False))}
        filled += [stand_for.get(p, p) if isinstance(p, int) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(statement, filled)
        for i, first in cursor.fetchall():
            yield _key(values[i]), first


# Parameters no row, id or date can be: where each branch's own go.
_ROW, _STAND_INS = -1_000_001, (-1_000_002, -1_000_003)


def _key(value: tuple):
    return value if len(value) > 1 else value[0]


def earlier(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return b if a is None or (b is not None and b < a) else a
