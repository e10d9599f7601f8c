"""The admin cannot bypass the workflow: status and completion are read-only,
history is read-only, and every decision goes through the services."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.models import AgencySuccession
from agencies.tests.factories import AgencyFactory
from remediation.models import (
    Action,
    ExtensionRequest,
    ExtensionState,
    RemediationReport,
    ReportState,
    TaskEvent,
    TaskStatus,
)
from remediation.services import task_request_extension, task_review
from remediation.tests.factories import RemediationTaskFactory
from remediation.tests.people import people, submit

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def change_url(task):
    return reverse("admin:remediation_remediationtask_change", args=[task.pk])


def form_data(response) -> dict:
    """What the browser would post back from a change form, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[form.add_prefix(name)] = value.strftime("%d/%m/%Y")
            else:
                data[form.add_prefix(name)] = str(value)
    return data


@pytest.fixture
def who():
    return people()


@pytest.fixture
def task(who):
    return RemediationTaskFactory(finding__agency=who.agency, monitoring_agency=who.monitor_agency)


def post_change(admin_client, task, **changes):
    data = form_data(admin_client.get(change_url(task)))
    data.update(changes)
    return admin_client.post(change_url(task), data)


def test_it_ignores_a_status_posted_on_the_change_form(admin_client, task):
    response = post_change(
        admin_client,
        task,
        title="Tên mới",
        status=TaskStatus.COMPLETED,
        completed_on="01/12/2019",
        extended_due_date="31/12/2019",
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    task.refresh_from_db()
    assert task.title == "Tên mới"  # the form did save
    assert (task.status, task.completed_on, task.extended_due_date) == (TaskStatus.OPEN, None, None)


def test_it_shows_workflow_fields_read_only(admin_client, task):
    form = admin_client.get(change_url(task)).context["adminform"].form
    for name in ("status", "completed_on", "extended_due_date", "effective_due_date"):
        assert name not in form.fields


def test_it_offers_no_status_editing_on_the_list(admin_client, task):
    response = admin_client.get(reverse("admin:remediation_remediationtask_changelist"))
    assert response.context["cl"].list_editable == ()
    assert 'name="form-0-status"' not in response.text


def test_it_shows_the_findings_task_inline_read_only(admin_client, task):
    url = reverse("admin:remediation_finding_change", args=[task.finding.pk])
    response = admin_client.get(url)
    data = form_data(response)
    data.update({"tasks-0-status": TaskStatus.COMPLETED, "tasks-0-title": "Sửa qua inline"})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    assert task.title != "Sửa qua inline"


def test_it_reassigns_through_the_workflow_service(admin_client, admin_user, task):
    new_lead = AgencyFactory(name="Sở Xây dựng")
    response = post_change(admin_client, task, lead_agency=str(new_lead.pk))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.lead_agency == new_lead
    event = TaskEvent.objects.get(task=task)
    assert (event.action, event.actor) == (Action.REASSIGN, admin_user)
    assert "Sở Xây dựng" in event.comment


def test_it_refuses_to_reassign_a_completed_task(admin_client, who, task):
    submit(task, who)
    task_review(task=task, user=who.coordinator, decision="accept")
    data = form_data(admin_client.get(change_url(task)))
    data["lead_agency"] = str(AgencyFactory().pk)
    response = admin_client.post(change_url(task), data)
    assert response.status_code == 200
    assert "Không thể phân công lại" in response.text
    task.refresh_from_db()
    assert task.lead_agency == who.agency


def actions_post(admin_client, action, objects, **extra):
    url = reverse("admin:remediation_remediationtask_changelist")
    data = {"action": action, "_selected_action": [str(o.pk) for o in objects], **extra}
    if "confirm" not in extra:
        data["index"] = "0"
    return admin_client.post(url, data)


def confirm_data(response) -> dict:
    """The hidden fields of the confirmation page, as the browser posts them."""
    rows = response.context["rows"]
    return {
        "_selected_action": [str(row.obj.pk) for row in rows],
        **{f"expected_{row.obj.pk}": str(row.expected) for row in rows},
        "confirm": "yes",
    }


def test_it_accepts_submitted_reports_through_the_service(
    admin_client, admin_user, who, task, time_machine
):
    submit(task, who)
    # 23:30 UTC on 30/11 is already 1 December in Vietnam.
    time_machine.move_to(datetime.datetime(2019, 11, 30, 23, 30, tzinfo=datetime.UTC))
    page = actions_post(admin_client, "accept_reports", [task])
    assert page.status_code == 200
    assert task.title in page.text
    assert reverse("task_detail", args=[task.pk]) in page.text
    response = actions_post(admin_client, "accept_reports", [task], **confirm_data(page))
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.completed_on) == (TaskStatus.COMPLETED, datetime.date(2019, 12, 1))
    event = TaskEvent.objects.get(task=task, action=Action.ACCEPT)
    assert (event.actor, event.from_status, event.to_status) == (
        admin_user,
        TaskStatus.SUBMITTED,
        TaskStatus.COMPLETED,
    )
    assert task.reports.get().state == ReportState.ACCEPTED


def test_it_requires_a_comment_to_return(admin_client, admin_user, who, task):
    submit(task, who)
    page = actions_post(admin_client, "return_reports", [task])
    response = actions_post(admin_client, "return_reports", [task], **confirm_data(page))
    assert response.status_code == 200
    assert "Cần nhập ý kiến" in response.text
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED

    data = {**confirm_data(page), "comment": "Thiếu biên bản kiểm tra."}
    response = actions_post(admin_client, "return_reports", [task], **data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    event = TaskEvent.objects.get(task=task, action=Action.RETURN)
    assert (event.actor, event.comment) == (admin_user, "Thiếu biên bản kiểm tra.")


def test_it_lists_tasks_not_submitted_as_skipped(admin_client, who, task):
    other = RemediationTaskFactory(finding__agency=who.agency)
    submit(task, who)
    page = actions_post(admin_client, "accept_reports", [task, other])
    assert [row.obj for row in page.context["rows"]] == [task]
    assert page.context["skipped"] == [other]


def test_it_refuses_a_review_of_a_report_replaced_since_the_page(admin_client, who, task):
    submit(task, who)
    page = actions_post(admin_client, "return_reports", [task])
    data = {**confirm_data(page), "comment": "Bổ sung."}
    actions_post(admin_client, "return_reports", [task], **data)
    submit(task, who, content="Bản bổ sung")  # version 2 arrives
    response = actions_post(admin_client, "accept_reports", [task], **data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("vừa được người khác cập nhật" in m for m in messages)


def test_it_reports_a_refusal_from_the_service(client, who, task):
    """A staff officer may open the admin but may not review: the service says so."""
    submit(task, who)
    who.officer.is_staff = True
    who.officer.save()
    who.officer.user_permissions.add(Permission.objects.get(codename="view_remediationtask"))
    client.force_login(who.officer)
    page = actions_post(client, "accept_reports", [task])
    response = actions_post(client, "accept_reports", [task], **confirm_data(page))
    task.refresh_from_db()
    assert task.status == TaskStatus.SUBMITTED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("không có quyền" in m for m in messages)


def test_it_decides_extensions_through_the_service(admin_client, admin_user, who, task):
    extension = task_request_extension(
        task=task,
        user=who.officer,
        requested_date=datetime.date(2019, 12, 15),
        reason="Chờ số liệu",
    )
    url = reverse("admin:remediation_extensionrequest_changelist")
    base = {"action": "grant_extensions", "_selected_action": [str(extension.pk)]}
    page = admin_client.post(url, {**base, "index": "0"})
    assert "Chờ số liệu" in page.text
    response = admin_client.post(url, {**base, "confirm": "yes"})
    assert response.status_code == 302
    task.refresh_from_db()
    extension.refresh_from_db()
    assert task.extended_due_date == datetime.date(2019, 12, 15)
    assert task.due_date == datetime.date(2019, 11, 30)
    assert extension.state == ExtensionState.GRANTED
    event = TaskEvent.objects.get(task=task, action=Action.GRANT_EXTENSION)
    assert event.actor == admin_user


def test_it_requires_a_comment_to_refuse_an_extension(admin_client, who, task):
    extension = task_request_extension(
        task=task,
        user=who.officer,
        requested_date=datetime.date(2019, 12, 15),
        reason="Chờ số liệu",
    )
    url = reverse("admin:remediation_extensionrequest_changelist")
    data = {
        "action": "refuse_extensions",
        "_selected_action": [str(extension.pk)],
        "confirm": "yes",
    }
    assert "Cần nhập ý kiến" in admin_client.post(url, data).text
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING
    admin_client.post(url, {**data, "comment": "Không có căn cứ."})
    assert ExtensionRequest.objects.get().state == ExtensionState.REFUSED


HISTORY = ["remediationreport", "evidence", "taskevent", "extensionrequest"]


@pytest.mark.parametrize("model", HISTORY)
def test_it_keeps_history_read_only(admin_client, who, task, model):
    task_request_extension(
        task=task, user=who.officer, requested_date=datetime.date(2019, 12, 15), reason="Chờ"
    )
    submit(task, who)
    obj = {
        "remediationreport": RemediationReport.objects.first,
        "evidence": lambda: RemediationReport.objects.first().evidence.first(),
        "taskevent": TaskEvent.objects.first,
        "extensionrequest": ExtensionRequest.objects.first,
    }[model]()
    change = reverse(f"admin:remediation_{model}_change", args=[obj.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert admin_client.post(change, {}).status_code == 403
    delete = reverse(f"admin:remediation_{model}_delete", args=[obj.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_it_refuses_to_delete_a_task_with_history(admin_client, who, task):
    submit(task, who)
    url = reverse("admin:remediation_remediationtask_delete", args=[task.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code in (200, 403)
    assert type(task).objects.filter(pk=task.pk).exists()


def test_it_links_evidence_to_the_download_view_only(admin_client, who, task):
    submit(task, who)
    evidence = RemediationReport.objects.get().evidence.get()
    for url in (
        reverse("admin:remediation_evidence_change", args=[evidence.pk]),
        reverse("admin:remediation_evidence_changelist"),
        reverse("admin:remediation_remediationreport_change", args=[evidence.report.pk]),
        change_url(task),
    ):
        text = admin_client.get(url).text
        assert f'href="/tai-lieu/{evidence.pk}/"' in text, url
        assert evidence.file.name not in text, url


def test_it_shows_staff_only_the_tasks_they_see(client, who, task):
    other = RemediationTaskFactory(title="Nhiệm vụ của cơ quan khác")
    submit(task, who)
    submit(other, people(agency=other.lead_agency))
    who.officer.is_staff = True
    who.officer.save()
    codenames = ["view_remediationtask", "view_finding", "view_remediationreport",
                 "view_evidence", "view_taskevent"]  # fmt: skip
    who.officer.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(who.officer)
    task_of = {
        "remediationtask": lambda o: o.pk,
        "finding": lambda o: o.tasks.get().pk,
        "remediationreport": lambda o: o.task_id,
        "evidence": lambda o: o.report.task_id,
        "taskevent": lambda o: o.task_id,
    }
    for model, owner in task_of.items():
        response = client.get(reverse(f"admin:remediation_{model}_changelist"))
        assert {owner(o) for o in response.context["cl"].result_list} == {task.pk}, model
    response = client.get(change_url(other))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(change_url(task)).status_code == 200


def test_it_transfers_open_tasks_with_events(admin_client, admin_user):
    old, new = AgencyFactory(name="Sở Thông tin và Truyền thông"), AgencyFactory()
    task = RemediationTaskFactory(finding__agency=old)
    succession = AgencySuccession.objects.create(
        predecessor=old, successor=new, effective_date=datetime.date(2025, 3, 1)
    )
    url = reverse("admin:agencies_agencysuccession_changelist")
    admin_client.post(
        url,
        {"action": "transfer_open_tasks", "_selected_action": [succession.pk], "index": "0"},
    )
    task.refresh_from_db()
    assert task.lead_agency == new
    event = TaskEvent.objects.get(task=task)
    assert (event.action, event.actor) == (Action.TRANSFER, admin_user)
    assert "Sở Thông tin và Truyền thông" in event.comment
