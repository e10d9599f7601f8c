"""Import of inspection findings, each with its remediation task."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from agencies.importers import AgencyLookup, ReformAreaLookup
from agencies.models import ReformArea
from directives.importers import document_number
from directives.models import Directive
from reform_tracker.imports.bulk import allocate_ids, insert_rows
from reform_tracker.imports.engine import (
    NEW,
    UNCHANGED,
    UPDATE,
    Column,
    Importer,
    RowError,
    RowInvalid,
    long_text,
    memoized,
    required_date,
    required_text,
    text,
)
from reform_tracker.imports.workbook import cell_date, cell_multiline, cell_text, header_key

from .models import Finding, Inspection, RemediationTask

_SYMBOL_WITH_DATE = re.compile(r"^(?P<symbol>\S+)\s+ngày\s+(?P<date>.+)$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
FINDING_COLUMNS = (
    "pk", "code", "inspection_id", "agency_id", "reform_area_id", "description",
    "required_action", "source_directive_id",
)  # fmt: skip
TASK_COLUMNS = (
    "finding_id", "directive_id", "title", "lead_agency_id", "monitoring_agency_id", "due_date",
)  # fmt: skip
STATE_COLUMNS = (
    "f.code, f.id, f.inspection_id, f.agency_id, f.reform_area_id, f.description,"
    " f.required_action, f.source_directive_id, t.id, t.due_date, t.monitoring_agency_id"
)
TITLE_LENGTH = RemediationTask._meta.get_field("title").max_length
CODE_LENGTH = Finding._meta.get_field("code").max_length
INSPECTION_LENGTH = Inspection._meta.get_field("name").max_length


def _code_queries(select: str, codes: list[str]):
    if connection.vendor == "postgresql":
        yield f"{select} WHERE f.code = ANY(%s)", [codes]
        return
    for start in range(0, len(codes), 900):  # under SQLite's variable limit
        chunk = codes[start : start + 900]
        yield f"{select} WHERE f.code IN ({', '.join(['%s'] * len(chunk))})", chunk


class DirectiveLookup:
    """Directives by symbol; a symbol used in several years needs its date."""

    def __init__(self) -> None:
        self.by_symbol: dict[str, list[tuple[int, datetime.date]]] = defaultdict(list)
        self.symbols: dict[int, str] = {}
        for pk, symbol, issued in Directive.objects.values_list("pk", "symbol", "issue_date"):
            self.by_symbol[symbol].append((pk, issued))
            self.symbols[pk] = symbol

    def find(self, value: str) -> int:
        text, wanted_date = value, None
        if match := _SYMBOL_WITH_DATE.match(value):
            text, wanted_date = match["symbol"], cell_date(match["date"])
        symbol = str(document_number(text))
        matches = [
            (pk, issued)
            for pk, issued in self.by_symbol.get(symbol, [])
            if wanted_date is None or issued == wanted_date
        ]
        if len(matches) == 1:
            return matches[0][0]
        if matches:
            dates = ", ".join(issued.strftime("%d/%m/%Y") for _pk, issued in matches)
            raise RowInvalid(
                _(
                    "có nhiều văn bản số “%(symbol)s” (ban hành %(dates)s): "
                    "ghi kèm ngày, ví dụ “%(symbol)s ngày %(example)s”."
                )
                % {"symbol": symbol, "dates": dates, "example": matches[0][1].strftime("%d/%m/%Y")}
            )
        raise RowInvalid(
            _("chưa có văn bản “%(symbol)s” trong hệ thống: hãy nhập văn bản trước.")
            % {"symbol": value}
        )


@dataclass(slots=True)
class FindingRow:
    row: int
    code: str
    inspection: str
    agency_id: int
    area_id: int
    description: str
    required_action: str
    due_date: datetime.date
    monitor_id: int | None
    directive_id: int | None
    finding_id: int | None = None
    task_id: int | None = None
    agency_changed: bool = False

    @property
    def title(self) -> str:
        # Derived from the finding's text, so not compared on re-import: a
        # title edited by staff stays until that text changes.
        return (self.required_action or self.description)[:TITLE_LENGTH]


class FindingImporter(Importer):
    kind = "findings"
    label = _("Tồn tại, hạn chế")
    CODE, INSPECTION, AGENCY, AREA = "Mã", "Đợt kiểm tra", "Cơ quan được kiểm tra", "Lĩnh vực CCHC"
    DESCRIPTION, ACTION, DUE = "Tồn tại, hạn chế", "Yêu cầu khắc phục", "Hạn báo cáo"
    MONITOR, DIRECTIVE = "Cơ quan theo dõi", "Văn bản chỉ đạo"
    required = (CODE, INSPECTION, AGENCY, AREA, DESCRIPTION, ACTION, DUE)
    optional = (MONITOR, DIRECTIVE)
    example = (
        "KT2019-01",
        "Kiểm tra công tác CCHC năm 2019",
        "STNMT",
        "Cải cách thủ tục hành chính",
        "Tỷ lệ hồ sơ TTHC tiếp nhận và xử lý trực tuyến mức độ 3, 4 còn thấp",
        "Nâng cao tỷ lệ hồ sơ TTHC được tiếp nhận và xử lý trực tuyến mức độ 3, 4",
        datetime.date(2019, 11, 30),
        "VPUBND",
        "57/TB-UBND",
    )

    def load_lookups(self) -> None:
        self.agencies = AgencyLookup()
        self.areas = ReformAreaLookup()
        self.area_monitor = dict(ReformArea.objects.values_list("pk", "monitoring_agency_id"))
        self.area_names = dict(ReformArea.objects.values_list("pk", "name"))
        self.directives = DirectiveLookup()
        self.first_row: dict[str, int] = {}
        self.inspections = {
            header_key(name): pk for pk, name in Inspection.objects.values_list("pk", "name")
        }

    def agency(self, value: object) -> int:
        return self.agencies.find(required_text(cell_text(value)))

    def optional_agency(self, value: object) -> int | None:
        value = cell_text(value)
        return self.agencies.find(value) if value else None

    def directive(self, value: object) -> int | None:
        value = cell_text(value)
        return self.directives.find(value) if value else None

    def columns(self) -> list[Column]:
        return [
            Column(self.CODE, text(max_length=CODE_LENGTH)),
            Column(self.INSPECTION, text(max_length=INSPECTION_LENGTH), repeats=True),
            Column(self.AGENCY, self.agency, repeats=True),
            Column(self.AREA, lambda v: self.areas.find(required_text(cell_text(v))), repeats=True),
            Column(self.DESCRIPTION, long_text),
            Column(self.ACTION, cell_multiline),
            Column(self.DUE, required_date, repeats=True),
            Column(self.MONITOR, self.optional_agency, repeats=True),
            Column(self.DIRECTIVE, self.directive, repeats=True),
        ]

    def build(self, row, values, errors):
        record = FindingRow(row, *values)
        if record.monitor_id is None:
            record.monitor_id = self.area_monitor.get(record.area_id)
        return record

    def plan(self, records, errors):
        first_row = self.first_row  # across chunks
        unique = []
        for record in records:
            if record.code in first_row:
                errors.append(
                    RowError(
                        record.row,
                        self.CODE,
                        _("mã “%(code)s” trùng với dòng %(first)s.")
                        % {"code": record.code, "first": first_row[record.code]},
                    )
                )
                continue
            first_row[record.code] = record.row
            unique.append(record)
        if errors:
            return []
        stored = self.stored_state([r.code for r in unique])
        inspection_id = memoized(lambda name: self.inspections.get(header_key(name)))
        planned = []
        for record in unique:
            state = stored.get(record.code)
            if state is None:
                planned.append((record, NEW))
                continue
            # state: the columns of STATE_COLUMNS, code first.
            record.finding_id, record.task_id = state[1], state[8]
            # A file without an optional column leaves what is stored alone.
            if self.MONITOR not in self.present:
                record.monitor_id = state[10]
            if self.DIRECTIVE not in self.present:
                record.directive_id = state[7]
            record.agency_changed = state[3] != record.agency_id
            same = state[2:8] == (
                inspection_id(record.inspection),
                record.agency_id,
                record.area_id,
                record.description,
                record.required_action,
                record.directive_id,
            ) and state[9:] == (record.due_date, record.monitor_id)
            planned.append((record, UNCHANGED if same else UPDATE))
        return planned

    def stored_state(self, codes: list[str]) -> dict[str, tuple]:
        """Each stored finding's comparable fields and its task's, by code.

        Raw SQL: for 100,000 rows the ORM's per-row work costs more than the
        query itself.
        """
        finding, task = Finding._meta.db_table, RemediationTask._meta.db_table
        # Table names come from the models; values go as parameters.
        select = (
            f"SELECT {STATE_COLUMNS} FROM {finding} f LEFT JOIN {task} t ON t.finding_id = f.id"  # noqa: S608
        )
        stored = {}
        with connection.cursor() as cursor:
            for query, params in _code_queries(select, codes):
                cursor.execute(query, params)
                stored.update((row[0], row) for row in cursor.fetchall())
        return stored

    def write(self, planned):
        self.create_inspections(planned)
        new = [r for r, action in planned if action == NEW]
        changed = [r for r, action in planned if action == UPDATE]
        for record, pk in zip(new, allocate_ids(Finding, len(new)), strict=True):
            record.finding_id = pk
        insert_rows(Finding, FINDING_COLUMNS, (self.finding_row(r) for r in new))
        without_task = new + [r for r in changed if r.task_id is None]
        insert_rows(RemediationTask, TASK_COLUMNS, (self.task_row(r) for r in without_task))
        Finding.objects.bulk_update(
            [self.finding(r) for r in changed],
            ["inspection", "agency", "reform_area", "description", "required_action",
             "source_directive"],
            batch_size=1000,
        )  # fmt: skip
        # Status, completion and reports belong to the workflow, never to imports.
        task_fields = ["due_date", "monitoring_agency", "title", "directive"]
        RemediationTask.objects.bulk_update(
            [self.task(r) for r in changed if r.task_id and not r.agency_changed],
            task_fields,
            batch_size=1000,
        )
        RemediationTask.objects.bulk_update(
            [self.task(r) for r in changed if r.task_id and r.agency_changed],
            [*task_fields, "lead_agency"],
            batch_size=1000,
        )
        self.link_inspected_agencies(planned)

    def create_inspections(self, planned) -> None:
        missing: dict[str, FindingRow] = {}
        for record, action in planned:
            key = header_key(record.inspection)
            if action != UNCHANGED and key not in self.inspections:
                missing.setdefault(key, record)
        for key, record in missing.items():
            year = _YEAR.search(record.inspection)
            inspection = Inspection.objects.create(
                name=record.inspection,
                year=int(year[1]) if year else record.due_date.year,
            )
            self.inspections[key] = inspection.pk

    def link_inspected_agencies(self, planned) -> None:
        pairs = {
            (self.inspections[header_key(r.inspection)], r.agency_id)
            for r, action in planned
            if action != UNCHANGED
        }
        Through = Inspection.inspected_agencies.through
        existing = set()
        inspection_ids = {i for i, _a in pairs}
        if inspection_ids:
            existing = set(
                Through.objects.filter(Q(inspection_id__in=inspection_ids)).values_list(
                    "inspection_id", "agency_id"
                )
            )
        Through.objects.bulk_create(
            [Through(inspection_id=i, agency_id=a) for i, a in pairs - existing], batch_size=5000
        )

    def finding_row(self, r: FindingRow) -> tuple:
        return (
            r.finding_id, r.code, self.inspections[header_key(r.inspection)], r.agency_id,
            r.area_id, r.description, r.required_action, r.directive_id,
        )  # fmt: skip

    def task_row(self, r: FindingRow) -> tuple:
        return (
            r.finding_id, r.directive_id, r.title, r.agency_id, r.monitor_id, r.due_date,
        )  # fmt: skip

    def finding(self, r: FindingRow) -> Finding:
        return Finding(
            pk=r.finding_id,
            code=r.code,
            inspection_id=self.inspections[header_key(r.inspection)],
            agency_id=r.agency_id,
            reform_area_id=r.area_id,
            description=r.description,
            required_action=r.required_action,
            source_directive_id=r.directive_id,
        )

    def task(self, r: FindingRow) -> RemediationTask:
        return RemediationTask(
            pk=r.task_id,
            finding_id=r.finding_id,
            directive_id=r.directive_id,
            title=r.title,
            lead_agency_id=r.agency_id,
            monitoring_agency_id=r.monitor_id,
            due_date=r.due_date,
        )

    def sample_values(self, record):
        return [
            record.code,
            record.inspection,
            self.agencies.codes.get(record.agency_id, ""),
            self.area_names[record.area_id],
            record.description,
            record.required_action,
            record.due_date,
            self.agencies.codes.get(record.monitor_id, "") if record.monitor_id else "",
            self.directives.symbols.get(record.directive_id, ""),
        ]
