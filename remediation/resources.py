from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.fields import Field

from reform_tracker.imports.formats import DAY_FIRST_DATE as DATE
from reform_tracker.imports.formats import WorkbookResource

from .importers import FindingImporter as I
from .models import DeadlineState, Finding, RemediationTask


class FindingResource(WorkbookResource):
    """Exports with the import template's headers, so an export re-imports."""

    import_kind = "findings"
    code = Field(attribute="code", column_name=I.CODE)
    inspection = Field(attribute="inspection__name", column_name=I.INSPECTION)
    agency = Field(attribute="agency__code", column_name=I.AGENCY)
    reform_area = Field(attribute="reform_area__name", column_name=I.AREA)
    description = Field(attribute="description", column_name=I.DESCRIPTION)
    required_action = Field(attribute="required_action", column_name=I.ACTION)
    due_date = Field(attribute="task_due_date", column_name=I.DUE, widget=DATE)
    monitor = Field(attribute="task_monitor", column_name=I.MONITOR)
    directive = Field(attribute="source_directive__symbol", column_name=I.DIRECTIVE)

    class Meta:
        model = Finding
        fields = (
            "code", "inspection", "agency", "reform_area", "description", "required_action",
            "due_date", "monitor", "directive",
        )  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        # One task per finding: aggregate it in the same query instead of N more.
        return queryset.select_related(
            "inspection", "agency", "reform_area", "source_directive"
        ).annotate(
            task_due_date=Max("tasks__due_date"),
            task_monitor=Max("tasks__monitoring_agency__code"),
        )


class RemediationTaskResource(resources.ModelResource):
    finding = Field(attribute="finding__code", column_name=_("Mã tồn tại, hạn chế"))
    title = Field(attribute="title", column_name=_("Nhiệm vụ"))
    lead_agency = Field(attribute="lead_agency__name", column_name=_("Cơ quan chủ trì"))
    monitoring_agency = Field(
        attribute="monitoring_agency__name", column_name=_("Cơ quan theo dõi")
    )
    due_date = Field(attribute="due_date", column_name=_("Hạn báo cáo"), widget=DATE)
    status = Field(attribute="get_status_display", column_name=_("Trạng thái"))
    deadline_state = Field(column_name=_("Tình trạng thời hạn"))
    completed_on = Field(attribute="completed_on", column_name=_("Ngày hoàn thành"), widget=DATE)

    class Meta:
        model = RemediationTask
        fields = (
            "finding", "title", "lead_agency", "monitoring_agency", "due_date", "status",
            "deadline_state", "completed_on",
        )  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "finding", "lead_agency", "monitoring_agency"
        ).with_deadline_class()

    def dehydrate_deadline_state(self, task) -> str:
        return str(DeadlineState(task.deadline_class).label)
