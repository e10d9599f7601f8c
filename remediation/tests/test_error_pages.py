"""Friendly Vietnamese error pages in the site's layout."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from agencies.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_answers_an_unknown_page_with_a_vietnamese_404(client):
    client.force_login(UserFactory())
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert '<html lang="vi">' in response.text
    assert "Không tìm thấy trang" in response.text
    assert "Chờ xử lý" in response.text  # the header's navigation
    assert f'href="{reverse("home")}"' in response.text


def test_it_answers_405_on_an_action_only_url(client):
    client.force_login(UserFactory())
    assert client.get(reverse("notifications_mark_read")).status_code == 405


def test_it_renders_the_403_page_with_its_reason():
    text = render_to_string("403.html", {"exception": "Bạn không có quyền “phê duyệt báo cáo”."})
    assert "Không được phép thực hiện" in text
    assert "Bạn không có quyền “phê duyệt báo cáo”." in text


def test_it_renders_the_500_page_without_a_request():
    text = render_to_string("500.html")
    assert "Đã có lỗi xảy ra" in text
    assert '<html lang="vi">' in text


def test_it_explains_a_csrf_failure_in_vietnamese():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(reverse("notifications_mark_read"))
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text
    assert '<html lang="vi">' in response.text
