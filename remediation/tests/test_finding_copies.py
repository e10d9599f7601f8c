"""The database keeps each task's copy of its finding's inspection, reform
area, criterion and directing document, whoever writes (remediation.finding_copies)."""

import pytest
from django.db import connection

from agencies.tests.factories import AgencyFactory, CriterionFactory, ReformAreaFactory
from directives.tests.factories import DirectiveFactory
from remediation.models import Finding, RemediationTask
from remediation.tests.factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

COPIES = (
    "finding_inspection_id",
    "finding_area_id",
    "finding_criterion_id",
    "finding_source_directive_id",
)


def copies(task) -> tuple:
    return tuple(RemediationTask.objects.values_list(*COPIES).get(pk=task.pk))


def of_finding(finding) -> tuple:
    finding.refresh_from_db()
    return (
        finding.inspection_id,
        finding.reform_area_id,
        finding.criterion_id,
        finding.source_directive_id,
    )


@pytest.fixture
def finding():
    area = ReformAreaFactory()
    return FindingFactory(
        reform_area=area,
        criterion=CriterionFactory(area=area),
        source_directive=DirectiveFactory(),
    )


def test_it_copies_the_finding_onto_a_new_task(finding):
    task = RemediationTaskFactory(finding=finding)
    assert copies(task) == of_finding(finding)
    assert None not in copies(task)


def test_it_follows_a_change_of_the_finding(finding):
    task = RemediationTaskFactory(finding=finding)
    area = ReformAreaFactory()
    Finding.objects.filter(pk=finding.pk).update(
        inspection=InspectionFactory(), reform_area=area, criterion=CriterionFactory(area=area)
    )
    assert copies(task) == of_finding(finding)


def test_it_follows_a_finding_saved_through_the_orm(finding):
    task = RemediationTaskFactory(finding=finding)
    finding.source_directive = DirectiveFactory()
    finding.save()
    assert copies(task)[3] == finding.source_directive_id


def test_it_clears_the_criterion_when_the_criterion_is_deleted(finding):
    task = RemediationTaskFactory(finding=finding)
    finding.criterion.delete()  # the finding's criterion is SET_NULL
    assert copies(task)[2] is None


def test_it_follows_the_task_moved_to_another_finding(finding):
    task = RemediationTaskFactory()
    RemediationTask.objects.filter(pk=task.pk).update(finding=finding)
    assert copies(task) == of_finding(finding)


def test_it_refuses_a_copy_written_by_hand(finding):
    task = RemediationTaskFactory(finding=finding)
    RemediationTask.objects.filter(pk=task.pk).update(finding_area=ReformAreaFactory())
    assert copies(task) == of_finding(finding)


def test_it_keeps_the_copies_when_a_stale_instance_is_saved(finding):
    task = RemediationTaskFactory(finding=finding)  # its instance never read the copies
    task.title = "Tiêu đề mới"
    task.save()
    assert copies(task) == of_finding(finding)


def test_it_leaves_a_task_without_a_finding_empty():
    agency = AgencyFactory()
    task = RemediationTaskFactory(
        finding=None, directive=DirectiveFactory(), lead_agency=agency, monitoring_agency=agency
    )
    assert copies(task) == (None, None, None, None)


def test_it_copies_rows_inserted_in_bulk(finding):
    other = FindingFactory()
    tasks = RemediationTask.objects.bulk_create(
        [
            RemediationTask(finding=f, title="t", lead_agency=f.agency, due_date="2019-11-30")
            for f in (finding, other)
        ]
    )
    assert [copies(t) for t in tasks] == [of_finding(finding), of_finding(other)]


def test_it_has_its_triggers_installed():
    # A migration that makes SQLite rebuild a table drops its triggers.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'remediation_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {name for (name,) in cursor.fetchall()}
    assert {n for n in names if "copy" in n}
