from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from reform_tracker.imports.admin import WorkbookImportMixin
from reform_tracker.imports.formats import SafeXLSX

from .models import Directive, DirectiveLink
from .resources import DirectiveResource


class DirectiveLinkInline(admin.TabularInline):
    model = DirectiveLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = _("văn bản được dẫn chiếu")
    verbose_name_plural = _("văn bản được dẫn chiếu")


@admin.register(Directive)
class DirectiveAdmin(WorkbookImportMixin, ExportMixin, admin.ModelAdmin):
    import_kind = "directives"
    resource_classes = [DirectiveResource]
    export_formats = [SafeXLSX]
    list_display = ["symbol", "doc_type", "issue_date", "issuer_name", "title"]
    list_filter = ["doc_type", "year"]
    search_fields = ["symbol", "title", "issuer_name"]
    date_hierarchy = "issue_date"
    autocomplete_fields = ["issuer"]
    readonly_fields = ["number", "year", "doc_type", "type_code", "issuer_code"]
    inlines = [DirectiveLinkInline]


@admin.register(DirectiveLink)
class DirectiveLinkAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target"]
    list_filter = ["kind"]
    search_fields = ["source__symbol", "target__symbol"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]
