"""The one access path of every task URL, in the order the issue pins:

1. anonymous: redirect to the login page;
2. a task the user may not see: 404, whatever the method;
3. a method the URL does not take: 405;
4. an action the user may not take (now): 403;
5. a form rendered for a status the task has since left: 409, the user's
   input kept in the form;
6. a refused form: 200 with the error, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..models import RemediationTask
from ..services import ActionNotAllowed, WorkflowConflict, WorkflowError
from ..services.workflow import conflict_message
from ..workflow import allowed_actions, capacities, moves_for

GET = ("GET", "HEAD")
POST = ("POST",)
FORM = ("GET", "HEAD", "POST")


def task_view(methods: Iterable[str]) -> Callable:
    """Wrap ``view(request, task, **kwargs)``: the task comes from the user's
    scope, so another agency's id is a 404 before anything else is said."""
    allowed = tuple(methods)

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            task = get_object_or_404(selectors.task_detail_for_user(user=request.user), pk=pk)
            if request.method not in allowed:
                return HttpResponseNotAllowed([m for m in allowed if m != "HEAD"])
            return view(request, task, **kwargs)

        return wrapper

    return decorator


def actions_now(request: HttpRequest, task: RemediationTask) -> set[str]:
    pending = selectors.task_pending_extension(task=task)
    return allowed_actions(user=request.user, task=task, pending_extension=pending is not None)


def may_ever(request: HttpRequest, task: RemediationTask, actions: Iterable[str]) -> bool:
    """The user holds a capacity that some row of the table lets do one of ``actions``."""
    held = capacities(user=request.user, task=task)
    return any(held & move.actors for action in actions for _key, move in moves_for(action))


def deny(task: RemediationTask, label: str, *, ever: bool) -> PermissionDenied:
    if not ever:
        return PermissionDenied(
            _("Bạn không có quyền “%(action)s” đối với nhiệm vụ này.") % {"action": label}
        )
    return PermissionDenied(
        _("Không thể “%(action)s” lúc này: nhiệm vụ đang ở trạng thái “%(status)s”.")
        % {"action": label, "status": task.get_status_display()}
    )


def action_page(
    request: HttpRequest,
    task: RemediationTask,
    *,
    actions: tuple[str, ...],
    label: str,
    make_form: Callable[..., Form],
    perform: Callable[[Form], str],
    template: str,
    context: Callable[[], dict] | None = None,
    gone: Callable[[], str | None] | None = None,
) -> HttpResponse:
    """GET shows the form, POST performs the action through ``perform``
    (which calls a service and returns the success message). ``label``
    names the action in a refusal.

    ``gone`` says why the object of the action no longer waits for it (an
    extension request already decided): a 403 on GET, a 409 on POST, as for
    a task that left the status the form was rendered for.
    """
    now = actions_now(request, task)
    reason_gone = gone() if gone else None
    can_act = bool(now & set(actions)) and not reason_gone
    extra = context() if context else {}

    def page(form: Form, *, status: int = 200, conflict: str | None = None) -> HttpResponse:
        return render(
            request,
            template,
            {"task": task, "form": form, "conflict": conflict, "can_act": can_act, **extra},
            status=status,
        )

    def kept(data, message: str) -> HttpResponse:
        # Keep the text, and render the form for the status the task has now,
        # so that a deliberate second try can pass.
        data["expected_status"] = (
            RemediationTask.objects.filter(pk=task.pk).values_list("status", flat=True).first()
            or task.status
        )
        form = make_form(data=data, files=request.FILES)
        form.is_valid()
        return page(form, status=409, conflict=message)

    ever = may_ever(request, task, actions)
    if request.method != "POST":
        if reason_gone and ever:
            raise PermissionDenied(reason_gone)
        if not can_act:
            raise deny(task, label, ever=ever)
        return page(make_form(initial={"expected_status": task.status}))

    if not ever:
        raise deny(task, label, ever=False)
    data = request.POST.copy()
    if data.get("expected_status") and data["expected_status"] != task.status:
        return kept(data, conflict_message(task))
    if reason_gone:
        return kept(data, reason_gone)
    if not can_act:
        raise deny(task, label, ever=True)
    form = make_form(data=request.POST, files=request.FILES)
    if not form.is_valid():
        return page(form)
    try:
        message = perform(form)
    except WorkflowConflict as error:
        return kept(data, error.message)
    except ActionNotAllowed as error:
        raise PermissionDenied(error.message) from error
    except WorkflowError as error:
        form.add_error(None, error.message)
        return page(form)
    messages.success(request, message)
    return redirect("task_detail", pk=task.pk)
