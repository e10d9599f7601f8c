"""Deadline extensions (gia hạn) and reassignment of a task's agencies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from agencies.models import Agency

from ..forms import ExtensionDecisionForm, ExtensionRequestForm, ReassignForm
from ..models import ExtensionState, RemediationTask
from ..services import extension_decide, task_reassign, task_request_extension
from ..workflow import Action
from .access import FORM, action_page, task_view


@task_view(FORM)
def extension_request(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    def make_form(*, initial=None, data=None, files=None):
        return ExtensionRequestForm(data=data, initial=initial)

    def perform(form: ExtensionRequestForm) -> str:
        data = form.cleaned_data
        extension = task_request_extension(
            task=task,
            user=request.user,
            requested_date=data["requested_date"],
            reason=data["reason"],
            expected_status=form.expected(),
        )
        return _("Đã gửi đề nghị gia hạn đến %(date)s; chờ Sở Nội vụ quyết định.") % {
            "date": extension.requested_date.strftime("%d/%m/%Y")
        }

    return action_page(
        request,
        task,
        actions=(Action.REQUEST_EXTENSION,),
        label=_("đề nghị gia hạn"),
        make_form=make_form,
        perform=perform,
        template="remediation/extension_request_form.html",
    )


@task_view(FORM)
def extension_decision(request: HttpRequest, task: RemediationTask, ext: int) -> HttpResponse:
    # Through the task, already in the user's scope: another task's request is a 404.
    extension = get_object_or_404(task.extensions.select_related("requested_by"), pk=ext)

    def make_form(*, initial=None, data=None, files=None):
        return ExtensionDecisionForm(data=data, initial=initial)

    def perform(form: ExtensionDecisionForm) -> str:
        data = form.cleaned_data
        grant = data["decision"] == "grant"
        extension_decide(
            extension=extension, user=request.user, grant=grant, comment=data["comment"]
        )
        if grant:
            return _("Đã đồng ý gia hạn đến %(date)s.") % {
                "date": extension.requested_date.strftime("%d/%m/%Y")
            }
        return _("Đã không đồng ý gia hạn.")

    return action_page(
        request,
        task,
        actions=(Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION),
        label=_("quyết định gia hạn"),
        make_form=make_form,
        perform=perform,
        template="remediation/extension_decision_form.html",
        context=lambda: {"extension": extension},
        # A decided request is history: deciding it again is refused.
        gone=lambda: (
            None
            if extension.state == ExtensionState.PENDING
            else _("Đề nghị gia hạn này đã được quyết định (%(state)s).")
            % {"state": extension.get_state_display()}
        ),
    )


@task_view(FORM)
def reassign(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    agencies = Agency.objects.current().order_by("name")

    def make_form(*, initial=None, data=None, files=None):
        if data is None:
            initial = {
                **(initial or {}),
                "lead_agency": task.lead_agency_id,
                "monitoring_agency": task.monitoring_agency_id,
                "supporting_agencies": list(task.supporting_agencies.values_list("pk", flat=True)),
            }
        return ReassignForm(data=data, initial=initial, agencies=agencies)

    def perform(form: ReassignForm) -> str:
        data = form.cleaned_data
        task_reassign(
            task=task,
            user=request.user,
            lead_agency=data["lead_agency"],
            monitoring_agency=data["monitoring_agency"],
            supporting_agencies=list(data["supporting_agencies"]),
            comment=data["comment"],
            expected_status=form.expected(),
        )
        return _("Đã phân công lại cơ quan thực hiện nhiệm vụ.")

    return action_page(
        request,
        task,
        actions=(Action.REASSIGN,),
        label=_("phân công lại cơ quan"),
        make_form=make_form,
        perform=perform,
        template="remediation/reassign_form.html",
    )
