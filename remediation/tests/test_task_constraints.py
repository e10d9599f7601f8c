"""The database, not only the code, ties completion to its date and keeps an
extension after the original due date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.tests.factories import AgencyFactory
from directives.tests.factories import DirectiveFactory
from remediation.models import RemediationTask, TaskStatus
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2019, 11, 30)


def write(task, **values):
    """A raw UPDATE: no model validation between the values and the database."""
    with transaction.atomic():
        RemediationTask.objects.filter(pk=task.pk).update(**values)


@pytest.fixture
def task():
    return RemediationTaskFactory(due_date=DUE)


def test_it_refuses_completed_without_a_date(task):
    with pytest.raises(IntegrityError):
        write(task, status=TaskStatus.COMPLETED, completed_on=None)


@pytest.mark.parametrize("status", [s for s in TaskStatus if s != TaskStatus.COMPLETED])
def test_it_refuses_a_date_on_a_task_not_completed(task, status):
    with pytest.raises(IntegrityError):
        write(task, status=status, completed_on=DUE)


def test_it_accepts_completed_with_a_date(task):
    write(task, status=TaskStatus.COMPLETED, completed_on=DUE)
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.COMPLETED, DUE)


def test_it_refuses_creating_a_completed_task_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        RemediationTaskFactory(status=TaskStatus.COMPLETED, completed_on=None)


@pytest.mark.parametrize("days", [0, -1])
def test_it_refuses_an_extension_not_after_the_due_date(task, days):
    with pytest.raises(IntegrityError):
        write(task, extended_due_date=DUE + datetime.timedelta(days=days))


def test_it_accepts_an_extension_after_the_due_date(task):
    write(task, extended_due_date=DUE + datetime.timedelta(days=1))
    task.refresh_from_db()
    assert task.effective_due_date == DUE + datetime.timedelta(days=1)


def test_it_explains_the_constraints_in_vietnamese_on_validation(task):
    task.status = TaskStatus.COMPLETED
    task.extended_due_date = DUE
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    messages = " ".join(error.value.messages)
    assert "Nhiệm vụ hoàn thành phải có ngày hoàn thành" in messages
    assert "Ngày gia hạn phải sau hạn ban đầu" in messages


def test_it_refuses_a_second_task_for_one_finding(task):
    # On PostgreSQL migration 0002 once dropped this index; 0009 restores it.
    assert task.finding_id is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        RemediationTaskFactory(finding=task.finding)


def test_it_allows_many_tasks_without_a_finding():
    agency, directive = AgencyFactory(), DirectiveFactory()
    for _ in range(2):
        RemediationTaskFactory(
            finding=None, directive=directive, lead_agency=agency, monitoring_agency=agency
        )
    assert RemediationTask.objects.filter(finding=None).count() == 2
