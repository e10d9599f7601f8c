"""The remediation admin: data entry and read-only history; every change of a
task's state goes through the workflow service (``tasks``, ``history``)."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin

from agencies.admin import AgencySuccessionAdmin
from agencies.models import AgencySuccession
from reform_tracker.imports.admin import WorkbookImportMixin
from reform_tracker.imports.formats import SafeXLSX

from ..filters import searchable
from ..models import Finding, Inspection, RemediationTask, ReportingObligation
from ..resources import FindingResource
from ..services import SuccessionNotYetEffective, tasks_transfer_to_successor
from . import history, tasks
from .filters import CappedRelatedFilter, KeySearchMixin
from .scope import ScopedAdminMixin
from .tasks import WORKFLOW_FIELDS


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "leading_agency", "conclusion"]
    list_filter = ["year"]
    search_fields = ["name"]
    autocomplete_fields = ["leading_agency", "inspected_agencies", "conclusion"]
    list_select_related = ["leading_agency", "conclusion"]


class RemediationTaskInline(admin.StackedInline):
    """The finding's task: added here, then changed only on its own admin page
    (agencies through the workflow service) and its status never by hand."""

    model = RemediationTask
    extra = 0
    max_num = 1  # one task per finding
    show_change_link = True
    fields = ["title", "lead_agency", "supporting_agencies", "monitoring_agency", "directive",
              "due_date", *WORKFLOW_FIELDS]  # fmt: skip
    readonly_fields = WORKFLOW_FIELDS
    autocomplete_fields = ["lead_agency", "supporting_agencies", "monitoring_agency", "directive"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # existing tasks show read-only; a new one can still be added

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # an inline delete would skip the check on the task's history


@admin.register(Finding)
class FindingAdmin(
    ScopedAdminMixin, KeySearchMixin, WorkbookImportMixin, ExportMixin, admin.ModelAdmin
):
    task_lookup = "tasks"
    agency_field = "agency"
    import_kind = "findings"
    resource_classes = [FindingResource]
    show_full_result_count = False  # a second COUNT(*) over every finding
    export_formats = [SafeXLSX]
    list_display = ["code", "agency", "reform_area", "inspection", "source_directive"]
    list_filter = [("inspection", CappedRelatedFilter), "reform_area"]
    search_fields = ["code", "description", "agency__name", "agency__code"]

    autocomplete_fields = ["inspection", "agency", "reform_area", "criterion", "source_directive"]
    list_select_related = ["agency", "reform_area", "inspection", "source_directive"]
    inlines = [RemediationTaskInline]

    def search_filter(self, key: str) -> Q:
        text = Q(description_key__contains=key) if searchable(key) else Q()
        return Q(code__istartswith=key) | text


# Succession is an agencies model, but handing over tasks is remediation's
# business: extend its admin here so agencies never imports remediation.
admin.site.unregister(AgencySuccession)


@admin.register(AgencySuccession)
class AgencySuccessionWithTasksAdmin(AgencySuccessionAdmin):
    actions = ["transfer_open_tasks"]

    @admin.action(
        description=gettext_lazy("Chuyển nhiệm vụ đang mở cho cơ quan kế thừa"),
        permissions=["change"],
    )
    def transfer_open_tasks(self, request, queryset):
        moved = 0
        for succession in queryset.select_related("predecessor", "successor"):
            try:
                moved += tasks_transfer_to_successor(succession=succession, user=request.user)
            except SuccessionNotYetEffective as refused:
                self.message_user(request, refused.message, level=messages.ERROR)
        self.message_user(request, _("Đã chuyển %(count)s nhiệm vụ.") % {"count": moved})


@admin.register(ReportingObligation)
class ReportingObligationAdmin(admin.ModelAdmin):
    list_display = ["title", "directive", "frequency", "starts_on", "ends_on", "is_active"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["title", "directive__symbol"]
    autocomplete_fields = ["directive", "agencies"]
    list_select_related = ["directive"]


__all__ = ["history", "tasks"]
