from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from agencies.tests.factories import DEMO_PASSWORD, UserFactory

SITE_LOGIN = "/dang-nhap/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "bị tạm khóa đăng nhập"
START = timezone.make_aware(timezone.datetime(2026, 11, 27, 8, 0))

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def log_in(client, user, password=DEMO_PASSWORD, url=SITE_LOGIN, address="10.0.0.1", **extra):
    return client.post(
        url,
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def fail(client, user, times, **kwargs):
    for _ in range(times):
        response = log_in(client, user, password="sai-mat-khau", **kwargs)
        assert response.status_code in (200, 429)
    return response


def logged_in(client):
    return "_auth_user_id" in client.session


def test_it_refuses_the_right_password_after_five_wrong_ones(client, frozen):
    user = UserFactory()
    fail(client, user, 5)
    response = log_in(client, user)
    assert response.status_code == 429
    assert not logged_in(client)


def test_it_says_why_in_vietnamese(client, frozen):
    user = UserFactory()
    fifth = fail(client, user, 5).content.decode()
    refused = log_in(client, user).content.decode()
    for page in (fifth, refused):
        assert f"Đăng nhập sai quá 5 lần: tên đăng nhập này {LOCKED}" in page
        assert "trong 15 phút" in page


def test_it_still_lets_the_fourth_failure_be_followed_by_a_login(client, frozen):
    user = UserFactory()
    fourth = fail(client, user, 4)
    assert fourth.status_code == 200
    assert LOCKED not in fourth.content.decode()
    assert log_in(client, user).status_code == 302
    assert logged_in(client)


def test_it_keeps_the_lock_for_the_cool_off_and_lifts_it_after(client, frozen):
    user = UserFactory()
    fail(client, user, 5)
    frozen.shift(timedelta(minutes=14, seconds=59))
    assert log_in(client, user).status_code == 429
    frozen.shift(timedelta(seconds=2))
    assert log_in(client, user).status_code == 302
    assert logged_in(client)


def test_it_forgets_failures_older_than_the_window(client, frozen):
    user = UserFactory()
    fail(client, user, 4)
    frozen.shift(timedelta(minutes=15, seconds=1))
    fail(client, user, 1)
    assert log_in(client, user).status_code == 302


def test_it_leaves_other_usernames_and_addresses_alone(client, frozen):
    locked, other = UserFactory(), UserFactory()
    fail(client, locked, 5, address="10.0.0.1")
    assert log_in(client, other, address="10.0.0.1").status_code == 302
    client.logout()
    assert log_in(client, locked, address="10.0.0.2").status_code == 302


def test_it_throttles_the_admin_login_too(client, frozen):
    staff = UserFactory(is_staff=True, is_superuser=True)
    fail(client, staff, 5, url=ADMIN_LOGIN)
    response = log_in(client, staff, url=ADMIN_LOGIN)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in(client)


def test_it_tells_clients_apart_behind_a_reverse_proxy(client, frozen, settings):
    settings.REVERSE_PROXY_COUNT = 1
    user = UserFactory()
    fail(client, user, 5, address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    # A forged entry on the left does not hide the address the proxy added.
    forged = log_in(client, user, address="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert forged.status_code == 429
    neighbour = log_in(client, user, address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert neighbour.status_code == 302
