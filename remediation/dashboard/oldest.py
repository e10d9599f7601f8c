"""The oldest overdue due date of some rows of the dashboard, read from the
tasks (``current``: rows whose oldest overdue task was taken off)."""

from __future__ import annotations

import datetime

from django.db.models import IntegerField, Min, QuerySet, Value

from ..deadlines import DeadlineState, deadline_q

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
# each is read as its first overdue task in that index (LIMIT 1 each, in
# one UNION ALL): an area or an inspection has tens of thousands of overdue
# tasks, which a grouped minimum reads every one of (20 ms a kind at
# 1,000,000 tasks). Past it, and for the task's own directive (no such
# index: PostgreSQL read the due-date index from its start, 513,000 entries
# to reach a recent document's first task), one grouped minimum.
FIRST_EACH_UP_TO = 50
FIRST_EACH = {
    ("lead_agency_id",),  # task_lead_dashboard
    ("finding_area_id",),  # task_area_due
    ("finding_area_id", "finding_criterion_id"),  # task_criterion_due
    ("finding_inspection_id",),  # task_inspection_due
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
    for kind, pks in lost.items():
        if not pks:
            continue
        for part in overdue:
            if kind == "total":
                first = part.order_by(DUE).values_list(DUE, flat=True).first()
                oldest[kind, None] = earlier(oldest[kind, None], first)
                continue
            for columns in COLUMNS[kind]:
                each = columns in FIRST_EACH and len(pks) <= FIRST_EACH_UP_TO
                for pk, first in _firsts(part, columns, list(pks), each=each):
                    oldest[kind, pk] = earlier(oldest[kind, pk], first)
    return oldest


def _firsts(part: QuerySet, columns: tuple[str, ...], pks: list, *, each: bool):
    """(row, its oldest due date) of the rows ``pks`` that have an overdue
    task: a row is the value of ``columns`` (a tuple of two for two); with
    ``each``, row by row."""
    values = [pk if isinstance(pk, tuple) else (pk,) for pk in pks]
    if not each:
        wanted = set(values)
        rows = (
            part.filter(**{f"{columns[-1]}__in": {v[-1] for v in values}})
            .values_list(*columns)
            .annotate(first=Min(DUE))
        )
        for *value, first in rows:
            if tuple(value) in wanted:
                yield _key(tuple(value)), first
        return
    branches = [
        part.filter(**dict(zip(columns, value, strict=True)))
        .annotate(row=Value(i, output_field=IntegerField()))
        .order_by(DUE)
        .values_list("row", DUE)[:1]
        for i, value in enumerate(values)
    ]
    for i, first in branches[0].union(*branches[1:], all=True):
        yield _key(values[i]), first


def _key(value: tuple):
    return value if len(value) > 1 else value[0]


def earlier(a: datetime.date | None, b: datetime.date | None) -> datetime.date | None:
    return b if a is None or (b is not None and b < a) else a
