"""Tasks in the admin: data entry, never a way around the workflow.

Status, completion and extension dates are read-only everywhere. A change
of the agencies on an existing task goes through ``task_reassign`` (which
checks the table and records the event), and the review is an admin action
calling ``task_review``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin

from reform_tracker.imports.formats import SafeXLSX

from ..deadlines import DeadlineState
from ..filters import search_q
from ..models import ExtensionRequest, RemediationReport, RemediationTask, ReportState, TaskEvent
from ..resources import RemediationTaskResource
from ..services import WorkflowError, task_reassign, task_review
from ..workflow import Action, TaskStatus, capacities, find_move
from .decisions import Decision, Row, run_decision
from .filters import DueYearFilter, KeySearchMixin, MonitoringAgencyFilter
from .scope import ReadOnlyHistoryMixin, ScopedAdminMixin, evidence_url, task_page_url

# Written by the workflow service only.
WORKFLOW_FIELDS = ("status", "completed_on", "extended_due_date", "effective_due_date")
ASSIGNMENT_FIELDS = ("lead_agency", "monitoring_agency", "supporting_agencies")
# What the change form saves directly (assignment goes through the service).
DIRECT_FIELDS = ("finding", "directive", "directive_item", "title", "due_date")


class TaskAdminForm(forms.ModelForm):
    user = None  # set per request by RemediationTaskAdmin.get_form

    class Meta:
        model = RemediationTask
        fields = [*DIRECT_FIELDS, *ASSIGNMENT_FIELDS]

    def assignment_changed(self) -> bool:
        return self.instance.pk is not None and any(
            name in self.changed_data for name in ASSIGNMENT_FIELDS
        )

    def clean(self):
        cleaned = super().clean()
        task = self.instance  # still as stored: the form's values are applied after clean()
        if self.assignment_changed():
            held = capacities(user=self.user, task=task)
            if find_move(action=Action.REASSIGN, status=task.status, held=held) is None:
                raise forms.ValidationError(
                    _(
                        "Không thể phân công lại: chỉ Sở Nội vụ phân công lại, và chỉ khi "
                        "nhiệm vụ chưa hoàn thành (trạng thái hiện tại: %(status)s)."
                    )
                    % {"status": task.get_status_display()}
                )
        return cleaned


class ReportInline(ReadOnlyHistoryMixin, admin.TabularInline):
    model = RemediationReport
    extra = 0
    fields = ["version", "state", "submitted_by", "submitted_at", "progress", "content", "files"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("submitted_by")
            .prefetch_related("evidence")
        )

    @admin.display(description=gettext_lazy("tài liệu kiểm chứng"))
    def files(self, report: RemediationReport) -> str:
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((evidence_url(e.pk), e) for e in report.evidence.all())
        )


class EventInline(ReadOnlyHistoryMixin, admin.TabularInline):
    model = TaskEvent
    extra = 0
    fields = ["created_at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ExtensionInline(ReadOnlyHistoryMixin, admin.TabularInline):
    model = ExtensionRequest
    extra = 0
    fields = ["requested_at", "requested_by", "due_date_before", "requested_date", "reason",
              "state", "decided_by", "decision_comment"]  # fmt: skip
    readonly_fields = fields


def _submitted_report(task: RemediationTask) -> RemediationReport | None:
    return task.reports.filter(state=ReportState.SUBMITTED).order_by("-version").first()


def _review_row(task: RemediationTask) -> Row:
    report = _submitted_report(task)
    summary = "—"
    if report is not None:
        summary = _("Lần %(version)s, gửi %(at)s, tiến độ %(progress)s%%") % {
            "version": report.version,
            "at": f"{report.submitted_at:%d/%m/%Y %H:%M}" if report.submitted_at else "—",
            "progress": report.progress,
        }
    return Row(
        obj=task,
        cells=[_task_code(task), task.title, task.lead_agency.name, summary],
        link=task_page_url(task.pk),
        expected=report.pk if report is not None else "",
    )


def _task_code(task: RemediationTask) -> str:
    return task.finding.code if task.finding_id else f"#{task.pk}"


def _review(decision: str):
    def perform(task, *, user, comment, expected):
        return task_review(
            task=task,
            user=user,
            decision=decision,
            comment=comment,
            expected_status=TaskStatus.SUBMITTED,
            expected_report=expected,
        )

    return perform


REVIEW_HEADERS = [
    gettext_lazy("Mã"),
    gettext_lazy("Nhiệm vụ"),
    gettext_lazy("Cơ quan chủ trì"),
    gettext_lazy("Báo cáo đang chờ xem xét"),
]
ACCEPT = Decision(
    action="accept_reports",
    title=gettext_lazy("Chấp nhận báo cáo, hoàn thành nhiệm vụ"),
    submit_label=gettext_lazy("Chấp nhận"),
    headers=REVIEW_HEADERS,
    comment_required=False,
    eligible=lambda task: task.status == TaskStatus.SUBMITTED,
    row=_review_row,
    perform=_review("accept"),
    done_message=gettext_lazy("Đã chấp nhận báo cáo của %(count)s nhiệm vụ."),
)
RETURN = Decision(
    action="return_reports",
    title=gettext_lazy("Trả lại báo cáo, yêu cầu bổ sung"),
    submit_label=gettext_lazy("Trả lại"),
    headers=REVIEW_HEADERS,
    comment_required=True,
    eligible=lambda task: task.status == TaskStatus.SUBMITTED,
    row=_review_row,
    perform=_review("return"),
    done_message=gettext_lazy("Đã trả lại báo cáo của %(count)s nhiệm vụ."),
)


class DeadlineFilter(admin.SimpleListFilter):
    """The task list's deadline classes (overdue first), by the one rule."""

    title = gettext_lazy("thời hạn")
    parameter_name = "thoi_han"

    def lookups(self, request, model_admin):
        return [
            (DeadlineState.OVERDUE, DeadlineState.OVERDUE.label),
            (DeadlineState.DUE_SOON, DeadlineState.DUE_SOON.label),
            (DeadlineState.IN_TIME, DeadlineState.IN_TIME.label),
            (DeadlineState.COMPLETED_ON_TIME, DeadlineState.COMPLETED_ON_TIME.label),
            (DeadlineState.COMPLETED_LATE, DeadlineState.COMPLETED_LATE.label),
        ]

    def queryset(self, request, queryset):
        if self.value() in DeadlineState.values:
            return queryset.in_deadline_class(self.value())
        return queryset


@admin.register(RemediationTask)
class RemediationTaskAdmin(ScopedAdminMixin, KeySearchMixin, ExportMixin, admin.ModelAdmin):
    task_lookup = "pk"
    agency_field = "lead_agency"
    form = TaskAdminForm
    resource_classes = [RemediationTaskResource]
    show_full_result_count = False
    export_formats = [SafeXLSX]
    list_display = ["title", "code", "lead_agency", "monitoring_agency", "due_date",
                    "extended_due_date", "status", "completed_on"]  # fmt: skip
    list_editable = ()  # status changes only through the workflow
    list_filter = [
        DeadlineFilter,
        "status",
        DueYearFilter,
        "due_date",
        ("monitoring_agency", MonitoringAgencyFilter),
    ]
    search_fields = ["title", "finding__code", "lead_agency__name", "lead_agency__code"]

    autocomplete_fields = [
        "finding",
        "directive",
        "lead_agency",
        "supporting_agencies",
        "monitoring_agency",
    ]
    list_select_related = ["finding", "lead_agency", "monitoring_agency"]
    readonly_fields = [*WORKFLOW_FIELDS, "task_page", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["finding", "directive", "directive_item", "title", "task_page"]}),
        (gettext_lazy("Phân công"), {"fields": list(ASSIGNMENT_FIELDS)}),
        (
            gettext_lazy("Thời hạn và trạng thái (chỉ thay đổi qua quy trình xử lý)"),
            {"fields": ["due_date", *WORKFLOW_FIELDS, "created_at", "updated_at"]},
        ),
    ]
    inlines = [ReportInline, ExtensionInline, EventInline]
    actions = ["accept_reports", "return_reports"]

    @admin.display(description=gettext_lazy("mã"), ordering="finding__code")
    def code(self, task: RemediationTask) -> str:
        return _task_code(task)

    def search_filter(self, key: str) -> Q:
        return search_q(key)

    @admin.display(description=gettext_lazy("trang nhiệm vụ"))
    def task_page(self, task: RemediationTask) -> str:
        if task.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            task_page_url(task.pk),
            _("Báo cáo, phê duyệt, xem xét, gia hạn: trên trang nhiệm vụ"),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only the fields this form owns: never a status read a moment ago.
        fields = [name for name in form.changed_data if name in DIRECT_FIELDS]
        if fields:
            obj.save(update_fields=[*fields, "updated_at"])

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if form.assignment_changed():
            data = form.cleaned_data
            try:
                task_reassign(
                    task=form.instance,
                    user=request.user,
                    lead_agency=data["lead_agency"],
                    monitoring_agency=data["monitoring_agency"],
                    supporting_agencies=list(data["supporting_agencies"]),
                    comment=_("Phân công lại trong trang quản trị."),
                )
            except WorkflowError as refused:
                self.message_user(request, refused.message, level=messages.ERROR)

    @admin.action(description=ACCEPT.title, permissions=["view"])
    def accept_reports(self, request, queryset):
        return run_decision(
            self, request, queryset.select_related("finding", "lead_agency"), ACCEPT
        )

    @admin.action(description=RETURN.title, permissions=["view"])
    def return_reports(self, request, queryset):
        return run_decision(
            self, request, queryset.select_related("finding", "lead_agency"), RETURN
        )
