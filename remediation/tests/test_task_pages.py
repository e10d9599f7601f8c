"""A scoped list is read a page at a time in two steps (the page's ids, then
those rows): the same rows, in the same order, as one query would give."""

import datetime

import pytest

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.filters import TaskFilterForm
from remediation.models import RemediationTask, TaskStatus
from remediation.selectors import task_list_for_user
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    agency = AgencyFactory()
    for day in (5, 1, 3, 1, 4, 2):
        RemediationTaskFactory(finding__agency=agency, due_date=datetime.date(2019, 11, day))
    RemediationTaskFactory(due_date=datetime.date(2019, 11, 1))  # another agency's
    return UserFactory(agency=agency, role=Role.OFFICER)


def one_query(user):
    """The list as a plain queryset evaluates it: one query."""
    tasks = task_list_for_user(user=user)
    tasks._iterable_class = RemediationTask.objects.all()._iterable_class
    return tasks


def test_it_gives_the_rows_one_query_would(officer, django_assert_num_queries):
    expected = list(one_query(officer)[1:4])
    tasks = task_list_for_user(user=officer)
    with django_assert_num_queries(2):  # the page's ids, then its rows
        page = list(tasks[1:4])
    assert page == expected
    assert [t.due_date.day for t in page] == [1, 2, 3]


def test_it_keeps_annotations_and_joined_rows(officer, django_assert_num_queries):
    page = list(task_list_for_user(user=officer)[:2])
    with django_assert_num_queries(0):
        assert all(t.deadline_class and t.finding.code and t.lead_agency.name for t in page)


def test_it_applies_filters_to_the_page(officer):
    task = task_list_for_user(user=officer).get(due_date=datetime.date(2019, 11, 4))
    RemediationTask.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS)
    form = TaskFilterForm({"trang_thai": [TaskStatus.IN_PROGRESS]})
    assert list(form.apply(task_list_for_user(user=officer))[:50]) == [task]


def test_it_reads_a_whole_list_in_one_query(officer, django_assert_num_queries):
    tasks = task_list_for_user(user=officer)  # reads the user's agency tree
    with django_assert_num_queries(1):
        assert len(list(tasks)) == 6


def test_it_reads_an_empty_page_in_one_query(officer, django_assert_num_queries):
    tasks = task_list_for_user(user=officer)
    with django_assert_num_queries(1):
        assert list(tasks[10:20]) == []


def test_it_reads_the_provinces_list_in_one_query(officer, django_assert_num_queries):
    coordinator = UserFactory(role=Role.COORDINATOR)
    with django_assert_num_queries(1):  # its page comes from the due-date index
        assert len(list(task_list_for_user(user=coordinator)[:3])) == 3
