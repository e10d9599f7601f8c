"""Report versions, evidence, events and extension requests: read-only history
in the admin. Extension decisions are admin actions calling the service."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from ..models import Evidence, ExtensionRequest, ExtensionState, RemediationReport, TaskEvent
from ..selectors import evidence_for_user
from ..services import extension_decide
from .decisions import Decision, Row, run_decision
from .filters import EventYearFilter
from .scope import ReadOnlyHistoryMixin, ScopedAdminMixin, evidence_url, task_page_url


def download_link(evidence: Evidence) -> str:
    return format_html('<a href="{}">{}</a>', evidence_url(evidence.pk), evidence.original_name)


class EvidenceInline(ReadOnlyHistoryMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    # Never the file field: its widget would link to a media URL.
    fields = ["download", "kind", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("tệp"))
    def download(self, evidence: Evidence) -> str:
        return download_link(evidence)


@admin.register(RemediationReport)
class RemediationReportAdmin(ScopedAdminMixin, ReadOnlyHistoryMixin, admin.ModelAdmin):
    list_display = ["task", "version", "state", "submitted_by", "submitted_at", "progress"]
    list_filter = ["state", "submitted_at"]
    search_fields = ["task__title", "task__finding__code", "content", "submitted_by__username"]
    list_select_related = ["task", "submitted_by"]
    fields = ["task", "version", "state", "submitted_by", "created_at", "submitted_at",
              "progress", "content"]  # fmt: skip
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdminMixin, ReadOnlyHistoryMixin, admin.ModelAdmin):
    list_display = ["original_name", "download", "report", "kind", "size", "uploaded_by",
                    "uploaded_at"]  # fmt: skip
    list_filter = ["kind", "uploaded_at"]
    search_fields = ["original_name", "report__task__finding__code", "report__task__title"]
    list_select_related = ["report__task", "uploaded_by"]
    fields = ["download", "original_name", "report", "kind", "size", "sha256", "uploaded_by",
              "uploaded_at"]  # fmt: skip

    def scoped(self, queryset, user):
        # Drafts stay with their agency: the same rule as the download view.
        return queryset.filter(pk__in=evidence_for_user(user=user).order_by().values("pk"))

    @admin.display(description=gettext_lazy("tải xuống"))
    def download(self, evidence: Evidence) -> str:
        return download_link(evidence)


@admin.register(TaskEvent)
class TaskEventAdmin(ScopedAdminMixin, ReadOnlyHistoryMixin, admin.ModelAdmin):
    list_display = ["created_at", "task", "action", "from_status", "to_status", "actor", "comment"]
    list_filter = ["action", EventYearFilter, "created_at"]
    search_fields = ["task__title", "task__finding__code", "comment", "actor__username"]
    list_select_related = ["task", "actor"]


def _extension_row(extension: ExtensionRequest) -> Row:
    return Row(
        obj=extension,
        cells=[
            str(extension.task),
            extension.requested_by.display_name,
            f"{extension.due_date_before:%d/%m/%Y} → {extension.requested_date:%d/%m/%Y}",
            extension.reason,
        ],
        link=task_page_url(extension.task_id),
    )


def _decide(grant: bool):
    def perform(extension, *, user, comment, expected):
        return extension_decide(extension=extension, user=user, grant=grant, comment=comment)

    return perform


EXTENSION_HEADERS = [
    gettext_lazy("Nhiệm vụ"),
    gettext_lazy("Người đề nghị"),
    gettext_lazy("Hạn hiện tại → đề nghị"),
    gettext_lazy("Lý do"),
]


def _pending(extension: ExtensionRequest) -> bool:
    return extension.state == ExtensionState.PENDING


GRANT = Decision(
    action="grant_extensions",
    title=gettext_lazy("Đồng ý gia hạn"),
    submit_label=gettext_lazy("Đồng ý gia hạn"),
    headers=EXTENSION_HEADERS,
    comment_required=False,
    eligible=_pending,
    row=_extension_row,
    perform=_decide(True),
    done_message=gettext_lazy("Đã đồng ý %(count)s đề nghị gia hạn."),
)
REFUSE = Decision(
    action="refuse_extensions",
    title=gettext_lazy("Không đồng ý gia hạn"),
    submit_label=gettext_lazy("Không đồng ý"),
    headers=EXTENSION_HEADERS,
    comment_required=True,
    eligible=_pending,
    row=_extension_row,
    perform=_decide(False),
    done_message=gettext_lazy("Đã từ chối %(count)s đề nghị gia hạn."),
)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ScopedAdminMixin, ReadOnlyHistoryMixin, admin.ModelAdmin):
    list_display = ["task", "requested_by", "requested_at", "due_date_before", "requested_date",
                    "state", "decided_by"]  # fmt: skip
    list_filter = ["state", "requested_at"]
    search_fields = ["task__title", "task__finding__code", "reason"]
    list_select_related = ["task", "requested_by", "decided_by"]
    actions = ["grant_extensions", "refuse_extensions"]

    def _decision_queryset(self, queryset):
        return queryset.select_related("task", "requested_by")

    @admin.action(description=GRANT.title, permissions=["view"])
    def grant_extensions(self, request, queryset):
        return run_decision(self, request, self._decision_queryset(queryset), GRANT)

    @admin.action(description=REFUSE.title, permissions=["view"])
    def refuse_extensions(self, request, queryset):
        return run_decision(self, request, self._decision_queryset(queryset), REFUSE)
