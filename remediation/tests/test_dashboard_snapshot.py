"""The province dashboard's snapshot: used only unfiltered, fresh and for
Home Affairs; otherwise every figure is live."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from agencies.models import AgencyKind, ReformArea, User
from reform_tracker.celery import app as celery_app
from remediation.dashboard import snapshot
from remediation.demo import load_demo_scenario
from remediation.models import DashboardSnapshot, RemediationTask, TaskStatus
from remediation.selectors import tasks_visible_to
from remediation.tasks import refresh_dashboard_snapshot

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/tong-hop/"


@pytest.fixture(autouse=True)
def fresh_process():
    snapshot._decoded.clear()
    cache.delete(snapshot.REFRESH_SOON_KEY)
    yield
    snapshot._decoded.clear()
    cache.delete(snapshot.REFRESH_SOON_KEY)


@pytest.fixture
def world(settings, time_machine):
    time_machine.move_to(datetime.datetime(2019, 12, 1, 9, 0, tzinfo=HANOI))
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 5
    load_demo_scenario()


def overdue(response):
    return int(re.search(r'id="figure-overdue">(\d+)<', response.text).group(1))


# As of 01/12/2019 the demo has 8 overdue tasks (test_dashboard.py); completing
# KT2019-02 leaves 7.
def complete(code):
    task = RemediationTask.objects.get(finding__code=code)
    task.status, task.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 30)
    task.save()


def test_it_shows_home_affairs_the_snapshot_and_says_when_it_was_computed(client, world):
    refresh_dashboard_snapshot()
    # After the snapshot; inside the caller's transaction (this test's), the
    # page cannot read the writes consistently (``writes.consistent``), so
    # it does not count them (``test_dashboard_current`` does).
    complete("KT2019-02")
    client.force_login(User.objects.get(username="sonoivu"))
    response = client.get(URL)
    assert overdue(response) == 8
    assert "Số liệu toàn tỉnh tính sẵn lúc 09:00" in response.text


def test_a_page_without_a_snapshot_has_celery_make_one_at_once(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    client.force_login(User.objects.get(username="sonoivu"))
    with django_capture_on_commit_callbacks(execute=True):
        assert "tính sẵn" not in client.get(URL).text  # live meanwhile
    assert "tính sẵn lúc 09:00" in client.get(URL).text
    # At most once a minute: a page that finds none again queues nothing.
    DashboardSnapshot.objects.all().delete()
    with django_capture_on_commit_callbacks() as queued:
        client.get(URL)
    assert not queued


def test_a_broker_that_is_down_leaves_the_page_live(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(refresh_dashboard_snapshot, "apply_async", down)
    client.force_login(User.objects.get(username="sonoivu"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL)
    assert response.status_code == 200 and overdue(response) == 8


def test_it_is_live_when_filtered_or_for_a_narrower_scope(client, world):
    refresh_dashboard_snapshot()
    complete("KT2019-02")
    client.force_login(User.objects.get(username="sonoivu"))
    assert overdue(client.get(URL, {"ngay": "02/12/2019"})) == 7
    assert (
        overdue(client.get(URL, {"dot": RemediationTask.objects.first().finding.inspection_id}))
        == 7
    )
    client.force_login(User.objects.get(username="canbo.stnmt"))
    assert "tính sẵn" not in client.get(URL).text


def test_it_is_live_once_the_snapshot_is_stale(client, world, time_machine):
    refresh_dashboard_snapshot()
    complete("KT2019-02")
    client.force_login(User.objects.get(username="sonoivu"))
    time_machine.shift(
        datetime.timedelta(minutes=2 * django_settings.DASHBOARD_SNAPSHOT_MINUTES + 1)
    )
    response = client.get(URL)
    assert overdue(response) == 7
    assert "tính sẵn" not in response.text


def body(response):
    """The page's figures, without the line that says where they come from."""
    text = response.text.split('<section class="dashboard-section"', 1)[1]
    return re.sub(r"<p class=\"muted\">.*?</p>", "", text, flags=re.S)


def test_it_renders_the_same_page_from_the_snapshot_as_live(client, world, settings):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))

    for params in ({}, {"sap_xep": "-ty_le"}, {"sap_xep": "qua_han", "trang": "1"}):
        from_snapshot, live = snapshot_and_live(client, settings, params)
        assert "tính sẵn" in from_snapshot.text
        assert body(from_snapshot) == body(live), params


def snapshot_and_live(client, settings, params):
    """The page as the snapshots serve it, then live (snapshots off)."""
    from_snapshot = client.get(URL, params)
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 0
    live = client.get(URL, params)
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 5
    assert "tính sẵn" not in live.text
    return from_snapshot, live


def test_a_small_province_keeps_no_snapshot(world, settings):
    refresh_dashboard_snapshot()
    province = DashboardSnapshot.objects.filter(agency=None, level="", period_to=None)
    assert province.filter(as_of=datetime.date(2019, 12, 1)).count() == 1
    settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 15  # the demo has 14 tasks
    refresh_dashboard_snapshot()
    assert DashboardSnapshot.objects.count() == 0


def test_a_refresh_keeps_only_the_latest(world):
    refresh_dashboard_snapshot()
    refresh_dashboard_snapshot()
    monitors = set(ReformArea.objects.values_list("monitoring_agency", flat=True))
    today = datetime.date(2019, 12, 1)
    levels = [(None, level, None, today) for level in ("", *AgencyKind.values)]
    years = [(None, "", datetime.date(year, 12, 31), today) for year in (2019, 2018)]
    quarters = [datetime.date(2019, 3, 31), datetime.date(2019, 6, 30), datetime.date(2019, 9, 30)]
    ends = [datetime.date(year, 12, 31) for year in (2018, 2017, 2016)]
    days = [(None, lv, None, day) for lv in ("", "commune_pc") for day in (*quarters, *ends)]
    days = days if connection.vendor == "postgresql" else []  # only a page there derives from them
    expected = [*levels, *years, *days, *((m, "", None, today) for m in monitors)]
    kept = DashboardSnapshot.objects.values_list("agency", "level", "period_to", "as_of")
    assert sorted(kept, key=str) == sorted(expected, key=str)


YEAR_2019 = {"tu_ngay": "01/01/2019", "den_ngay": "31/12/2019"}


def test_it_shows_home_affairs_a_kept_year_from_its_snapshot_as_live(client, world, settings):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for year in (YEAR_2019, {"tu_ngay": "01/01/2018", "den_ngay": "31/12/2018"}):
        from_snapshot, live = snapshot_and_live(client, settings, year)
        assert "tính sẵn" in from_snapshot.text
        assert body(from_snapshot) == body(live), year


def test_a_year_with_another_filter_part_of_a_year_or_of_another_scope_is_live(client, world):
    refresh_dashboard_snapshot()
    complete("KT2019-02")  # after the snapshot, due in 2019
    client.force_login(User.objects.get(username="sonoivu"))
    stale = overdue(client.get(URL, YEAR_2019))
    level = {"cap": RemediationTask.objects.get(finding__code="KT2019-02").lead_agency.kind}
    assert "tính sẵn" not in client.get(URL, {**YEAR_2019, **level}).text
    assert overdue(client.get(URL, {**YEAR_2019, "den_ngay": "30/12/2019"})) == stale - 1
    assert overdue(client.get(URL, {"tu_ngay": "01/01/2017", "den_ngay": "31/12/2017"})) == 0
    client.force_login(User.objects.get(username="sotuphap"))  # monitors LV2
    assert "tính sẵn" not in client.get(URL, YEAR_2019).text


def test_it_links_the_current_filters_over_each_kept_year(client, world):
    client.force_login(User.objects.get(username="sonoivu"))
    page = client.get(URL, {"cap": "district_pc"}).text
    links = re.findall(r'href="(/tong-hop/\?[^"]*tu_ngay[^"]*)"', page)
    assert [link.replace("&amp;", "&") for link in links] == [
        f"/tong-hop/?cap=district_pc&den_ngay=31%2F12%2F{year}&ngay=01%2F12%2F2019"
        f"&tu_ngay=01%2F01%2F{year}"
        for year in (2019, 2018)
    ]


def test_it_shows_home_affairs_a_level_from_its_snapshot_as_live(client, world, settings):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    for level in (AgencyKind.DEPARTMENT, AgencyKind.DISTRICT_PC, AgencyKind.COMMUNE_PC):
        from_snapshot, live = snapshot_and_live(client, settings, {"cap": level})
        assert "tính sẵn" in from_snapshot.text
        assert body(from_snapshot) == body(live), level


def test_a_level_with_another_filter_or_for_a_monitoring_department_is_live(client, world):
    refresh_dashboard_snapshot()
    complete("KT2019-02")  # after the snapshot
    level = {"cap": RemediationTask.objects.get(finding__code="KT2019-02").lead_agency.kind}
    client.force_login(User.objects.get(username="sonoivu"))
    stale = overdue(client.get(URL, level))
    assert overdue(client.get(URL, {**level, "tu_ngay": "01/01/2019"})) == stale - 1
    client.force_login(User.objects.get(username="sotuphap"))  # monitors LV2
    assert "tính sẵn" in client.get(URL).text
    assert "tính sẵn" not in client.get(URL, level).text


def test_celery_beat_refreshes_it():
    entry = django_settings.CELERY_BEAT_SCHEDULE["dashboard-snapshot"]
    assert entry["task"] == refresh_dashboard_snapshot.name
    assert entry["schedule"] == django_settings.DASHBOARD_SNAPSHOT_MINUTES * 60


def test_it_labels_the_snapshots_agency_groups_in_the_reader_language(client, world):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sonoivu"))
    assert "Cấp tỉnh (sở, ban, ngành)" in client.get(URL).text
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL).text
    assert "Cấp tỉnh (sở, ban, ngành)" not in english


def sections(text):
    return text.split('<section class="dashboard-section"', 1)[1]


def overdue_in_scope(username):
    user = User.objects.get(username=username)
    return (
        tasks_visible_to(user=user)
        .in_deadline_class("overdue", datetime.date(2019, 12, 1))
        .order_by("finding__code")
    )


def test_it_shows_a_monitoring_department_its_own_snapshot(client, world):
    client.force_login(User.objects.get(username="sotuphap"))  # monitors LV2
    before = overdue(client.get(URL))
    assert before == overdue_in_scope("sotuphap").count() > 0
    refresh_dashboard_snapshot()
    complete(overdue_in_scope("sotuphap").first().finding.code)  # after the snapshot
    response = client.get(URL)
    assert overdue(response) == before
    assert "Số liệu của cơ quan tính sẵn lúc 09:00" in response.text
    assert overdue(client.get(URL, {"ngay": "02/12/2019"})) == before - 1  # live


def test_it_renders_a_monitoring_departments_page_from_its_snapshot_as_live(
    client, world, settings
):
    refresh_dashboard_snapshot()
    client.force_login(User.objects.get(username="sotuphap"))
    for params in ({}, {"sap_xep": "-qua_han"}):
        from_snapshot = client.get(URL, params).text
        settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 0
        live = client.get(URL, params).text
        settings.DASHBOARD_SNAPSHOT_MIN_TASKS = 5
        assert "tính sẵn" in from_snapshot and "tính sẵn" not in live
        assert sections(from_snapshot) == sections(live), params


def test_no_other_scope_reads_a_snapshot(client, world):
    refresh_dashboard_snapshot()
    for username in ("canbo.stnmt", "lanhdao.chiemhoa"):  # lead tasks, monitor none
        client.force_login(User.objects.get(username=username))
        assert "tính sẵn" not in client.get(URL).text
