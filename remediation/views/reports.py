"""Report, approve or send back, review: the three steps of a report."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import ApprovalForm, ReportForm, ReviewForm
from ..models import RemediationTask, ReportState
from ..services import task_approve, task_review, task_send_back, task_submit_report
from ..workflow import Action, TaskStatus, capacities, find_move
from .access import FORM, action_page, task_view


def _report_initial(request: HttpRequest, task: RemediationTask) -> dict:
    """A draft continues where it was left; a returned report starts from
    the text that was returned, so the officer edits rather than retypes."""
    latest = selectors.task_reports(task=task, user=request.user).first()
    if latest is None:
        return {"progress": 0}
    return {"content": latest.content, "progress": latest.progress}


def submit_target(request: HttpRequest, task: RemediationTask) -> str | None:
    """Where this user's submission goes: the leader or Home Affairs."""
    held = capacities(user=request.user, task=task)
    move = find_move(action=Action.SUBMIT, status=task.status, held=held)
    return move.target if move else None


@task_view(FORM)
def report(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    def make_form(*, initial=None, data=None, files=None):
        if data is None:
            initial = {**_report_initial(request, task), **(initial or {})}
        return ReportForm(data=data, files=files, initial=initial)

    def perform(form: ReportForm) -> str:
        data = form.cleaned_data
        saved = task_submit_report(
            task=task,
            user=request.user,
            content=data["content"],
            progress=data["progress"],
            files=data["evidence"],
            draft=data["draft"],
            expected_status=form.expected(),
        )
        if saved.state == ReportState.DRAFT:
            return _("Đã lưu nháp báo cáo.")
        if saved.state == ReportState.AWAITING_APPROVAL:
            return _("Đã gửi báo cáo, chờ lãnh đạo cơ quan phê duyệt.")
        return _("Đã gửi báo cáo tới Sở Nội vụ.")

    def context() -> dict:
        reports = list(selectors.task_reports(task=task, user=request.user))
        draft = next((r for r in reports if r.state == ReportState.DRAFT), None)
        returned = next(
            (r for r in reports if r.state in (ReportState.RETURNED, ReportState.SENT_BACK)),
            None,
        )
        return {
            "draft": draft,
            "returned_report": returned if task.status == TaskStatus.RETURNED else None,
            "return_event": (
                task.events.filter(
                    action__in=[Action.RETURN, Action.SEND_BACK], report=returned
                ).last()
                if returned and task.status == TaskStatus.RETURNED
                else None
            ),
            "goes_to_leader": submit_target(request, task) == TaskStatus.AWAITING_APPROVAL,
        }

    return action_page(
        request,
        task,
        actions=(Action.SUBMIT, Action.SAVE_DRAFT),
        label=_("báo cáo kết quả"),
        make_form=make_form,
        perform=perform,
        template="remediation/report_form.html",
        context=context,
    )


def _waiting_report(request: HttpRequest, task: RemediationTask, state: str):
    return (
        selectors.task_reports(task=task, user=request.user)
        .filter(state=state)
        .order_by("-version")
        .first()
    )


@task_view(FORM)
def review(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    waiting = _waiting_report(request, task, ReportState.SUBMITTED)

    def make_form(*, initial=None, data=None, files=None):
        if data is None and waiting is not None:
            initial = {**(initial or {}), "report": waiting.pk}
        return ReviewForm(data=data, initial=initial)

    def perform(form: ReviewForm) -> str:
        data = form.cleaned_data
        task_review(
            task=task,
            user=request.user,
            decision=data["decision"],
            comment=data["comment"],
            expected_status=form.expected(),
            expected_report=data.get("report"),
        )
        if data["decision"] == "accept":
            return _("Đã chấp nhận báo cáo; nhiệm vụ hoàn thành.")
        return _("Đã trả lại báo cáo, yêu cầu bổ sung.")

    return action_page(
        request,
        task,
        actions=(Action.ACCEPT, Action.RETURN),
        label=_("xem xét báo cáo"),
        make_form=make_form,
        perform=perform,
        template="remediation/review_form.html",
        context=lambda: {"report": waiting},
    )


@task_view(FORM)
def approve(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    waiting = _waiting_report(request, task, ReportState.AWAITING_APPROVAL)

    def make_form(*, initial=None, data=None, files=None):
        return ApprovalForm(data=data, initial=initial)

    def perform(form: ApprovalForm) -> str:
        data = form.cleaned_data
        if data["decision"] == "approve":
            task_approve(
                task=task,
                user=request.user,
                comment=data["comment"],
                expected_status=form.expected(),
            )
            return _("Đã phê duyệt và gửi báo cáo tới Sở Nội vụ.")
        task_send_back(
            task=task, user=request.user, comment=data["comment"], expected_status=form.expected()
        )
        return _("Đã trả lại báo cáo cho cán bộ.")

    return action_page(
        request,
        task,
        actions=(Action.APPROVE, Action.SEND_BACK),
        label=_("phê duyệt báo cáo"),
        make_form=make_form,
        perform=perform,
        template="remediation/approval_form.html",
        context=lambda: {"report": waiting},
    )
