"""Import of inspection findings, each with its remediation task."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.importers import AgencyLookup, ReformAreaLookup
from agencies.models import ReformArea
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
from reform_tracker.imports.workbook import cell_multiline, cell_text, header_key

from ..models import Finding, Inspection, RemediationTask
from ..workflow import OPEN_STATUSES
from .lookups import DirectiveLookup, code_queries
from .roles import AgencyRoles

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
    " f.required_action, f.source_directive_id, t.id, t.due_date, t.monitoring_agency_id,"
    " t.lead_agency_id, t.status, t.title"
)
TITLE_LENGTH = RemediationTask._meta.get_field("title").max_length
CODE_LENGTH = Finding._meta.get_field("code").max_length
INSPECTION_LENGTH = Inspection._meta.get_field("name").max_length


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
    lead_id: int | None = None  # the task's lead: the inspected agency or its successor
    monitor_from_area: bool = False
    lead_changed: bool = False
    title_changed: bool = False

    @property
    def title(self) -> str:
        return derived_title(self.required_action, self.description)


def inspection_year(record: FindingRow) -> int:
    """The year of an inspection the import creates: from its name, else
    from the due date."""
    year = _YEAR.search(record.inspection)
    return int(year[1]) if year else record.due_date.year


def derived_title(required_action: str, description: str) -> str:
    """A new task's title, from its finding's text. Not compared on
    re-import: it follows that text only while staff have not edited it."""
    return (required_action or description)[:TITLE_LENGTH]


class FindingImporter(Importer):
    kind = "findings"
    label = gettext_lazy("Tồn tại, hạn chế")
    CODE, INSPECTION, AGENCY, AREA = "Mã", "Đợt kiểm tra", "Cơ quan được kiểm tra", "Lĩnh vực CCHC"
    DESCRIPTION, ACTION, DUE = "Tồn tại, hạn chế", "Yêu cầu khắc phục", "Hạn báo cáo"
    MONITOR, DIRECTIVE = "Cơ quan theo dõi", "Văn bản chỉ đạo"
    required = (CODE, INSPECTION, AGENCY, AREA, DESCRIPTION, ACTION, DUE)
    optional = (MONITOR, DIRECTIVE)
    # A code no real finding has ("VD": ví dụ), with the demo's agencies, area
    # and directive: importing the template into the demo adds one row.
    example = (
        "VD-2019-01",
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
        self.roles = AgencyRoles()
        self.first_row: dict[str, int] = {}
        self.inspections: dict[str, int] = {}
        self.inspection_years: dict[str, int] = {}
        self.years: dict[tuple[str, int], int] = {}
        for pk, name, year in Inspection.objects.values_list("pk", "name", "year"):
            self.inspections[header_key(name)] = pk
            self.inspection_years[header_key(name)] = year

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
            record.monitor_from_area = True
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
                if self.inspected(record, errors):
                    record.lead_id = self.lead(record, errors)
                record.monitor_id = self.monitor(record, errors)
                planned.append((record, NEW))
                continue
            # state: the columns of STATE_COLUMNS, code first.
            record.finding_id, record.task_id = state[1], state[8]
            # A file without an optional column leaves what is stored alone.
            if self.MONITOR not in self.present:
                record.monitor_id, record.monitor_from_area = state[10], False
            if self.DIRECTIVE not in self.present:
                record.directive_id = state[7]
            record.agency_changed = state[3] != record.agency_id
            self.plan_task(record, state, errors)
            same = state[2:8] == (
                inspection_id(record.inspection),
                record.agency_id,
                record.area_id,
                record.description,
                record.required_action,
                record.directive_id,
            ) and state[9:11] == (record.due_date, record.monitor_id)
            planned.append((record, UNCHANGED if same else UPDATE))
        return planned

    def plan_task(self, record: FindingRow, state: tuple, errors: list[RowError]) -> None:
        """The lead, monitor and title a stored finding's task gets from its row."""
        if record.task_id is None:  # a finding whose task was deleted: a new task
            stored_lead = stored_monitor = None
            is_open = True
        else:
            stored_lead, stored_monitor, is_open = state[11], state[10], state[12] in OPEN_STATUSES
            # A title staff edited is theirs: it stays, whatever the file says.
            if state[13] == derived_title(state[6], state[5]):
                record.title_changed = record.title != state[13]
        record.monitor_id = self.monitor(record, errors, stored=stored_monitor, is_open=is_open)
        record.lead_id = stored_lead
        if record.agency_changed and not self.inspected(record, errors):
            return
        # The lead follows the inspected agency only when the file changes it:
        # a reassignment by staff stays otherwise.
        if record.agency_changed or stored_lead is None:
            record.lead_id = self.lead(record, errors, stored=stored_lead, is_open=is_open)
        record.lead_changed = record.lead_id != stored_lead

    def inspected(self, record: FindingRow, errors: list[RowError]) -> bool:
        # A few inspections across many rows: their years once each.
        key = (record.inspection, record.due_date.year)
        if (year := self.years.get(key)) is None:
            stored = self.inspection_years.get(header_key(record.inspection))
            year = self.years[key] = stored or inspection_year(record)
        try:
            self.roles.check_inspected(record.agency_id, year)
        except RowInvalid as error:
            errors.append(RowError(record.row, self.AGENCY, str(error)))
            return False
        return True

    def lead(self, record: FindingRow, errors: list[RowError], **task) -> int | None:
        try:
            return self.roles.for_task(record.agency_id, **task)
        except RowInvalid as error:
            errors.append(RowError(record.row, self.AGENCY, str(error)))
            return None

    def monitor(self, record: FindingRow, errors: list[RowError], **task) -> int | None:
        if record.monitor_id is None:
            return None
        try:
            return self.roles.for_task(record.monitor_id, **task)
        except RowInvalid as error:
            if not record.monitor_from_area:
                errors.append(RowError(record.row, self.MONITOR, str(error)))
            else:
                message = _(
                    "cơ quan theo dõi của lĩnh vực này: %(error)s Hoặc ghi cơ quan theo dõi "
                    "ở cột “%(column)s”."
                ) % {"error": error, "column": self.MONITOR}
                errors.append(RowError(record.row, self.AREA, message))
            return None

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
            for query, params in code_queries(select, codes):
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
        # Status, completion and reports belong to the workflow, never to
        # imports; the lead and the title are written only when they change.
        groups: dict[tuple[str, ...], list[RemediationTask]] = defaultdict(list)
        for r in changed:
            if r.task_id:
                fields = ("due_date", "monitoring_agency", "directive")
                fields += ("lead_agency",) * r.lead_changed + ("title",) * r.title_changed
                groups[fields].append(self.task(r))
        for fields, tasks in groups.items():
            RemediationTask.objects.bulk_update(tasks, fields, batch_size=1000)
        self.link_inspected_agencies(planned)

    def create_inspections(self, planned) -> None:
        missing: dict[str, FindingRow] = {}
        for record, action in planned:
            key = header_key(record.inspection)
            if action != UNCHANGED and key not in self.inspections:
                missing.setdefault(key, record)
        for key, record in missing.items():
            inspection = Inspection.objects.create(
                name=record.inspection, year=inspection_year(record)
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
            r.finding_id, r.directive_id, r.title, r.lead_id, r.monitor_id, r.due_date,
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
            lead_agency_id=r.lead_id,
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
