import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.models import AgencySuccession
from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.models import TaskStatus
from remediation.services import SuccessionNotYetEffective, tasks_transfer_to_successor
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merger():
    # Information and Communications merged into Science and Technology, 2025.
    old = AgencyFactory(code="STTTT", name="Sở Thông tin và Truyền thông")
    new = AgencyFactory(code="SKHCN", name="Sở Khoa học và Công nghệ")
    return AgencySuccession.objects.create(
        predecessor=old,
        successor=new,
        effective_date=datetime.date(2025, 3, 1),
        legal_basis="Nghị quyết sắp xếp tổ chức bộ máy",
    )


def test_it_moves_open_tasks_to_the_successor(merger):
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    assert tasks_transfer_to_successor(succession=merger) == 1
    task.refresh_from_db()
    assert task.lead_agency == merger.successor


def test_it_keeps_the_inspected_agency_on_the_finding(merger):
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    tasks_transfer_to_successor(succession=merger)
    task.finding.refresh_from_db()
    assert task.finding.agency == merger.predecessor


def test_it_leaves_completed_tasks_with_the_original_agency(merger):
    task = RemediationTaskFactory(
        finding__agency=merger.predecessor,
        status=TaskStatus.COMPLETED,
        completed_on=datetime.date(2019, 11, 20),
    )
    assert tasks_transfer_to_successor(succession=merger) == 0
    task.refresh_from_db()
    assert task.lead_agency == merger.predecessor


def test_it_moves_monitoring_and_support(merger):
    task = RemediationTaskFactory(monitoring_agency=merger.predecessor)
    task.supporting_agencies.add(merger.predecessor, merger.successor)
    assert tasks_transfer_to_successor(succession=merger) == 1
    task.refresh_from_db()
    assert task.monitoring_agency == merger.successor
    assert list(task.supporting_agencies.all()) == [merger.successor]


def test_it_closes_the_predecessor_the_day_before(merger):
    tasks_transfer_to_successor(succession=merger)
    merger.predecessor.refresh_from_db()
    assert merger.predecessor.valid_to == datetime.date(2025, 2, 28)


def test_it_transfers_from_the_succession_admin(admin_client, merger):
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    response = admin_client.post(
        "/admin/agencies/agencysuccession/",
        {"action": "transfer_open_tasks", "_selected_action": [merger.pk]},
        follow=True,
    )
    assert "Đã chuyển 1 nhiệm vụ." in response.content.decode()
    task.refresh_from_db()
    assert task.lead_agency == merger.successor


def test_it_moves_the_monitoring_of_reform_areas(merger):
    area = ReformAreaFactory(monitoring_agency=merger.predecessor)
    tasks_transfer_to_successor(succession=merger)
    area.refresh_from_db()
    assert area.monitoring_agency == merger.successor


def test_it_refuses_a_succession_not_yet_in_effect(merger, time_machine):
    time_machine.move_to(datetime.datetime(2025, 2, 28, 12, tzinfo=datetime.UTC), tick=False)
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    with pytest.raises(SuccessionNotYetEffective, match="01/03/2025"):
        tasks_transfer_to_successor(succession=merger)
    task.refresh_from_db()
    assert task.lead_agency == merger.predecessor


def test_it_records_the_transfer_in_each_task_history(merger):
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    tasks_transfer_to_successor(succession=merger)
    event = task.events.get()
    assert event.action == "transfer"
    assert merger.successor.name in event.comment


def test_it_needs_change_permission_for_the_admin_action(client, merger):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_agencysuccession"))
    client.force_login(viewer)
    task = RemediationTaskFactory(finding__agency=merger.predecessor)
    url = reverse("admin:agencies_agencysuccession_changelist")
    client.post(url, {"action": "transfer_open_tasks", "_selected_action": [merger.pk]})
    task.refresh_from_db()
    assert task.lead_agency == merger.predecessor
