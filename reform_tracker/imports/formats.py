"""The import format and resource behind django-import-export's admin.

django-import-export converts a workbook to a tablib Dataset and imports it
row by row (about 45 s for 20,000 rows with default options). Our format
hands the raw bytes through instead, and the resource runs the set-based
engine on them, so the admin keeps its upload / preview / confirm flow.
"""

from __future__ import annotations

import tablib
from django.conf import settings
from import_export import resources
from import_export.formats.base_formats import XLSX, Format
from import_export.results import Result, RowResult
from import_export.widgets import DateWidget

from reform_tracker.xlsx import table_bytes

from .engine import ImportSummary
from .registry import importer_class
from .workbook import check_file


class DayFirstDateWidget(DateWidget):
    """dd/mm/yyyy text in .xlsx too: import-export otherwise writes a date cell
    that Excel shows as yyyy-mm-dd, ignoring the format."""

    def render(self, value, obj=None, **kwargs):
        return super().render(value)


DAY_FIRST_DATE = DayFirstDateWidget("%d/%m/%Y")


class SafeXLSX(XLSX):
    """The admin's .xlsx export, written through reform_tracker.xlsx: text
    stays text (never a live formula) and stored control characters cannot
    break the export."""

    def export_data(self, dataset, **kwargs) -> bytes:
        return table_bytes(dataset.headers or [], dataset, title=dataset.title or "Dữ liệu")


class WorkbookDataset(tablib.Dataset):
    """A Dataset that only carries the uploaded workbook's bytes."""

    def __init__(self, raw: bytes):
        super().__init__()
        self.raw = raw

    def __bool__(self) -> bool:  # the admin treats an empty Dataset as "no data"
        return bool(self.raw)


class WorkbookFormat(Format):
    def __init__(self, encoding=None):  # the admin's confirm step passes one
        self.encoding = encoding

    def get_title(self) -> str:
        return "xlsx"

    def create_dataset(self, in_stream: bytes) -> WorkbookDataset:
        check_file(in_stream, max_size=settings.IMPORT_MAX_FILE_SIZE)
        return WorkbookDataset(in_stream)

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_extension(self) -> str:
        return "xlsx"

    def get_content_type(self) -> str:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return False


class SummaryResult(Result):
    """import-export's Result, filled from our summary."""

    def __init__(self, summary: ImportSummary):
        super().__init__()
        self.summary = summary
        self.total_rows = summary.total_rows
        self.totals[RowResult.IMPORT_TYPE_NEW] = summary.created
        self.totals[RowResult.IMPORT_TYPE_UPDATE] = summary.updated
        self.totals[RowResult.IMPORT_TYPE_SKIP] = summary.unchanged
        self.totals[RowResult.IMPORT_TYPE_ERROR] = len(summary.errors)

    def has_errors(self) -> bool:
        return not self.summary.ok

    def has_validation_errors(self) -> bool:
        return False


class WorkbookResource(resources.ModelResource):
    """Imports through the engine of ``import_kind``; exports as ModelResource."""

    import_kind: str

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs) -> SummaryResult:
        summary = importer_class(self.import_kind)().run(dataset.raw, dry_run=dry_run)
        return SummaryResult(summary)
