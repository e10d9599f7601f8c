"""Domain reads. The one scope rule lives in ``visible_agency_ids``: every
list, page, download and admin view of tasks goes through ``tasks_visible_to``."""

from __future__ import annotations

import heapq
import itertools
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from agencies.models import Agency, Role, User

from .filters import TaskFilterForm
from .models import (
    Evidence,
    ExtensionRequest,
    ExtensionState,
    Notification,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskEvent,
)
from .workflow import TaskStatus


def visible_agency_ids(*, user: User) -> list[int] | None:
    """The agencies whose tasks a user sees; None means every agency.

    Home Affairs and administrators see the province. Everyone else sees the
    tasks that their agency, or a unit under it (a district's communes),
    leads, supports or monitors: a monitoring department thus sees what it
    monitors.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.sees_all_agencies:
        return None
    if user.agency_id is None:
        return []
    cached = getattr(user, "_visible_agency_ids", None)
    if cached is None:
        cached = Agency.objects.subtree_ids(user.agency_id)
        user._visible_agency_ids = cached
    return cached


def tasks_visible_to(*, user: User) -> QuerySet[RemediationTask]:
    agency_ids = visible_agency_ids(user=user)
    tasks = RemediationTask.objects.all()
    if agency_ids is None:
        return tasks
    if not agency_ids:
        return tasks.none()
    return tasks.involving(agency_ids)


def agency_scope_tasks(
    *, agency_id: int
) -> tuple[QuerySet[RemediationTask], list[QuerySet[RemediationTask]]]:
    """What any user of the agency sees (one not seeing the province): the
    tasks, and them as ``involving_parts``."""
    agency_ids = Agency.objects.subtree_ids(agency_id)
    tasks = RemediationTask.objects.all()
    return tasks.involving(agency_ids), tasks.involving_parts(agency_ids)


def task_parts_visible_to(*, user: User) -> list[QuerySet[RemediationTask]]:
    """``tasks_visible_to`` as disjoint parts whose union it is
    (``involving_parts``), for aggregates that read each part from its own
    index."""
    agency_ids = visible_agency_ids(user=user)
    if agency_ids is None or not agency_ids:
        return [tasks_visible_to(user=user)]
    return RemediationTask.objects.involving_parts(agency_ids)


def task_list_for_user(*, user: User) -> QuerySet[RemediationTask]:
    """What the user sees, with what a row shows (the review queue's base;
    the task list pages through ``task_list_page``).

    A list restricted by scope is read a page at a time in two steps (its
    page's ids, then those rows): its rows are scattered through the table.
    The province's whole list is not: its page comes from the due-date index.
    """
    tasks = _as_list(tasks_visible_to(user=user))
    return tasks if visible_agency_ids(user=user) is None else tasks.in_pages()


# Up to this many matching tasks a part's first ids come from sorting them
# (``in_list_order(sort=True)``); more, and they are dense enough that the
# due-date index reaches a page of them within a few rows.
SORT_MATCHING_UP_TO = 250_000
# Before sorting, a part first looks among this many of the list's first
# tasks (``_first_listed``).
WALKED_UP_TO = 2_000


class _CountedPaginator(Paginator):
    def __init__(self, per_page: int, *, count: int):
        super().__init__([], per_page)
        self._given_count = count

    @cached_property
    def count(self) -> int:
        return self._given_count


def task_list_page(*, user: User, form: TaskFilterForm, number: Any, per_page: int) -> Page:
    """A page of the user's task list under ``form``'s filters (``number``
    as the request gave it), in list order (due date, id).

    Read from the scope's disjoint parts (``task_parts_visible_to``), each
    from its own index: their counts (a monitoring department's 125,000
    tasks: 10 ms, where ``pk IN`` the scope took 220 ms), then the first
    tasks of each in list order, merged; then the page's rows by id alone,
    with what a row shows (re-applying the scope and the filters to fetch 50
    rows once made PostgreSQL read an inspection's every task: 1.5 s)."""
    parts = task_parts_visible_to(user=user)
    if form.is_bound:
        parts = [form.apply(part, whole_province=user.sees_all_agencies) for part in parts]
    parts = [part.order_by() for part in parts]
    counts = [part.count() for part in parts]
    paginator = _CountedPaginator(per_page, count=sum(counts))
    try:
        number = paginator.validate_number(number)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    first = (number - 1) * per_page
    prefix = _ListPrefix()
    heads = [
        _first_listed(part, count, first + per_page, prefix)
        for part, count in zip(parts, counts, strict=True)
        if count
    ]
    if len(heads) == 1:
        # One part (the province's): the database skips to the page; a last
        # page of a million tasks must not bring the million into Python.
        ids = [pk for _due, pk in heads[0][first : first + per_page]]
    else:
        # A scope's parts: the first tasks of each (at most the scope's), merged.
        merged = heapq.merge(*(head[: first + per_page] for head in heads))
        ids = [pk for _due, pk in itertools.islice(merged, first, first + per_page)]
    rows = {
        task.pk: task
        for task in _as_list(RemediationTask.objects.filter(pk__in=ids)).with_deadline_class(
            form.as_of()
        )
    }
    return Page([rows[pk] for pk in ids if pk in rows], number, paginator)


class _ListPrefix:
    """The whole list's first ``WALKED_UP_TO`` tasks: where they end in list
    order, and how many tasks there are, by the planner's estimate (read
    once a page, when a part asks)."""

    @cached_property
    def tasks(self) -> float:
        if connection.vendor != "postgresql":
            return 0.0  # a small database: sorting is cheap
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [RemediationTask._meta.db_table],
            )
            return float(cursor.fetchone()[0])

    @cached_property
    def end(self) -> tuple | None:
        ends = RemediationTask.objects.in_list_order(sort=False).values_list("due_date", "pk")
        return next(iter(ends[WALKED_UP_TO - 1 : WALKED_UP_TO]), None)

    def may_hold(self, count: int, wanted: int) -> bool:
        """Whether ``wanted`` of a part's ``count`` tasks would lie among
        them, were the part spread evenly over the list."""
        return count >= wanted and self.tasks > 0 and count * WALKED_UP_TO >= wanted * self.tasks


def _first_listed(
    part: QuerySet[RemediationTask], count: int, wanted: int, prefix: _ListPrefix
) -> list[tuple[Any, int]] | QuerySet[RemediationTask]:
    """The part's first ``wanted`` (due date, id) in list order, or a
    queryset that yields them (``count``: the part's tasks).

    A part with more tasks than ``SORT_MATCHING_UP_TO`` is dense: the walk
    along the list order reaches them at once. Fewer, they may all lie late
    in the list (an inspection's, this month's), and are sorted; but a large
    part spread over the years (a monitoring department's 125,000 tasks)
    has its first tasks among the list's first few thousand, and sorting
    fetched every one of its rows (250 ms): so a part dense enough to hold
    them there, spread evenly, first walks those alone, one bounded range of
    ``task_list_order``, and is sorted only if too few of its tasks lie
    there (they lie late: the open tasks within their deadline)."""
    if count > SORT_MATCHING_UP_TO:
        return part.in_list_order(sort=False).values_list("due_date", "pk")
    if prefix.may_hold(count, wanted) and prefix.end is not None:
        due_date, pk = prefix.end
        table = RemediationTask._meta.db_table
        # A row comparison: one range of the index, where Q's OR is two.
        within = RawSQL(  # noqa: S611 - the values are parameters
            f'("{table}"."due_date", "{table}"."id") <= (%s, %s)',
            (due_date, pk),
            output_field=BooleanField(),
        )
        walked = list(
            part.filter(within).in_list_order(sort=False).values_list("due_date", "pk")[:wanted]
        )
        if len(walked) == wanted:
            return walked
    return part.in_list_order(sort=True).values_list("due_date", "pk")


def _as_list(tasks: QuerySet[RemediationTask]) -> QuerySet[RemediationTask]:
    """What a row of a task list shows."""
    return tasks.with_deadline_class().select_related(
        "lead_agency", "monitoring_agency", "finding", "finding__reform_area", "directive"
    )


def task_detail_for_user(*, user: User) -> QuerySet[RemediationTask]:
    return tasks_visible_to(user=user).select_related(
        "lead_agency",
        "monitoring_agency",
        "directive",
        "finding",
        "finding__inspection",
        "finding__agency",
        "finding__reform_area",
        "finding__criterion",
        "finding__source_directive",
    )


def task_timeline(*, task: RemediationTask) -> QuerySet[TaskEvent]:
    return task.events.select_related("actor", "report", "extension").order_by("created_at", "id")


def task_reports(*, task: RemediationTask, user: User) -> QuerySet[RemediationReport]:
    """Submitted versions for everyone; a draft only for its agency."""
    reports = task.reports.select_related("submitted_by").prefetch_related("evidence")
    if user.agency_id != task.lead_agency_id:
        reports = reports.exclude(state=ReportState.DRAFT)
    return reports.order_by("-version")


def task_pending_extension(*, task: RemediationTask) -> ExtensionRequest | None:
    return task.extensions.filter(state=ExtensionState.PENDING).first()


def evidence_for_user(*, user: User) -> QuerySet[Evidence]:
    """Evidence of the tasks a user sees (drafts only for their own agency)."""
    visible = tasks_visible_to(user=user)
    evidence = Evidence.objects.filter(report__task__in=visible.values("pk"))
    if not user.sees_all_agencies:
        evidence = evidence.exclude(
            ~Q(report__task__lead_agency_id=user.agency_id), report__state="draft"
        )
    else:
        evidence = evidence.exclude(report__state="draft")
    return evidence.select_related("report")


def review_queue_for_user(*, user: User) -> QuerySet[RemediationTask]:
    """What waits for this user: for Home Affairs, submitted reports and
    extension requests; for a leader, the agency's reports awaiting approval;
    for an officer, the agency's tasks sent back or returned."""
    tasks = task_list_for_user(user=user)
    if user.sees_all_agencies or user.role == Role.COORDINATOR:
        # One column of the task row (submitted, or an extension request
        # pending) with its own index: an OR with a subquery on extension
        # requests would make PostgreSQL read every task to count the queue.
        return tasks.filter(awaits_home_affairs=True).annotate(
            has_pending_extension=F("extension_pending")
        )
    if user.agency_id is None or not visible_agency_ids(user=user):
        return tasks.none()
    # The agency's own tasks are in its scope by definition: no scope query.
    own = _as_list(RemediationTask.objects.filter(lead_agency_id=user.agency_id))
    if user.role == Role.LEADER:
        return own.filter(status=TaskStatus.AWAITING_APPROVAL)
    if user.role == Role.OFFICER:
        return own.filter(status=TaskStatus.RETURNED)
    return tasks.none()


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("task")


def unread_notification_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
