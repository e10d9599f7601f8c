"""My tasks: filters, search, numbered pagination that keeps the filters."""

from __future__ import annotations

import datetime
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from directives.tests.factories import DirectiveFactory
from remediation import widgets
from remediation.models import TaskStatus
from remediation.views import tasks as task_views

from .factories import FindingFactory, InspectionFactory, RemediationTaskFactory
from .pages import make_cast

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def cast():
    return make_cast(due_date=datetime.date(2019, 11, 30))


def titles(client, **params) -> str:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.text


def test_it_links_every_row_to_its_task(client, cast):
    client.force_login(cast.coordinator)
    text = titles(client)
    for task in (cast.task, cast.other):
        assert f'<a class="task-link" href="/nhiem-vu/{task.pk}/">{task.title}</a>' in text


def test_it_shows_the_original_and_the_extended_date(client, cast):
    cast.task.extended_due_date = datetime.date(2019, 12, 15)
    cast.task.save()
    client.force_login(cast.officer)
    assert "hạn ban đầu 30/11/2019, gia hạn đến 15/12/2019" in titles(client)


def test_it_filters_by_status_and_deadline_class(client, cast, time_machine):
    time_machine.move_to(datetime.datetime(2019, 11, 28, 9, 0, tzinfo=HANOI))
    late = RemediationTaskFactory(
        finding__agency=cast.lead, title="Nhiệm vụ quá hạn", due_date=datetime.date(2019, 11, 1)
    )
    done = RemediationTaskFactory(
        finding__agency=cast.lead,
        title="Nhiệm vụ đã xong",
        status=TaskStatus.COMPLETED,
        completed_on=datetime.date(2019, 11, 2),
    )
    client.force_login(cast.officer)
    text = titles(client, thoi_han="overdue")
    assert late.title in text
    assert cast.task.title not in text  # due in 2 days: due soon
    assert "Nhiệm vụ khắc phục thử nghiệm" not in text
    text = titles(client, trang_thai="completed")
    assert done.title in text
    assert late.title not in text
    assert titles(client, thoi_han="due_soon").count('class="task-link"') == 1


def test_it_filters_by_directive_inspection_and_area(client, cast):
    directive = DirectiveFactory(symbol="57/TB-UBND")
    inspection = InspectionFactory(name="Kiểm tra CCHC năm 2019")
    area = ReformAreaFactory(name="Cải cách tài chính công thử nghiệm")
    finding = FindingFactory(
        agency=cast.lead, inspection=inspection, reform_area=area, source_directive=directive
    )
    chosen = RemediationTaskFactory(finding=finding, title="Nhiệm vụ được chọn")
    client.force_login(cast.officer)
    page = titles(client)
    assert f'<option value="{directive.pk}">57/TB-UBND</option>' in page
    assert f'<option value="{inspection.pk}">Kiểm tra CCHC năm 2019</option>' in page
    for params in ({"van_ban": directive.pk}, {"dot": inspection.pk}, {"linh_vuc": area.pk}):
        text = titles(client, **params)
        assert chosen.title in text, params
        assert cast.task.title not in text, params


def test_it_searches_by_code_or_text(client, cast):
    client.force_login(cast.coordinator)
    text = titles(client, q="kt2019-stnmt-01")
    assert cast.task.title in text
    assert cast.other.title not in text
    text = titles(client, q="cơ quan khác")
    assert cast.other.title in text
    assert cast.task.title not in text


def test_it_searches_with_decomposed_vietnamese(client, cast):
    client.force_login(cast.coordinator)
    text = titles(client, q=unicodedata.normalize("NFD", "cơ quan khác"))
    assert cast.other.title in text
    assert cast.task.title not in text


def test_it_offers_the_agency_filter_only_to_those_who_see_several(client, cast):
    client.force_login(cast.coordinator)
    text = titles(client, co_quan=cast.lead.pk)
    assert 'name="co_quan"' in text
    assert cast.task.title in text
    assert cast.other.title not in text
    client.force_login(cast.officer)
    assert 'name="co_quan"' not in titles(client)
    # A district sees its communes: several agencies, so it may pick one.
    district = AgencyFactory(name="UBND huyện Yên Sơn")
    commune = AgencyFactory(name="UBND xã Trung Môn", parent=district)
    RemediationTaskFactory(finding__agency=commune, title="Nhiệm vụ của xã")
    cast.officer.agency = district
    cast.officer.save()
    text = titles(client)
    assert f'<option value="{commune.pk}">UBND xã Trung Môn</option>' in text
    assert "Nhiệm vụ của xã" in text


def test_it_shows_the_date_filters_and_counts_as_of_a_date(client, cast):
    cast.task.status = TaskStatus.COMPLETED
    cast.task.completed_on = datetime.date(2019, 12, 10)
    cast.task.save()
    client.force_login(cast.officer)
    text = titles(client, ngay="05/12/2019")
    for name in ("tu_ngay", "den_ngay", "ngay"):
        assert f'name="{name}"' in text
    assert "Thời hạn tính đến ngày 05/12/2019." in text
    assert 'deadline-overdue">Quá hạn<' in text  # not yet completed on 5 December
    assert 'deadline-completed_late">Hoàn thành quá hạn<' in titles(client)


def test_it_reports_an_invalid_filter_and_ignores_it(client, cast):
    client.force_login(cast.officer)
    text = titles(client, tu_ngay="31/11/2019")
    assert "Một số điều kiện lọc không hợp lệ" in text
    assert "Hạn từ ngày" in text
    assert cast.task.title in text


def test_it_numbers_pages_and_keeps_the_filters(client, cast):
    RemediationTaskFactory.create_batch(120, finding__agency=cast.lead, status=TaskStatus.RETURNED)
    client.force_login(cast.officer)
    text = titles(client, trang_thai="returned", trang=2)
    assert text.count('class="task-link"') == 50
    assert '<span class="page-link current" aria-current="page">2</span>' in text
    for number in (1, 3):
        assert f'href="?trang_thai=returned&amp;trang={number}"' in text
    assert "Trang 2/3 (120 mục)" in text
    assert cast.task.title not in titles(client, trang_thai="returned", trang=3)


def test_it_lists_agencies_only_while_the_list_is_short(client, monkeypatch):
    monkeypatch.setattr(widgets, "MAX_SELECT_OPTIONS", 3)
    AgencyFactory.create_batch(4)
    client.force_login(UserFactory(role=Role.COORDINATOR))
    page = client.get("/").content.decode()
    assert '<select name="co_quan"' not in page
    assert 'name="co_quan"' in page  # still filterable, by its number


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICER])
def test_it_pages_in_due_date_order_whether_it_sorts_or_walks(monkeypatch, role):
    from remediation import selectors
    from remediation.forms import TaskListFilterForm

    agency = AgencyFactory()
    days = [5, 1, 3, 1, 4, 2, 5, 3]
    for day in days:
        RemediationTaskFactory(lead_agency=agency, due_date=datetime.date(2019, 12, day))
    # In an officer's scope, also through the other parts: monitored, supported.
    RemediationTaskFactory(monitoring_agency=agency, due_date=datetime.date(2019, 12, 2))
    RemediationTaskFactory(due_date=datetime.date(2019, 12, 4)).supporting_agencies.add(agency)
    user = UserFactory(role=role, agency=agency)
    form = TaskListFilterForm(None, options=task_views.filter_options(user))

    def pages(sort_up_to, walked_up_to=selectors.WALKED_UP_TO):
        monkeypatch.setattr(selectors, "SORT_MATCHING_UP_TO", sort_up_to)
        monkeypatch.setattr(selectors, "WALKED_UP_TO", walked_up_to)
        return [
            [
                task.pk
                for task in selectors.task_list_page(user=user, form=form, number=n, per_page=3)
            ]
            for n in ("1", "2", "3", "4")
        ]

    sorted_pages = pages(10**6)
    assert sorted_pages == pages(0)
    # Sorted after a walk of the list's first tasks: every page found there,
    # some, or none.
    monkeypatch.setattr(selectors._ListPrefix, "may_hold", lambda self, count, wanted: True)
    for walked_up_to in (len(days) + 2, 5, 1):
        assert pages(10**6, walked_up_to) == sorted_pages
    listed = [pk for page in sorted_pages for pk in page]
    expected = sorted(selectors.tasks_visible_to(user=user), key=lambda t: (t.due_date, t.pk))
    assert listed == [task.pk for task in expected] and len(listed) == len(days) + 2
    page = selectors.task_list_page(user=user, form=form, number="99", per_page=3)
    assert (page.number, page.paginator.count) == (4, len(days) + 2)  # the last page
