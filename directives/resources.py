from import_export.fields import Field

from reform_tracker.imports.formats import DAY_FIRST_DATE, WorkbookResource

from .importers import DirectiveImporter as I
from .models import Directive


class DirectiveResource(WorkbookResource):
    import_kind = "directives"
    symbol = Field(attribute="symbol", column_name=I.SYMBOL)
    issue_date = Field(attribute="issue_date", column_name=I.DATE, widget=DAY_FIRST_DATE)
    issuer_name = Field(attribute="issuer_name", column_name=I.ISSUER)
    title = Field(attribute="title", column_name=I.TITLE)

    class Meta:
        model = Directive
        fields = ("symbol", "issue_date", "issuer_name", "title")
