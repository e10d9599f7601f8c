"""Who gets what on every URL of the remediation app, from one table.

Each cell is "own/other": the status on the task (or its evidence, or its
extension request) that the user's agency is part of, then on another
agency's task; one value when the URL has no object. The roles are the
columns of ``pages.ROLES``. A URL of the app without a row fails
``test_it_has_a_row_for_every_url``.

States: ``open`` (nothing reported), ``awaiting`` (an officer's report waits
for the leader), ``submitted`` (a report waits for Home Affairs, with a PDF),
``pending`` (an extension request waits), ``-`` (no task involved).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from remediation import urls as remediation_urls
from remediation.models import Notification, RemediationTask, TaskEvent

from .pages import ROLES, make_cast, put_in_state

pytestmark = pytest.mark.django_db

MATRIX = """
url                      state      method coordinator monitor  leader   officer  supporter stranger anonymous
home                     -          GET    200         200      200      200      200       200      302
home                     -          POST   405         405      405      405      405       405      302
task_detail              open       GET    200/200     200/404  200/404  200/404  200/404   404/404  302/302
task_detail              open       POST   405/405     405/404  405/404  405/404  405/404   404/404  302/302
task_report              open       GET    403/403     403/404  200/404  200/404  403/404   404/404  302/302
task_report              open       POST   403/403     403/404  302/404  302/404  403/404   404/404  302/302
task_approve             awaiting   GET    403/403     403/404  200/404  403/404  403/404   404/404  302/302
task_approve             awaiting   POST   403/403     403/404  302/404  403/404  403/404   404/404  302/302
task_review              submitted  GET    200/200     403/404  403/404  403/404  403/404   404/404  302/302
task_review              submitted  POST   302/302     403/404  403/404  403/404  403/404   404/404  302/302
task_comment             open       GET    405/405     405/404  405/404  405/404  405/404   404/404  302/302
task_comment             open       POST   302/302     302/404  302/404  302/404  403/404   404/404  302/302
task_extension           open       GET    403/403     403/404  200/404  200/404  403/404   404/404  302/302
task_extension           open       POST   403/403     403/404  302/404  302/404  403/404   404/404  302/302
task_extension_decide    pending    GET    200/200     403/404  403/404  403/404  403/404   404/404  302/302
task_extension_decide    pending    POST   302/302     403/404  403/404  403/404  403/404   404/404  302/302
task_reassign            open       GET    200/200     403/404  403/404  403/404  403/404   404/404  302/302
task_reassign            open       POST   302/302     403/404  403/404  403/404  403/404   404/404  302/302
evidence_download        submitted  GET    200/200     200/404  200/404  200/404  200/404   404/404  302/302
evidence_download        submitted  POST   405/405     405/404  405/404  405/404  405/404   404/404  302/302
review_queue             -          GET    200         200      200      200      200       200      302
review_queue             -          POST   405         405      405      405      405       405      302
notifications            -          GET    200         200      200      200      200       200      302
notifications            -          POST   405         405      405      405      405       405      302
notifications_mark_read  -          GET    405         405      405      405      405       405      302
notifications_mark_read  -          POST   302         302      302      302      302       302      302
"""


def parse(table: str) -> list[tuple]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header[3:]) == ROLES
    cases = []
    for url, state, method, *cells in rows:
        for role, cell in zip(ROLES, cells, strict=True):
            codes = cell.split("/")
            targets = ("own", "other") if state != "-" else ("none",)
            assert len(codes) == len(targets), f"{url} {method} {role}: {cell}"
            for target, code in zip(targets, codes, strict=True):
                cases.append(
                    pytest.param(
                        url,
                        state,
                        method,
                        role,
                        target,
                        int(code),
                        id=f"{url}-{method}-{role}-{target}",
                    )
                )
    return cases


CASES = parse(MATRIX)


def post_data(url: str, cast, task: RemediationTask) -> dict:
    return {
        "task_report": {"content": "Đã ban hành quy chế báo cáo định kỳ.", "progress": "60"},
        "task_approve": {"decision": "approve"},
        "task_review": {"decision": "accept"},
        "task_comment": {"comment": "Đề nghị gửi kèm quyết định ban hành."},
        "task_extension": {"requested_date": "31/12/2019", "reason": "Chờ ý kiến Sở Tài chính."},
        "task_extension_decide": {"decision": "grant"},
        "task_reassign": {
            "lead_agency": cast.support.pk,
            "monitoring_agency": cast.monitoring.pk,
            "comment": "Giao Sở Tài chính chủ trì.",
        },
    }.get(url, {})


def path_for(url: str, task: RemediationTask | None, made: dict) -> str:
    if task is None:
        return reverse(url)
    if url == "evidence_download":
        return reverse(url, args=[made["evidence"]])
    if url == "task_extension_decide":
        return reverse(url, args=[task.pk, made["ext"]])
    return reverse(url, args=[task.pk])


def remediation_url_names() -> set[str]:
    """The names of the URLs the project's URLconf takes from the remediation app."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.urlconf_module is remediation_urls:
            names |= {p.name for p in entry.url_patterns if isinstance(p, URLPattern)}
    return names


def test_it_has_a_row_for_every_url():
    names = remediation_url_names()
    assert "task_detail" in names
    assert names == {case.values[0] for case in CASES}


def test_it_covers_every_role_both_objects_and_both_methods():
    seen = {(c.values[0], c.values[2], c.values[3], c.values[4]) for c in CASES}
    for name in {c.values[0] for c in CASES}:
        for method in ("GET", "POST"):
            for role in ROLES:
                assert any(s[:3] == (name, method, role) for s in seen)


@pytest.mark.parametrize(("url", "state", "method", "role", "target", "expected"), CASES)
def test_it_answers_as_the_table_says(client, url, state, method, role, target, expected):
    cast = make_cast(due_date=datetime.date(2019, 11, 30))
    task = {"own": cast.task, "other": cast.other, "none": None}[target]
    made = put_in_state(task, state, cast) if task is not None else {}
    if url == "notifications_mark_read":
        for user in (cast.officer, cast.coordinator):
            Notification.objects.create(user=user, task=cast.task, kind="commented")
    user = cast.user(role)
    if user is not None:
        client.force_login(user)
    events_before = TaskEvent.objects.count()
    status_before = task.status if task is not None else None
    path = path_for(url, task, made)

    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, post_data(url, cast, task))

    assert response.status_code == expected, response.content[:300]
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    changed = TaskEvent.objects.count() != events_before
    if task is not None:
        task.refresh_from_db()
    acted = method == "POST" and expected == 302 and role != "anonymous"
    if acted and url.startswith("task_"):
        assert changed, "a successful action records an event"
        assert response.url == reverse("task_detail", args=[task.pk]) or response.url.startswith(
            reverse("task_detail", args=[task.pk])
        )
    else:
        assert not changed, "a refused request changes nothing"
        if task is not None:
            assert task.status == status_before
    if url == "notifications_mark_read" and acted:
        assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
        others = Notification.objects.exclude(user=user)
        assert others.filter(read_at__isnull=True).count() == others.count()
