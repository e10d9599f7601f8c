"""The task list and the task page (with its comment form)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agencies.models import Agency, Criterion, ReformArea
from directives.models import Directive

from .. import selectors
from ..forms import CommentForm, TaskListFilterForm
from ..models import Inspection, RemediationTask
from ..services import ActionNotAllowed, WorkflowError, task_comment
from ..widgets import capped
from ..workflow import Action, allowed_actions
from .access import GET, POST, actions_now, deny, may_ever, task_view

TASKS_PER_PAGE = 50


def filter_options(user) -> dict[str, list[tuple] | None]:
    """The choice lists of the filter form; an agency list only for those
    who see several agencies. One bounded query each, whatever the data."""
    lists = {
        "van_ban": Directive.objects.values_list("pk", "symbol"),
        "dot": Inspection.objects.values_list("pk", "name"),
        "linh_vuc": ReformArea.objects.values_list("pk", "name"),
        "tieu_chi": Criterion.objects.values_list("pk", "code", "name", "year"),
    }
    agency_ids = selectors.visible_agency_ids(user=user)
    if agency_ids is None or len(agency_ids) > 1:
        agencies = Agency.objects.order_by("name")
        if agency_ids is not None:
            agencies = agencies.filter(pk__in=agency_ids)
        lists["co_quan"] = agencies.values_list("pk", "name")
    options = {}
    for name, rows in lists.items():
        pairs = capped(rows)
        if name == "tieu_chi" and pairs is not None:
            pairs = [(pk, f"{code} {label} ({year})") for pk, code, label, year in pairs]
        options[name] = pairs
    return options


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    options = filter_options(user)
    form = TaskListFilterForm(request.GET or None, options=options)
    page = selectors.task_list_page(
        user=user, form=form, number=request.GET.get("trang"), per_page=TASKS_PER_PAGE
    )
    filtered = form.is_bound and any(
        value not in (None, "", []) for value in getattr(form, "cleaned_data", {}).values()
    )
    return render(
        request,
        "remediation/home.html",
        {
            "form": form,
            "tasks": page.object_list,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "filtered": filtered,
            "sees_several": "co_quan" in options,
            "as_of": form.as_of(),
            "today": timezone.localdate(),
        },
    )


def task_page(request: HttpRequest, task: RemediationTask, **extra) -> HttpResponse:
    user = request.user
    pending = selectors.task_pending_extension(task=task)
    task.supporting = list(task.supporting_agencies.order_by("name"))
    events = list(selectors.task_timeline(task=task))
    reports = list(selectors.task_reports(task=task, user=user))
    extensions = list(task.extensions.select_related("requested_by", "decided_by"))
    allowed = allowed_actions(user=user, task=task, pending_extension=pending is not None)
    context = {
        "task": task,
        "finding": task.finding,
        "directive": task.directive or (task.finding.source_directive if task.finding else None),
        "events": events,
        "reports": reports,
        "extensions": extensions,
        "pending_extension": pending,
        "allowed": allowed,
        "can_report": bool(allowed & {Action.SUBMIT, Action.SAVE_DRAFT}),
        "can_approve": bool(allowed & {Action.APPROVE, Action.SEND_BACK}),
        "can_review": bool(allowed & {Action.ACCEPT, Action.RETURN}),
        "can_comment": Action.COMMENT in allowed,
        "can_request_extension": Action.REQUEST_EXTENSION in allowed,
        "can_decide_extension": bool(
            pending and allowed & {Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION}
        ),
        "can_reassign": Action.REASSIGN in allowed,
        "comment_form": CommentForm(),
        **extra,
    }
    return render(request, "remediation/task_detail.html", context)


@task_view(GET)
def task_detail(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    return task_page(request, task)


@task_view(POST)
def task_comment_view(request: HttpRequest, task: RemediationTask) -> HttpResponse:
    if Action.COMMENT not in actions_now(request, task):
        raise deny(task, _("cho ý kiến"), ever=may_ever(request, task, [Action.COMMENT]))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            task_comment(task=task, user=request.user, comment=form.cleaned_data["comment"])
        except ActionNotAllowed as error:
            raise PermissionDenied(error.message) from error
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã gửi ý kiến."))
            return redirect(reverse("task_detail", args=[task.pk]) + "#y-kien")
    return task_page(request, task, comment_form=form)
