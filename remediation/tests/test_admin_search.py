"""The admin's search boxes follow the task list's search rule."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory

from .factories import FindingFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

TASKS = reverse("admin:remediation_remediationtask_changelist")
FINDINGS = reverse("admin:remediation_finding_changelist")


def listed(client, url: str, q: str) -> str:
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    return response.text


def test_it_finds_tasks_without_marks_by_code_start_or_agency(admin_client):
    agency = AgencyFactory(code="STP", name="Sở Tư pháp")
    task = RemediationTaskFactory(
        title="Rà soát thủ tục hành chính", finding__code="KT2020-STP-01", lead_agency=agency
    )
    other = RemediationTaskFactory(title="Nhiệm vụ khác", finding__code="KT2020-SYT-01")
    for q in ("ra soat thu tuc", "kt2020-stp", "STP", "Tư pháp"):
        text = listed(admin_client, TASKS, q)
        assert task.title in text, q
        assert other.title not in text, q


def test_it_finds_findings_without_marks(admin_client):
    finding = FindingFactory(code="KT2020-01", description="Chưa công khai đường dây nóng")
    other = FindingFactory(code="KT2020-02", description="Chậm báo cáo")
    text = listed(admin_client, FINDINGS, "duong day nong")
    assert finding.code in text
    assert other.code not in text


def test_it_keeps_the_scope_when_searching(client):
    agency = AgencyFactory()
    officer = UserFactory(role=Role.LEADER, agency=agency, is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_remediationtask"))
    mine = RemediationTaskFactory(title="Rà soát của tôi", lead_agency=agency)
    theirs = RemediationTaskFactory(title="Rà soát của cơ quan khác")
    client.force_login(officer)
    text = listed(client, TASKS, "ra soat")
    assert mine.title in text
    assert theirs.title not in text
