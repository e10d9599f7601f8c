import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.models import TaskStatus
from remediation.tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def agency():
    return AgencyFactory(name="Sở Tài nguyên và Môi trường")


def test_it_redirects_anonymous_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_shows_a_vietnamese_login_page(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Tên đăng nhập" in response.text


def test_it_shows_officer_only_own_agency_tasks(client, agency):
    RemediationTaskFactory(title="Nhiệm vụ của Sở", finding__agency=agency)
    RemediationTaskFactory(title="Nhiệm vụ cơ quan khác")
    client.force_login(UserFactory(agency=agency, role=Role.OFFICER))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Nhiệm vụ của Sở" in response.text
    assert "Nhiệm vụ cơ quan khác" not in response.text


def test_it_shows_coordinator_all_tasks(client, agency):
    RemediationTaskFactory(title="Nhiệm vụ của Sở", finding__agency=agency)
    RemediationTaskFactory(title="Nhiệm vụ cơ quan khác")
    client.force_login(UserFactory(role=Role.COORDINATOR))
    response = client.get(reverse("home"))
    assert "Nhiệm vụ của Sở" in response.text
    assert "Nhiệm vụ cơ quan khác" in response.text


def test_it_shows_empty_state(client, agency):
    client.force_login(UserFactory(agency=agency))
    response = client.get(reverse("home"))
    assert "Chưa có nhiệm vụ khắc phục nào" in response.text


def test_it_is_vietnamese_with_day_first_dates(client, agency):
    RemediationTaskFactory(finding__agency=agency, finding__code="KT2019-05")
    client.force_login(UserFactory(agency=agency))
    response = client.get(reverse("home"))
    assert '<html lang="vi">' in response.text
    assert "Hạn báo cáo" in response.text
    assert "KT2019-05" in response.text
    assert "30/11/2019" in response.text
    assert "Sở Tài nguyên và Môi trường" in response.text  # the header's agency


def test_it_shows_staff_link_only_to_staff(client):
    client.force_login(UserFactory(is_staff=False))
    assert reverse("admin:index") not in client.get(reverse("home")).text
    client.force_login(UserFactory(is_staff=True))
    assert reverse("admin:index") in client.get(reverse("home")).text


def test_it_labels_deadline_states(client, agency, time_machine):
    time_machine.move_to(datetime.datetime(2019, 11, 28, 9, 0, tzinfo=HANOI))
    due = datetime.date(2019, 11, 30)
    RemediationTaskFactory(finding__agency=agency, due_date=due)
    RemediationTaskFactory(finding__agency=agency, due_date=datetime.date(2019, 11, 27))
    RemediationTaskFactory(finding__agency=agency, due_date=datetime.date(2019, 12, 31))
    RemediationTaskFactory(
        finding__agency=agency,
        due_date=due,
        status=TaskStatus.COMPLETED,
        completed_on=datetime.date(2019, 11, 25),
    )
    client.force_login(UserFactory(agency=agency))
    text = client.get(reverse("home")).text
    assert 'deadline-due_soon">Sắp đến hạn<' in text
    assert 'deadline-overdue">Quá hạn<' in text
    assert 'deadline-in_time">Trong hạn<' in text
    assert 'deadline-completed_on_time">Hoàn thành đúng hạn<' in text


def test_it_turns_overdue_after_the_deadline(client, agency, time_machine):
    RemediationTaskFactory(finding__agency=agency, due_date=datetime.date(2019, 11, 30))
    client.force_login(UserFactory(agency=agency))
    # 00:30 on 1 December in Hà Nội is still 30 November in UTC.
    time_machine.move_to(datetime.datetime(2019, 12, 1, 0, 30, tzinfo=HANOI))
    assert 'deadline-overdue">Quá hạn<' in client.get(reverse("home")).text


def test_it_does_not_query_per_task(client, django_assert_max_num_queries):
    monitor = AgencyFactory()
    for _ in range(20):
        RemediationTaskFactory(monitoring_agency=monitor)
    client.force_login(UserFactory(role=Role.COORDINATOR))
    # session, user, the header's agency and unread count, the filters' five
    # choice lists, the page's count, the page's ids, its tasks
    # (``selectors.task_list_page``)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))
    assert response.text.count('class="deadline ') == 20


def test_it_pages_long_lists(client, settings):
    monitor = AgencyFactory()
    RemediationTaskFactory.create_batch(55, monitoring_agency=monitor)
    client.force_login(UserFactory(role=Role.COORDINATOR))
    first = client.get(reverse("home")).text
    second = client.get(reverse("home"), {"trang": 2}).text
    assert first.count('class="deadline ') == 50
    assert second.count('class="deadline ') == 5
    assert "Trang 2/2 (55 mục)" in second


def test_it_shows_tasks_the_agency_supports_or_monitors_once_each(client, agency):
    supported = RemediationTaskFactory(title="Nhiệm vụ phối hợp")
    supported.supporting_agencies.add(agency)
    both = RemediationTaskFactory(title="Nhiệm vụ chủ trì và phối hợp", finding__agency=agency)
    both.supporting_agencies.add(agency)
    RemediationTaskFactory(title="Nhiệm vụ theo dõi", monitoring_agency=agency)
    client.force_login(UserFactory(agency=agency, role=Role.OFFICER))
    text = client.get(reverse("home")).text
    assert text.count("Nhiệm vụ phối hợp") == 1
    assert text.count("Nhiệm vụ chủ trì và phối hợp") == 1
    assert text.count("Nhiệm vụ theo dõi") == 1
