from import_export.fields import Field

from reform_tracker.imports.formats import WorkbookResource

from .importers import AgencyImporter as I
from .models import Agency


class AgencyResource(WorkbookResource):
    """Import through the engine; export with the import template's headers."""

    import_kind = "agencies"
    code = Field(attribute="code", column_name=I.CODE)
    name = Field(attribute="name", column_name=I.NAME)
    kind = Field(attribute="get_kind_display", column_name=I.KIND)
    parent = Field(attribute="parent__code", column_name=I.PARENT)
    official_email = Field(attribute="official_email", column_name=I.EMAIL)

    class Meta:
        model = Agency
        fields = ("code", "name", "kind", "parent", "official_email")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent")
