"""Admin actions that decide something through the workflow service.

An action first shows a confirmation page listing what will be decided, with
a comment field (mandatory when the workflow table says so), then calls the
service once per object. Each object succeeds or fails on its own, and every
refusal is shown with the service's Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..services import WorkflowError

# Each decision is one service call with its own transaction and lock; a
# whole changelist (select across every page) is not what this is for.
MAX_DECISIONS = 100
TEMPLATE = "admin/remediation/decision_confirmation.html"


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Ý kiến"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, comment_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = comment_required
        field.error_messages["required"] = _("Cần nhập ý kiến cho quyết định này.")


@dataclass
class Row:
    obj: Model
    cells: Sequence[str]
    link: str = ""
    expected: int | str = ""  # what the admin saw; the service refuses if it moved on


@dataclass
class Decision:
    """One admin action: who is eligible, how a row shows, what to call."""

    action: str
    title: str
    submit_label: str
    headers: Sequence[str]
    comment_required: bool
    eligible: Callable[[Model], bool]
    row: Callable[[Model], Row]
    perform: Callable[..., object]  # perform(obj, user=, comment=, expected=)
    done_message: str


def _expected(request, pk) -> int | None:
    try:
        return int(request.POST.get(f"expected_{pk}", ""))
    except ValueError:
        return None


def run_decision(modeladmin, request, queryset, decision: Decision) -> TemplateResponse | None:
    objects = list(queryset[: MAX_DECISIONS + 1])
    if len(objects) > MAX_DECISIONS:
        modeladmin.message_user(
            request,
            _("Mỗi lần chỉ xử lý tối đa %(max)s mục; hãy chọn ít hơn.") % {"max": MAX_DECISIONS},
            level=messages.ERROR,
        )
        return None
    confirmed = request.POST.get("confirm") == "yes"
    form = DecisionForm(
        request.POST if confirmed else None, comment_required=decision.comment_required
    )
    if confirmed and form.is_valid():
        _perform_all(modeladmin, request, objects, decision, form.cleaned_data["comment"])
        return None
    rows = [decision.row(obj) for obj in objects if decision.eligible(obj)]
    skipped = [obj for obj in objects if not decision.eligible(obj)]
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": opts,
        "title": decision.title,
        "decision": decision,
        "rows": rows,
        "skipped": skipped,
        "form": form,
        "action_checkbox_name": "_selected_action",
    }
    return TemplateResponse(request, TEMPLATE, context)


def _perform_all(modeladmin, request, objects, decision: Decision, comment: str) -> None:
    done = 0
    for obj in objects:
        try:
            decision.perform(
                obj, user=request.user, comment=comment, expected=_expected(request, obj.pk)
            )
        except WorkflowError as refused:
            modeladmin.message_user(request, f"{obj}: {refused.message}", level=messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, decision.done_message % {"count": done}, level=messages.SUCCESS
        )
