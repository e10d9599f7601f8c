from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from agencies.admin import AgencySuccessionAdmin
from agencies.models import AgencySuccession
from reform_tracker.imports.admin import WorkbookImportMixin

from .models import Finding, Inspection, RemediationReport, RemediationTask, ReportingObligation
from .resources import FindingResource, RemediationTaskResource
from .services import tasks_transfer_to_successor


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "leading_agency", "conclusion"]
    list_filter = ["year"]
    search_fields = ["name"]
    autocomplete_fields = ["leading_agency", "inspected_agencies", "conclusion"]
    list_select_related = ["leading_agency", "conclusion"]


class RemediationTaskInline(admin.StackedInline):
    model = RemediationTask
    extra = 0
    autocomplete_fields = ["lead_agency", "supporting_agencies", "monitoring_agency", "directive"]


@admin.register(Finding)
class FindingAdmin(WorkbookImportMixin, ExportMixin, admin.ModelAdmin):
    import_kind = "findings"
    resource_classes = [FindingResource]
    show_full_result_count = False  # a second COUNT(*) over every finding
    export_formats = [XLSX]
    list_display = ["code", "agency", "reform_area", "inspection", "source_directive"]
    list_filter = ["inspection", "reform_area"]
    search_fields = ["code", "description", "agency__name", "agency__code"]
    autocomplete_fields = ["inspection", "agency", "reform_area", "criterion", "source_directive"]
    list_select_related = ["agency", "reform_area", "inspection", "source_directive"]
    inlines = [RemediationTaskInline]


class RemediationReportInline(admin.TabularInline):
    model = RemediationReport
    extra = 0
    autocomplete_fields = ["submitted_by"]


@admin.register(RemediationTask)
class RemediationTaskAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [RemediationTaskResource]
    show_full_result_count = False
    export_formats = [XLSX]
    list_display = ["title", "lead_agency", "monitoring_agency", "due_date", "status"]
    list_filter = ["status", "due_date", "monitoring_agency"]
    search_fields = ["title", "finding__code", "lead_agency__name", "lead_agency__code"]
    date_hierarchy = "due_date"
    autocomplete_fields = [
        "finding",
        "directive",
        "lead_agency",
        "supporting_agencies",
        "monitoring_agency",
    ]
    list_select_related = ["lead_agency", "monitoring_agency"]
    inlines = [RemediationReportInline]


@admin.register(RemediationReport)
class RemediationReportAdmin(admin.ModelAdmin):
    list_display = ["task", "submitted_by", "submitted_at"]
    list_filter = ["submitted_at"]
    search_fields = ["task__title", "content", "submitted_by__username"]
    autocomplete_fields = ["task", "submitted_by"]
    list_select_related = ["task", "submitted_by"]


# Succession is an agencies model, but handing over tasks is remediation's
# business: extend its admin here so agencies never imports remediation.
admin.site.unregister(AgencySuccession)


@admin.register(AgencySuccession)
class AgencySuccessionWithTasksAdmin(AgencySuccessionAdmin):
    actions = ["transfer_open_tasks"]

    @admin.action(description=gettext_lazy("Chuyển nhiệm vụ đang mở cho cơ quan kế thừa"))
    def transfer_open_tasks(self, request, queryset):
        moved = sum(
            tasks_transfer_to_successor(succession=succession, user=request.user)
            for succession in queryset.select_related("predecessor", "successor")
        )
        self.message_user(request, _("Đã chuyển %(count)s nhiệm vụ.") % {"count": moved})


@admin.register(ReportingObligation)
class ReportingObligationAdmin(admin.ModelAdmin):
    list_display = ["title", "directive", "frequency", "starts_on", "ends_on", "is_active"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["title", "directive__symbol"]
    autocomplete_fields = ["directive", "agencies"]
    list_select_related = ["directive"]
