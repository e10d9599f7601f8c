"""The dashboard at /tong-hop/: the demo's figures, scope, filters, links."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from agencies.models import Agency, AgencyKind, Role, User
from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.dashboard import halves
from remediation.demo import load_demo_scenario
from remediation.filters import TaskFilterForm
from remediation.models import RemediationTask, TaskStatus
from remediation.selectors import tasks_visible_to
from remediation.tests.factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

URL = "/tong-hop/"
AS_OF = "01/12/2019"
# Demo facts (remediation/demo): the 2019 inspection's fourteen findings,
# every task due 30/11/2019; only KT2019-14's due date was extended, to
# 15/12/2019. Completed by then: KT2019-01 (25/11), -03 (29/11), -06 (20/11),
# -08 (27/11), -11 (28/11). Completed only after 01/12/2019: -04 (10/12) and
# -10 (20/12), so not completed as of that day. Never completed: -02, -05,
# -07, -09, -12, -13, -14. As of 01/12/2019 every task not completed is
# overdue but -14, still within its extended date (more than 3 days ahead:
# not "due soon").
ON_TIME_BY_01_12 = 5
OVERDUE_ON_01_12 = 8  # -02, -04, -05, -07, -09, -10, -12, -13
WITHIN_ON_01_12 = 1  # -14


@pytest.fixture
def demo():
    load_demo_scenario()


def login(client, username):
    client.force_login(User.objects.get(username=username))


def figure(response, name):
    match = re.search(rf'id="figure-{name}"[^>]*>([^<]+)<', response.text)
    return match.group(1).strip()


def figure_link(response, name):
    match = re.search(
        rf'href="([^"]+)">\s*<span class="figure-value" id="figure-{name}"', response.text
    )
    return unescape(match.group(1))


def links_with_counts(response):
    """Every (task-list URL, number of tasks) pair on the page. The oldest
    overdue days link to the overdue tasks too, but count days, not tasks."""
    pairs = re.findall(
        r'<a\s([^>]*?)href="(/\?[^"]*)"[^>]*>(?:<span[^>]*>)?\s*(\d+)\s*<', response.text
    )
    return [
        (unescape(url), int(number)) for attrs, url, number in pairs if "days-link" not in attrs
    ]


def listed(user, url):
    """The number of tasks the task list shows at ``url``."""
    params = parse_qs(urlsplit(url).query)
    form = TaskFilterForm({k: v if k == "trang_thai" else v[0] for k, v in params.items()})
    return form.apply(tasks_visible_to(user=user)).count()


def test_it_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_refuses_post(client, demo):
    login(client, "sonoivu")
    assert client.post(URL).status_code == 405


def test_it_reads_an_as_of_date_typed_in_full_width_digits(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": "０１／１２／２０１９"})
    assert 'class="form-errors"' not in response.text
    assert figure(response, "overdue") == str(OVERDUE_ON_01_12)


def test_it_is_linked_from_the_header(client, demo):
    login(client, "sonoivu")
    assert f'href="{URL}"' in client.get(reverse("home")).text


def test_it_shows_the_demo_figures_as_of_01_12_2019(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": AS_OF})
    assert response.status_code == 200
    assert figure(response, "completed-on-time") == str(ON_TIME_BY_01_12)
    assert figure(response, "completed-late") == "0"
    assert figure(response, "within") == str(WITHIN_ON_01_12)
    assert figure(response, "overdue") == str(OVERDUE_ON_01_12)
    assert figure(response, "due-soon") == "0"
    assert figure(response, "total") == str(ON_TIME_BY_01_12 + OVERDUE_ON_01_12 + WITHIN_ON_01_12)
    assert figure(response, "rate") == "38,5%"  # 5 on time of 13 decided (5 + 8)


def test_it_counts_every_2019_task_not_completed_as_overdue_on_01_12_2019(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": AS_OF})
    day = datetime.date(2019, 12, 1)
    not_done = RemediationTask.objects.filter(due_date__year=2019).exclude(
        status=TaskStatus.COMPLETED, completed_on__lte=day
    )
    # Overdue is past the effective due date: the one extension granted
    # (KT2019-14, to 15/12) keeps its task within the deadline.
    extended = not_done.filter(extended_due_date__gte=day)
    assert list(extended.values_list("finding__code", flat=True)) == ["KT2019-14"]
    assert figure(response, "overdue") == str(not_done.count() - extended.count())
    assert figure(response, "within") == str(extended.count())


def test_it_counts_late_completions_once_they_happened(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": "31/12/2019"})
    assert figure(response, "completed-late") == "2"  # KT2019-04, KT2019-10
    # -02, -05, -07, -09, -12, -13, and -14 past its extended date (15/12).
    assert figure(response, "overdue") == "7"


def test_it_shows_an_agency_row_with_its_oldest_overdue_days(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": "10/12/2019"})
    stnmt = Agency.objects.get(code="STNMT")
    row = re.search(rf'<tr data-agency="{stnmt.pk}">(.*?)</tr>', response.text, re.S).group(1)
    cells = re.findall(r'<td class="num">(?:<a[^>]*>)?([^<]*)<', row)
    # 3 tasks: KT2019-08 on time, KT2019-05 and -13 overdue since 30/11 (10
    # days); rate 1/3.
    assert cells == ["3", "1", "0", "0", "2", "33,3", "10"]
    # The days link to the overdue tasks they are counted from.
    days_link = re.search(r'class="days-link" href="([^"]+)"', row).group(1)
    assert days_link == re.search(r'class="overdue-link" href="([^"]+)"', row).group(1)


def test_it_groups_communes_under_their_district(client, demo):
    login(client, "sonoivu")
    text = client.get(URL, {"ngay": AS_OF}).text
    order = [
        text.index(name)
        for name in ("UBND huyện Na Hang", "UBND xã Năng Khả", "UBND xã Thanh Tương")
    ]
    assert order == sorted(order)
    assert re.search(
        r'class="child-row" data-agency="\d+">\s*<th scope="row">UBND xã Năng Khả', text
    )


def test_it_sorts_agencies_by_a_column(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": AS_OF, "sap_xep": "-ty_le"})
    provincial = response.text.split("Cấp tỉnh (sở, ban, ngành)")[1].split("Cấp huyện")[0]
    names = re.findall(r'<th scope="row">(Sở [^<]+)</th>', provincial)
    assert names == [
        "Sở Giáo dục và Đào tạo",  # 100 %, ties by name
        "Sở Xây dựng",
        "Sở Y tế",
        "Sở Tài nguyên và Môi trường",  # 50 %
        "Sở Lao động - Thương binh và Xã hội",  # 0 %
        "Sở Nông nghiệp và Phát triển nông thôn",
    ]


def test_it_ranks_agencies_by_on_time_rate(client, demo):
    login(client, "sonoivu")
    text = client.get(URL, {"ngay": AS_OF}).text
    ranking = text.split('id="ranking-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<td class="num">(\d+)</td><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>',
        ranking,
    )
    assert rows[0] == ("1", "Sở Giáo dục và Đào tạo", "100,0")
    assert rows[-1][2] == "0,0"
    assert len(rows) == 11  # every agency with a task


def test_its_every_number_links_to_exactly_the_tasks_it_counts(client, demo):
    user = User.objects.get(username="sonoivu")
    client.force_login(user)
    response = client.get(URL, {"ngay": AS_OF})
    pairs = links_with_counts(response)
    assert len(pairs) > 100
    for url, number in pairs:
        assert listed(user, url) == number, url


def test_its_links_carry_the_filters_and_the_as_of_date(client, demo):
    user = User.objects.get(username="sonoivu")
    client.force_login(user)
    area = RemediationTask.objects.get(finding__code="KT2019-11").finding.reform_area
    response = client.get(URL, {"ngay": AS_OF, "linh_vuc": area.pk})
    assert figure(response, "total") == "5"  # the five LV7 findings
    link = figure_link(response, "overdue")
    assert parse_qs(urlsplit(link).query) == {
        "linh_vuc": [str(area.pk)],
        "ngay": [AS_OF],
        "thoi_han": ["overdue"],
    }
    for url, number in links_with_counts(response):
        assert listed(user, url) == number, url


def test_it_filters_by_period_inspection_directive_and_level(client, demo):
    user = User.objects.get(username="sonoivu")
    client.force_login(user)
    other = InspectionFactory(name="Kiểm tra năm 2020", year=2020)
    RemediationTaskFactory(finding__inspection=other, due_date=datetime.date(2020, 6, 30))
    cases = [
        ({"dot": other.pk}, 1),
        ({"tu_ngay": "01/01/2020", "den_ngay": "31/12/2020"}, 1),
        ({"cap": AgencyKind.COMMUNE_PC}, 3),
        (
            {
                "van_ban": RemediationTask.objects.get(
                    finding__code="KT2019-07"
                ).finding.source_directive_id
            },
            2,
        ),
    ]
    for params, expected in cases:
        response = client.get(URL, {"ngay": AS_OF, **params})
        assert figure(response, "total") == str(expected), params
        for url, number in links_with_counts(response):
            assert listed(user, url) == number, (params, url)


def test_it_shows_an_error_for_a_bad_date_and_ignores_it(client, demo):
    login(client, "sonoivu")
    response = client.get(URL, {"tu_ngay": "31/11/2019", "ngay": AS_OF})
    assert response.status_code == 200
    assert "Hạn từ ngày" in response.text or "hạn từ ngày" in response.text
    assert 'class="form-errors"' in response.text
    assert figure(response, "total") == "14"


def test_it_shows_the_trend_per_month_with_links(client, demo):
    user = User.objects.get(username="sonoivu")
    client.force_login(user)
    response = client.get(
        URL, {"ngay": "31/12/2019", "tu_ngay": "01/10/2019", "den_ngay": "31/12/2019"}
    )
    table = response.text.split('id="trend-table"')[1].split("</table>")[0]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th><td class="num"><a href="([^"]+)">(\d+)</a></td><td class="num"><a href="([^"]+)">(\d+)</a>',
        table,
    )
    summary = [(label, int(due), int(done)) for label, _u, due, _v, done in rows]
    # Thirteen fall due in November, KT2019-14 (extended to 15/12) in
    # December; completed: five in November (01, 03, 06, 08, 11), two in
    # December (04, 10).
    assert summary == [("10/2019", 0, 0), ("11/2019", 13, 5), ("12/2019", 1, 2)]
    for label, due_url, due, done_url, done in rows:
        assert listed(user, unescape(due_url)) == int(due), label
        assert listed(user, unescape(done_url)) == int(done), label


def test_it_shows_the_same_figures_by_area_directive_and_inspection(client, demo):
    login(client, "sonoivu")
    text = client.get(URL, {"ngay": AS_OF}).text
    inspections = text.split('id="inspections-title"')[1]
    assert re.search(
        r"Kiểm tra công tác CCHC năm 2019</th><td class=\"num\"><a href=\"[^\"]+\">14<", inspections
    )
    directives = text.split('id="directives-title"')[1].split("</section>")[0]
    # 57/TB-UBND: all but the two postal findings (-07, -08).
    assert re.search(r"57/TB-UBND</th><td class=\"num\"><a href=\"[^\"]+\">12<", directives)
    assert re.search(r"45/2016/QĐ-TTg</th><td class=\"num\"><a href=\"[^\"]+\">2<", directives)
    areas = text.split('id="areas-title"')[1].split("</section>")[0]
    assert re.search(r"Hiện đại hóa hành chính</th><td class=\"num\"><a href=\"[^\"]+\">5<", areas)


# Scope ----------------------------------------------------------------------


def test_it_shows_a_monitoring_department_what_it_monitors(client, demo):
    # Monitors LV2 (KT2019-13, -14); supports KT2019-09.
    user = User.objects.get(username="sotuphap")
    client.force_login(user)
    response = client.get(URL, {"ngay": AS_OF})
    assert figure(response, "total") == str(tasks_visible_to(user=user).count()) == "3"
    assert "UBND xã Năng Khả" in response.text
    assert "Sở Giáo dục và Đào tạo" not in response.text


def test_it_shows_an_agency_officer_their_agency(client, demo):
    login(client, "canbo.stnmt")
    response = client.get(URL, {"ngay": AS_OF})
    assert figure(response, "total") == "3"  # KT2019-05, -08, -13
    assert "Sở Y tế" not in response.text


def test_it_shows_a_district_its_communes(client, demo):
    district = Agency.objects.get(code="NAHANG")
    user = UserFactory(agency=district, role=Role.LEADER)
    client.force_login(user)
    response = client.get(URL, {"ngay": AS_OF})
    assert figure(response, "total") == "4"  # KT2019-07, -14 and its communes' -01, -09
    assert "UBND xã Thanh Tương" in response.text
    assert "UBND xã Yên Nguyên" not in response.text
    for url, number in links_with_counts(response):
        assert listed(user, url) == number, url


def test_it_shows_an_agency_without_tasks_an_empty_dashboard(client):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 200
    assert figure(response, "total") == "0"
    assert figure(response, "rate") == "–"


# Queries --------------------------------------------------------------------


def tasks_over(agencies: int, per_agency: int):
    area = ReformAreaFactory()
    inspection = InspectionFactory()
    districts = [AgencyFactory(kind=AgencyKind.DISTRICT_PC) for _ in range(max(1, agencies // 4))]
    for n in range(agencies):
        agency = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=districts[n % len(districts)])
        for k in range(per_agency):
            RemediationTaskFactory(
                finding=FindingFactory(agency=agency, reform_area=area, inspection=inspection),
                status=TaskStatus.COMPLETED if k % 2 else TaskStatus.OPEN,
                completed_on=datetime.date(2019, 11, 1) if k % 2 else None,
            )


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OFFICER])
def test_its_query_count_does_not_grow_with_the_data(client, django_assert_max_num_queries, role):
    user = UserFactory(role=role, agency=AgencyFactory(kind=AgencyKind.DISTRICT_PC))
    client.force_login(user)

    def queries():
        # Each load reads the planner's statistics, as a process's first does
        # (``halves`` keeps them ten minutes).
        halves._statistics.clear()
        with django_assert_max_num_queries(30) as captured:
            assert client.get(URL, {"ngay": AS_OF}).status_code == 200
        return len(captured)

    # The scope rule reads the agency tree one level per query: same depth in both.
    commune = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=user.agency)
    tasks_over(2, 1)
    RemediationTaskFactory(lead_agency=user.agency)
    small = queries()
    tasks_over(12, 4)
    RemediationTaskFactory.create_batch(5, lead_agency=user.agency)
    RemediationTaskFactory.create_batch(3, lead_agency=commune)
    assert queries() == small


@pytest.mark.postgres
@pytest.mark.parametrize(
    "params",
    [{}, {"cap": AgencyKind.COMMUNE_PC}, {"tu_ngay": "01/11/2019"}, {"ngay": "26/11/2019"}],
)
def test_its_one_scan_gives_the_figures_of_the_separate_queries(demo, params):
    from remediation.dashboard.figures import figures_compute
    from remediation.dashboard.forms import DashboardFilterForm
    from remediation.dashboard.months import month_window
    from remediation.selectors_dashboard import dashboard_tasks

    RemediationTaskFactory(directive=None, finding__source_directive=None)  # no document
    user = User.objects.get(username="sonoivu")
    form = DashboardFilterForm({"ngay": "05/12/2019", **params})
    tasks = dashboard_tasks(user=user, form=form)
    months = month_window(form.as_of(), *form.period())
    separate = figures_compute(tasks, as_of=form.as_of(), months=months, separate=True)
    one_scan = figures_compute(tasks, as_of=form.as_of(), months=months)
    assert one_scan == separate
    assert separate.total.total > 0 and any(m.completed for m in separate.trend)


@pytest.mark.parametrize("separate", [False, True])
def test_it_counts_a_task_once_under_a_document_it_answers_twice(separate):
    from directives.tests.factories import DirectiveFactory
    from remediation.dashboard.figures import figures_compute
    from remediation.dashboard.months import month_window

    notice, plan = DirectiveFactory(), DirectiveFactory()
    RemediationTaskFactory(directive=notice, finding__source_directive=notice)
    RemediationTaskFactory(directive=plan, finding__source_directive=notice)
    RemediationTaskFactory(directive=None, finding__source_directive=plan)
    day = datetime.date(2019, 12, 1)
    figures = figures_compute(
        RemediationTask.objects.all(),
        as_of=day,
        months=month_window(day, None, None),
        separate=separate,  # on PostgreSQL, False: the one-scan statement
    )
    counted = {row.id: row.counts.total for row in figures.directives}
    assert counted == {notice.pk: 2, plan.pk: 2}


def test_it_shows_a_user_with_no_agency_no_task(client, demo):
    client.force_login(UserFactory(agency=None, role=Role.OFFICER))
    response = client.get(URL, {"ngay": AS_OF})
    assert response.status_code == 200
    assert figure(response, "total") == "0"


@pytest.mark.parametrize("number", ["9" * 40, "²", "-3", "abc"])
def test_it_answers_a_hostile_page_number_with_a_page(client, demo, number):
    login(client, "sonoivu")
    response = client.get(URL, {"ngay": AS_OF, "trang": number})
    assert response.status_code == 200
    assert 'id="agency-table"' in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"ngay": "01/01/0001"},  # the trend's twelve months before it: year 0
        {"ngay": "31/12/9999"},  # "due soon" three days after it: year 10000
        {"den_ngay": "01/01/0001"},
        {"tu_ngay": "01/01/0001", "den_ngay": "31/12/9999"},
    ],
)
@pytest.mark.parametrize("url", [URL, "/"])
def test_it_names_a_day_beyond_its_calendar_and_ignores_it(client, demo, url, params):
    login(client, "sonoivu")
    response = client.get(url, params)
    assert response.status_code == 200
    assert "nằm ngoài khoảng 01/01/1900 – 31/12/2199" in response.text


@pytest.mark.parametrize("field", ["dot", "van_ban", "linh_vuc", "tieu_chi", "co_quan"])
def test_it_takes_an_id_beyond_64_bits_for_no_id(client, demo, field):
    login(client, "sonoivu")
    response = client.get("/", {field: "9" * 25})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.text


def test_it_reads_the_months_apart_for_the_province_and_a_large_level_only():
    from remediation.dashboard.one_scan import _months_apart

    tasks = RemediationTask.objects.all()
    assert _months_apart([tasks], large=False)
    assert _months_apart([tasks.filter(effective_due_date__gte=datetime.date(2019, 1, 1))], False)
    level = tasks.filter(lead_agency__kind=AgencyKind.COMMUNE_PC)
    assert _months_apart([level], large=True)
    # A small level, a narrower filter or a scope's parts would be read
    # again for each month line.
    assert not _months_apart([level], large=False)
    assert not _months_apart([level.filter(finding_inspection_id=1)], large=True)
    assert not _months_apart([tasks.filter(finding_inspection_id=1)], large=True)
    assert not _months_apart(
        [tasks.filter(lead_agency_id=1), tasks.filter(monitoring_agency_id=1)], True
    )
