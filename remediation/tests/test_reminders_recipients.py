"""Who gets a task's reminder, and the one digest each recipient receives."""

import pytest
import time_machine
from django.core import mail

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.models import Notification, NotificationKind, ReminderLog, TaskStatus
from remediation.models.reminders import mailbox_key, user_key
from remediation.services.reminders import reminders_claim
from remediation.tests.reminder_helpers import (
    DUE,
    at,
    day,
    mails_to,
    make_scene,
    sweep,
    task_ids_in,
)

pytestmark = pytest.mark.django_db

SEVEN_BEFORE, OVERDUE_1, OVERDUE_8 = day("23/11/2019"), day("01/12/2019"), day("08/12/2019")


@pytest.fixture
def scene(monkeypatch):
    return make_scene(monkeypatch)


def recipients(task):
    return set(ReminderLog.objects.filter(task=task).values_list("recipient_key", flat=True))


def keys(*users):
    return {user_key(user.pk) for user in users}


@pytest.mark.parametrize("status", [TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED])
def test_it_reminds_the_officers_and_leader_of_a_task_on_the_agency(
    scene, status, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE, status=status)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == keys(scene.officer, scene.leader)


def test_it_reminds_only_the_leader_of_a_report_awaiting_approval(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE, status=TaskStatus.AWAITING_APPROVAL)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == keys(scene.leader)


def test_it_reminds_the_coordinators_not_the_agency_of_a_submitted_report(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE, status=TaskStatus.SUBMITTED)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == keys(scene.coordinator)
    [review] = mail.outbox
    assert review.to == [scene.coordinator.email]
    assert "Đã gửi Sở Nội vụ, chờ xem xét" in review.body


def test_it_adds_the_monitoring_department_from_overdue_day_1(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE, status=TaskStatus.IN_PROGRESS)

    sweep(OVERDUE_1, django_capture_on_commit_callbacks)

    assert recipients(task) == keys(scene.officer, scene.leader, scene.monitor)


def test_it_escalates_to_the_coordinators_from_overdue_day_7(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE, status=TaskStatus.AWAITING_APPROVAL)
    sweep(OVERDUE_1, django_capture_on_commit_callbacks)
    assert recipients(task) == keys(scene.leader, scene.monitor)

    sweep(OVERDUE_8, django_capture_on_commit_callbacks)

    eighth = ReminderLog.objects.filter(task=task, threshold=8)
    assert set(eighth.values_list("recipient_key", flat=True)) == keys(
        scene.leader, scene.monitor, scene.coordinator
    )


def test_it_counts_overdue_days_when_catching_up_the_escalation(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(due_date=DUE)

    sweep(day("07/12/2019"), django_capture_on_commit_callbacks)  # missed day 1, now day 7

    assert recipients(task) == keys(scene.officer, scene.leader, scene.monitor, scene.coordinator)


def test_it_reminds_an_agency_without_accounts_at_its_mailbox(
    scene, django_capture_on_commit_callbacks
):
    commune = AgencyFactory(name="UBND xã Thanh Tương", official_email="XaThanhTuong@Example.VN")
    UserFactory(agency=commune, is_active=False)
    UserFactory(agency=commune, email="")
    UserFactory(agency=commune, role=Role.MONITOR)  # not someone who reports
    task = scene.task(lead_agency=commune, due_date=DUE)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == {mailbox_key("xathanhtuong@example.vn")}
    [message] = mail.outbox
    assert message.to == ["XaThanhTuong@Example.VN"]
    assert message.body.startswith("Kính gửi UBND xã Thanh Tương,")
    assert not Notification.objects.exists()


def test_it_reminds_the_mailbox_when_no_leader_can_approve(
    scene, django_capture_on_commit_callbacks
):
    commune = AgencyFactory(official_email="xa@tuyenquang.example.vn")
    UserFactory(agency=commune, role=Role.OFFICER)
    task = scene.task(lead_agency=commune, due_date=DUE, status=TaskStatus.AWAITING_APPROVAL)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == {mailbox_key("xa@tuyenquang.example.vn")}


def test_it_reminds_a_monitoring_department_without_monitors_at_its_mailbox(
    scene, django_capture_on_commit_callbacks
):
    scene.monitor.is_active = False
    scene.monitor.save()
    task = scene.task(due_date=DUE)

    sweep(OVERDUE_1, django_capture_on_commit_callbacks)

    assert recipients(task) == {
        *keys(scene.officer, scene.leader),
        mailbox_key(scene.monitor_agency.official_email),
    }


def test_it_reaches_nobody_in_an_agency_without_accounts_or_mailbox(
    scene, django_capture_on_commit_callbacks
):
    task = scene.task(lead_agency=AgencyFactory(official_email=""), due_date=DUE)

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    assert recipients(task) == set()


def test_it_sends_each_recipient_one_digest_of_all_their_tasks(
    scene, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://cchc.tuyenquang.example.vn"
    other = AgencyFactory(name="UBND huyện Na Hang")
    other_officer = UserFactory(agency=other)
    overdue = scene.task(due_date=day("22/11/2019"), status=TaskStatus.RETURNED)
    today = scene.task(due_date=day("29/11/2019"))
    coming = scene.task(due_date=day("06/12/2019"), status=TaskStatus.IN_PROGRESS)
    submitted = scene.task(lead_agency=other, due_date=DUE, status=TaskStatus.SUBMITTED)
    late = scene.task(lead_agency=other, due_date=day("20/11/2019"))

    sweep(day("29/11/2019"), django_capture_on_commit_callbacks)

    [digest] = mails_to(scene.officer.email)
    assert digest.subject == "[CCHC] Nhắc hạn báo cáo: 3 nhiệm vụ (1 quá hạn)"
    assert task_ids_in(digest) == [overdue.pk, today.pk, coming.pk]
    body = digest.body
    assert body.index("QUÁ HẠN (1)") < body.index("ĐẾN HẠN HÔM NAY (1)")
    assert body.index("ĐẾN HẠN HÔM NAY (1)") < body.index("SẮP ĐẾN HẠN (1)")
    assert f"https://cchc.tuyenquang.example.vn/nhiem-vu/{overdue.pk}/" in body
    html, mimetype = digest.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://cchc.tuyenquang.example.vn/nhiem-vu/{coming.pk}/"' in html
    assert "22/11/2019 (quá hạn 7 ngày)" in html
    [coordinator] = mails_to(scene.coordinator.email)
    assert sorted(task_ids_in(coordinator)) == sorted([overdue.pk, submitted.pk, late.pk])
    assert len(mails_to(other_officer.email)) == 1
    assert len(mail.outbox) == 5  # officer, leader, coordinator, monitor, other officer


def test_it_notifies_in_app_with_the_digest(scene, django_capture_on_commit_callbacks):
    scene.task(due_date=DUE)
    scene.task(due_date=day("26/11/2019"))

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    [notification] = Notification.objects.filter(user=scene.officer)
    assert notification.kind == NotificationKind.REMINDER
    assert notification.text == "Nhắc hạn: 2 nhiệm vụ sắp đến hạn hoặc quá hạn"
    assert notification.link == "/?thoi_han=chua_hoan_thanh"
    assert Notification.objects.count() == 2  # officer and leader


def test_it_lists_a_capped_number_of_tasks_with_a_link_to_the_rest(
    scene, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_DIGEST_MAX_ROWS = 2
    tasks = [scene.task(due_date=day("22/11/2019")) for _n in range(3)]

    sweep(day("29/11/2019"), django_capture_on_commit_callbacks)

    [digest] = mails_to(scene.officer.email)
    assert len(task_ids_in(digest)) == 2
    assert "QUÁ HẠN (3)" in digest.body
    assert "... và 1 nhiệm vụ khác: http://127.0.0.1:8000/?thoi_han=overdue" in digest.body
    assert ReminderLog.objects.filter(task__in=tasks, sent_at__isnull=True).count() == 0


def test_it_drops_a_task_completed_before_its_digest_went_out(
    scene, django_capture_on_commit_callbacks
):
    done = scene.task(due_date=DUE)
    waiting = scene.task(due_date=DUE)
    with time_machine.travel(at(SEVEN_BEFORE, 7, 0), tick=False):
        reminders_claim(as_of=SEVEN_BEFORE)  # claimed, the digests not sent yet
    type(done).objects.filter(pk=done.pk).update(
        status=TaskStatus.COMPLETED, completed_on=SEVEN_BEFORE
    )

    sweep(SEVEN_BEFORE, django_capture_on_commit_callbacks)

    [digest] = mails_to(scene.officer.email)
    assert task_ids_in(digest) == [waiting.pk]
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()


def test_it_reminds_a_mailbox_once_when_its_agency_leads_and_monitors_the_task(
    scene, django_capture_on_commit_callbacks
):
    commune = AgencyFactory(official_email="xa@tuyenquang.example.vn")
    task = scene.task(lead_agency=commune, monitoring_agency=commune, due_date=DUE)

    summary = sweep(OVERDUE_1, django_capture_on_commit_callbacks)

    assert summary.claimed == 1
    assert recipients(task) == {mailbox_key("xa@tuyenquang.example.vn")}
    assert len(mail.outbox) == 1
