"""What waits for whom (``review_queue_for_user``)."""

import datetime

import pytest

from remediation import services
from remediation.selectors import review_queue_for_user
from remediation.tests.factories import RemediationTaskFactory
from remediation.tests.people import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(settings):
    settings.REPORT_LEADER_APPROVAL = True
    return people()


def task_of(who, **kwargs):
    return RemediationTaskFactory(finding__agency=who.agency, **kwargs)


def report(task, user):
    services.task_submit_report(task=task, user=user, content="Báo cáo", progress=100)


def extension(task, who):
    services.task_request_extension(
        task=task, user=who.officer, requested_date=datetime.date(2019, 12, 31), reason="Chờ"
    )


def test_it_gives_home_affairs_submitted_reports_and_extension_requests(who):
    submitted, asked, both, _quiet = (task_of(who) for _ in range(4))
    report(submitted, who.leader)
    extension(asked, who)
    extension(both, who)
    report(both, who.leader)
    queue = list(review_queue_for_user(user=who.coordinator))
    assert sorted(t.pk for t in queue) == sorted([submitted.pk, asked.pk, both.pk])  # each once
    flags = {t.pk: t.has_pending_extension for t in queue}
    assert flags == {submitted.pk: False, asked.pk: True, both.pk: True}


def test_it_gives_a_leader_the_reports_awaiting_approval(who):
    waiting, submitted = task_of(who), task_of(who)
    report(waiting, who.officer)
    report(submitted, who.leader)
    other = RemediationTaskFactory()
    report(other, people(agency=other.lead_agency).officer)
    assert list(review_queue_for_user(user=who.leader)) == [waiting]


def test_it_gives_an_officer_the_returned_tasks(who):
    returned, submitted = task_of(who), task_of(who)
    report(returned, who.leader)
    services.task_review(task=returned, user=who.coordinator, decision="return", comment="Bổ sung")
    report(submitted, who.leader)
    assert list(review_queue_for_user(user=who.officer)) == [returned]


def test_it_gives_a_monitoring_department_nothing_to_review(who):
    task = task_of(who, monitoring_agency=who.monitor_agency)
    report(task, who.leader)
    assert list(review_queue_for_user(user=who.monitor)) == []


def test_it_reads_home_affairs_queue_in_two_queries(who, django_assert_num_queries):
    for _ in range(3):
        report(task_of(who), who.leader)
    queue = review_queue_for_user(user=who.coordinator)
    with django_assert_num_queries(2):  # the page and its count
        assert len(list(queue[:50])) == queue.count() == 3


@pytest.mark.parametrize("grant", [True, False])
def test_it_keeps_the_pending_extension_flag_with_the_requests(who, grant):
    task = task_of(who)
    extension(task, who)
    task.refresh_from_db()
    assert task.extension_pending and task.awaits_home_affairs
    services.extension_decide(
        extension=task.extensions.get(), user=who.coordinator, grant=grant, comment="Ý kiến"
    )
    task.refresh_from_db()
    assert not task.extension_pending and not task.awaits_home_affairs
    assert list(review_queue_for_user(user=who.coordinator)) == []


def test_it_gives_an_inactive_leader_nothing(who):
    report(task_of(who), who.officer)
    who.leader.is_active = False
    assert list(review_queue_for_user(user=who.leader)) == []
