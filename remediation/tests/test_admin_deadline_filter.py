import datetime

import pytest
from django.urls import reverse

from remediation.models import TaskStatus

from .factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db


def test_it_filters_the_admin_task_list_by_deadline_class(admin_client, time_machine):
    time_machine.move_to(datetime.datetime(2019, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
    overdue = RemediationTaskFactory(title="Nhiệm vụ quá hạn")
    RemediationTaskFactory(title="Nhiệm vụ còn hạn", due_date=datetime.date(2019, 12, 20))
    RemediationTaskFactory(
        title="Nhiệm vụ đã xong",
        status=TaskStatus.COMPLETED,
        completed_on=datetime.date(2019, 11, 20),
    )
    url = reverse("admin:remediation_remediationtask_changelist")
    page = admin_client.get(url, {"thoi_han": "overdue"}).content.decode()
    assert overdue.title in page
    assert "Nhiệm vụ còn hạn" not in page
    assert "Nhiệm vụ đã xong" not in page


def test_it_gives_the_admin_its_layout_stylesheet(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "css/admin.css" in page
