"""The list pages cost the same number of queries for 3 tasks as for 30."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from agencies.tests.factories import AgencyFactory
from remediation.models import ReportState, TaskStatus

from .factories import (
    EvidenceFactory,
    ExtensionRequestFactory,
    RemediationReportFactory,
    RemediationTaskFactory,
)
from .pages import make_cast

pytestmark = pytest.mark.django_db

# session, user, the header's agency and unread count, the page's count, the rows
PAGE = 6
# the task list's filter choices: directives, inspections, areas, criteria, agencies
FILTER_CHOICES = 5
# the queue's prefetches: waiting reports, pending extensions
QUEUE_PREFETCH = 2
# A list reads its page in two steps: the ids, then the rows.
SCOPED_PAGE_STEP = 1
# A scope's task list counts, and takes its first ids from, each of the
# scope's parts (led; monitored, not led; supported, neither): one query more
# per part than the province's one, at most.
SCOPE_PARTS = 3
# A search over the province reads the findings it matches once; within a
# scope it counts each part first (``TaskFilterForm._search``).
SEARCH = 1


def make_tasks(cast, count: int) -> None:
    """Tasks of the lead agency, as varied as a row can be: extended, with a
    pending extension, submitted with evidence, supported by another agency."""
    for n in range(count):
        task = RemediationTaskFactory(
            finding__agency=cast.lead,
            monitoring_agency=cast.monitoring,
            due_date=datetime.date(2019, 11, 30),
            extended_due_date=datetime.date(2019, 12, 15) if n % 2 else None,
            status=TaskStatus.SUBMITTED if n % 3 == 0 else TaskStatus.AWAITING_APPROVAL,
        )
        task.supporting_agencies.add(cast.support, AgencyFactory())
        state = (
            ReportState.SUBMITTED
            if task.status == TaskStatus.SUBMITTED
            else ReportState.AWAITING_APPROVAL
        )
        EvidenceFactory(report=RemediationReportFactory(task=task, state=state))
        if n % 2 == 0:
            ExtensionRequestFactory(task=task)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["coordinator", "officer", "monitor"])
def test_it_lists_tasks_in_constant_queries(client, django_assert_max_num_queries, count, role):
    cast = make_cast()
    make_tasks(cast, count)
    client.force_login(cast.user(role))
    # An officer's and a monitor's scope: their agency and its units (one
    # query), then its parts' counts and first ids.
    scope = SCOPED_PAGE_STEP
    if role != "coordinator":
        scope += 1 + 2 * (SCOPE_PARTS - 1)
    choices = FILTER_CHOICES if role == "coordinator" else FILTER_CHOICES - 1
    search = SEARCH if role == "coordinator" else SCOPE_PARTS
    with django_assert_max_num_queries(PAGE + choices + scope + search):
        response = client.get(reverse("home"), {"thoi_han": "chua_hoan_thanh", "q": "thử nghiệm"})
    assert response.text.count('class="task-link"') == count


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("role", ["coordinator", "leader"])
def test_it_shows_the_queue_in_constant_queries(client, django_assert_max_num_queries, count, role):
    cast = make_cast()
    make_tasks(cast, count)
    client.force_login(cast.user(role))
    scope = 0 if role == "coordinator" else 1 + SCOPED_PAGE_STEP
    with django_assert_max_num_queries(PAGE + QUEUE_PREFETCH + scope):
        response = client.get(reverse("review_queue"))
    rows = response.text.count('class="task-link"')
    if role == "coordinator":
        # every task waits: a submitted report or a pending extension request
        assert rows == len([n for n in range(count) if n % 3 == 0 or n % 2 == 0])
    else:
        assert rows == len([n for n in range(count) if n % 3 != 0])


@pytest.mark.parametrize("count", [3, 30])
def test_it_shows_a_task_page_in_constant_queries(client, django_assert_max_num_queries, count):
    cast = make_cast()
    for n in range(count):
        report = RemediationReportFactory(
            task=cast.task, state=ReportState.RETURNED if n else ReportState.SUBMITTED
        )
        EvidenceFactory(report=report)
    client.force_login(cast.coordinator)
    # the task, its pending extension, supporting agencies, events, reports and
    # their evidence, extension history
    with django_assert_max_num_queries(4 + 7):
        response = client.get(reverse("task_detail", args=[cast.task.pk]))
    assert response.text.count('href="/tai-lieu/') == count
