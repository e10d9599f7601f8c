"""Notifications sent by the pages' actions (in-app and e-mail), the
notifications page, and the header's unread count."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import Role
from agencies.tests.factories import UserFactory
from reform_tracker import celery_app
from remediation.models import ExtensionRequest, Notification

from .pages import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(monkeypatch, settings):
    # Mail goes out through Celery after commit: run it here, also on CI's Redis pass.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.SITE_URL = "https://cchc.tuyenquang.gov.vn"
    cast = make_cast(due_date=datetime.date(2019, 11, 30))
    cast.second_officer = UserFactory(agency=cast.lead, role=Role.OFFICER, username="canbo2")
    return cast


def act(client, django_capture_on_commit_callbacks, user, name, task, data, *args):
    mail.outbox.clear()
    Notification.objects.all().delete()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(name, args=[task.pk, *args]), data)
    assert response.status_code == 302, response.content[:500]
    return {n.user.username for n in Notification.objects.select_related("user")}


def assert_mailed(cast, recipients, subject_part):
    task_url = f"https://cchc.tuyenquang.gov.vn/nhiem-vu/{cast.task.pk}/"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u}@example.com" for u in recipients)
    for message in mail.outbox:
        assert message.subject.startswith("[CCHC] ")
        assert subject_part in message.subject
        assert task_url in message.body
        assert f'href="{task_url}"' in message.alternatives[0][0]


def test_it_notifies_each_step_of_a_report(client, cast, django_capture_on_commit_callbacks):
    run = (client, django_capture_on_commit_callbacks)
    report = {"content": "Đã khắc phục.", "progress": "100"}

    got = act(*run, cast.officer, "task_report", cast.task, report)
    assert got == {"lanhdao", "canbo2"}  # the leader must act; the agency's officers follow
    assert_mailed(cast, got, "gửi báo cáo nhiệm vụ KT2019-STNMT-01, chờ phê duyệt")

    got = act(
        *run, cast.leader, "task_approve", cast.task, {"decision": "send_back", "comment": "Sửa."}
    )
    assert got == {"canbo", "canbo2"}
    assert_mailed(cast, got, "trả lại báo cáo nhiệm vụ KT2019-STNMT-01")

    act(*run, cast.officer, "task_report", cast.task, report)
    got = act(*run, cast.leader, "task_approve", cast.task, {"decision": "approve"})
    assert got == {"sonoivu", "canbo", "canbo2"}
    assert_mailed(cast, got, "phê duyệt báo cáo nhiệm vụ KT2019-STNMT-01, gửi Sở Nội vụ")

    got = act(
        *run,
        cast.coordinator,
        "task_review",
        cast.task,
        {"decision": "return", "comment": "Bổ sung."},
    )
    assert got == {"canbo", "canbo2", "lanhdao"}
    assert_mailed(cast, got, "Sở Nội vụ trả lại báo cáo nhiệm vụ KT2019-STNMT-01")
    assert "Bổ sung." in mail.outbox[0].body

    act(*run, cast.officer, "task_report", cast.task, report)
    act(*run, cast.leader, "task_approve", cast.task, {"decision": "approve"})
    got = act(*run, cast.coordinator, "task_review", cast.task, {"decision": "accept"})
    assert got == {"canbo", "canbo2", "lanhdao"}
    assert_mailed(cast, got, "Sở Nội vụ chấp nhận báo cáo, nhiệm vụ KT2019-STNMT-01 hoàn thành")


def test_it_notifies_home_affairs_directly_without_approval(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_LEADER_APPROVAL = False
    got = act(
        client,
        django_capture_on_commit_callbacks,
        cast.officer,
        "task_report",
        cast.task,
        {"content": "Đã khắc phục.", "progress": "100"},
    )
    assert got == {"sonoivu", "canbo2"}
    assert_mailed(cast, got, "gửi báo cáo nhiệm vụ KT2019-STNMT-01 tới Sở Nội vụ")


def test_it_notifies_an_extension_request_and_its_decision(
    client, cast, django_capture_on_commit_callbacks
):
    run = (client, django_capture_on_commit_callbacks)
    got = act(
        *run,
        cast.officer,
        "task_extension",
        cast.task,
        {"requested_date": "15/12/2019", "reason": "Chờ kinh phí."},
    )
    assert got == {"sonoivu", "canbo2"}
    assert_mailed(cast, got, "đề nghị gia hạn nhiệm vụ KT2019-STNMT-01 đến 15/12/2019")

    extension = ExtensionRequest.objects.get()
    got = act(
        *run,
        cast.coordinator,
        "task_extension_decide",
        cast.task,
        {"decision": "grant"},
        extension.pk,
    )
    assert got == {"canbo", "canbo2", "lanhdao"}
    assert_mailed(cast, got, "Nhiệm vụ KT2019-STNMT-01 được gia hạn đến 15/12/2019")

    act(
        *run,
        cast.leader,
        "task_extension",
        cast.task,
        {"requested_date": "31/12/2019", "reason": "Thêm."},
    )
    extension = ExtensionRequest.objects.get(state="pending")
    got = act(
        *run,
        cast.coordinator,
        "task_extension_decide",
        cast.task,
        {"decision": "refuse", "comment": "Không đủ căn cứ."},
        extension.pk,
    )
    assert got == {"canbo", "canbo2", "lanhdao"}
    assert_mailed(cast, got, "Đề nghị gia hạn nhiệm vụ KT2019-STNMT-01 không được chấp nhận")


# The page and the header ----------------------------------------------------------


def notify(user, task, kind="commented", **params):
    return Notification.objects.create(
        user=user,
        task=task,
        kind=kind,
        params={"task": "KT2019-STNMT-01", "actor": "Lê Văn Theo Dõi", **params},
        link=reverse("task_detail", args=[task.pk]),
    )


def test_it_counts_unread_notifications_in_the_header(client, cast):
    notify(cast.officer, cast.task)
    notify(cast.officer, cast.task)
    notify(cast.leader, cast.task)
    client.force_login(cast.officer)
    text = client.get(reverse("home")).text
    assert 'Thông báo <span class="badge" title="Thông báo chưa đọc">2</span>' in text

    client.post(reverse("notifications_mark_read"))
    assert 'class="badge"' not in client.get(reverse("home")).text


def test_it_lists_notifications_and_opens_one_as_read(client, cast):
    mine = notify(cast.officer, cast.task)
    other = notify(cast.officer, cast.task, kind="reassigned")
    theirs = notify(cast.leader, cast.task)
    client.force_login(cast.officer)
    page = client.get(reverse("notifications")).text
    assert "Lê Văn Theo Dõi cho ý kiến về nhiệm vụ KT2019-STNMT-01" in page
    assert "Nhiệm vụ KT2019-STNMT-01 được phân công lại" in page

    response = client.post(
        reverse("notifications_mark_read"),
        {"id": [mine.pk, theirs.pk], "next": mine.link},
    )
    assert response.status_code == 302
    assert response.url == reverse("task_detail", args=[cast.task.pk])
    mine.refresh_from_db()
    other.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None
    assert theirs.read_at is None  # another user's notification is never touched


def test_it_does_not_redirect_off_site_after_marking_read(client, cast):
    notify(cast.officer, cast.task)
    client.force_login(cast.officer)
    response = client.post(reverse("notifications_mark_read"), {"next": "https://example.org/"})
    assert response.url == reverse("notifications")
