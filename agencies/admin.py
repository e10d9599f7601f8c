from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from reform_tracker.imports.admin import WorkbookImportMixin
from reform_tracker.imports.formats import SafeXLSX

from .models import Agency, AgencySuccession, Criterion, ReformArea, User
from .resources import AgencyResource


class SuccessionInline(admin.TabularInline):
    model = AgencySuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("cơ quan kế thừa")
    verbose_name_plural = _("cơ quan kế thừa")


@admin.register(Agency)
class AgencyAdmin(WorkbookImportMixin, ExportMixin, admin.ModelAdmin):
    import_kind = "agencies"
    resource_classes = [AgencyResource]
    export_formats = [SafeXLSX]
    list_display = ["code", "name", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [SuccessionInline]


@admin.register(AgencySuccession)
class AgencySuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "effective_date", "legal_basis"]
    list_filter = ["effective_date"]
    search_fields = ["predecessor__name", "successor__name", "legal_basis"]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]


@admin.register(ReformArea)
class ReformAreaAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "monitoring_agency"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["monitoring_agency"]
    list_select_related = ["monitoring_agency"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["year", "code", "name", "area", "parent"]
    list_filter = ["year", "area"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["area", "parent"]
    list_select_related = ["area", "parent"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "agency", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "email", "first_name", "last_name", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Cơ quan và vai trò"), {"fields": ("agency", "role")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Cơ quan và vai trò"), {"fields": ("email", "agency", "role")}),
    )
