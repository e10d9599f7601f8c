"""Import of agencies from the `Cơ quan` workbook template."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reform_tracker.imports.engine import (
    NEW,
    UNCHANGED,
    UPDATE,
    Column,
    Importer,
    RowError,
    RowInvalid,
    required_text,
    text,
)
from reform_tracker.imports.workbook import cell_text, header_key

from .models import Agency, AgencyKind, AgencySuccession, ReformArea, vietnamese_sort_key


class AgencyLookup:
    """Agencies by code or by name; an ambiguous name is refused, never guessed."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        self.codes: dict[int, str] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for pk, code, name in Agency.objects.values_list("pk", "code", "name").iterator(
            chunk_size=5000
        ):
            self.by_code[header_key(code)] = pk
            self.codes[pk] = code
            self.by_name[header_key(name)].append(pk)

    def find(self, value: str) -> int:
        """The id of the agency with this code, or else this unique name."""
        key = header_key(value)
        if key in self.by_code:
            return self.by_code[key]
        matches = self.by_name.get(key, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            codes = ", ".join(sorted(self.codes[pk] for pk in matches))
            raise RowInvalid(
                _("tên “%(name)s” trùng với nhiều cơ quan (mã %(codes)s): hãy ghi mã cơ quan.")
                % {"name": value, "codes": codes}
            )
        raise RowInvalid(_("không có cơ quan nào có mã hoặc tên “%(name)s”.") % {"name": value})


class AgencyTimeline:
    """When agencies existed and which took over from which, loaded once per
    import: the agency that stands for another on a given day."""

    def __init__(self) -> None:
        self.ranges: dict[int, tuple[datetime.date | None, datetime.date | None]] = {}
        self.successors: dict[int, list[int]] = defaultdict(list)
        self.labels: dict[int, str] = {}
        self._lineage: dict[int, frozenset[int]] = {}
        for old, new in AgencySuccession.objects.values_list("predecessor_id", "successor_id"):
            self.successors[old].append(new)
        dated = Q(valid_from__isnull=False) | Q(valid_to__isnull=False)
        involved = Q(succession_out__isnull=False) | Q(succession_in__isnull=False)
        for pk, code, name, start, end in (
            Agency.objects.filter(dated | involved)
            .values_list("pk", "code", "name", "valid_from", "valid_to")
            .distinct()
        ):
            self.labels[pk] = f"{code} ({name})"
            if start or end:
                self.ranges[pk] = (start, end)

    def plain(self, pk: int) -> bool:
        """Always in force and never succeeded: nothing to look up."""
        return pk not in self.ranges and pk not in self.successors

    def valid_on(self, pk: int, day: datetime.date) -> bool:
        start, end = self.ranges.get(pk, (None, None))
        return (start is None or start <= day) and (end is None or day <= end)

    def valid_during(self, pk: int, first: datetime.date, last: datetime.date) -> bool:
        start, end = self.ranges.get(pk, (None, None))
        return (start is None or start <= last) and (end is None or first <= end)

    def lineage(self, pk: int) -> frozenset[int]:
        """The agency and every agency that took over from it, however many
        successions away."""
        if pk not in self._lineage:
            seen, todo = {pk}, [pk]
            while todo:
                for successor in self.successors.get(todo.pop(), ()):
                    if successor not in seen:  # bad data may hold a cycle
                        seen.add(successor)
                        todo.append(successor)
            self._lineage[pk] = frozenset(seen)
        return self._lineage[pk]

    def standing_for(self, pk: int, day: datetime.date) -> list[int]:
        """The agency itself if it exists on ``day``, else the nearest of its
        successors (through a chain of them) that do."""
        if self.valid_on(pk, day):
            return [pk]
        found, seen, todo = [], {pk}, [pk]
        while todo:
            for successor in self.successors.get(todo.pop(), ()):
                if successor in seen:
                    continue
                seen.add(successor)
                (found if self.valid_on(successor, day) else todo).append(successor)
        return sorted(found, key=self.label)

    def label(self, pk: int) -> str:
        return self.labels.get(pk, str(pk))

    def labels_of(self, pks: list[int]) -> str:
        return ", ".join(self.label(pk) for pk in pks)


class ReformAreaLookup:
    def __init__(self) -> None:
        self.keys: dict[str, int] = {}
        for pk, code, name in ReformArea.objects.values_list("pk", "code", "name"):
            self.keys[header_key(code)] = pk
            self.keys[header_key(name)] = pk

    def find(self, value: str) -> int:
        try:
            return self.keys[header_key(value)]
        except KeyError:
            raise RowInvalid(
                _("không có lĩnh vực CCHC nào có tên hoặc mã “%(value)s”.") % {"value": value}
            ) from None


CODE_LENGTH = Agency._meta.get_field("code").max_length
NAME_LENGTH = Agency._meta.get_field("name").max_length

# Built from the Vietnamese labels (the template's contract), whatever the
# language active when this module is imported.
with translation.override(None):
    KIND_BY_LABEL = {header_key(label): value for value, label in AgencyKind.choices} | {
        header_key(value): value for value in AgencyKind.values
    }


def agency_kind(value: object) -> str:
    value = cell_text(value)
    try:
        return KIND_BY_LABEL[header_key(required_text(value))]
    except KeyError:
        allowed = "; ".join(str(label) for label in AgencyKind.labels)
        raise RowInvalid(
            _("“%(value)s” không phải là loại cơ quan hợp lệ (chọn một trong: %(allowed)s).")
            % {"value": value, "allowed": allowed}
        ) from None


EMAIL_LENGTH = Agency._meta.get_field("official_email").max_length


def official_email(value: object) -> str:
    value = cell_text(value)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise RowInvalid(
            _("“%(value)s” không phải là địa chỉ thư điện tử hợp lệ.") % {"value": value}
        ) from None
    if len(value) > EMAIL_LENGTH:
        raise RowInvalid(_("dài quá %(max)s ký tự.") % {"max": EMAIL_LENGTH})
    return value


@dataclass(slots=True)
class AgencyRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    email: str
    pk: int | None = None


class AgencyImporter(Importer):
    kind = "agencies"
    label = gettext_lazy("Cơ quan")
    CODE, NAME, KIND, PARENT = "Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên"
    EMAIL = "Hộp thư công vụ"
    required = (CODE, NAME, KIND)
    optional = (PARENT, EMAIL)
    chunk_rows = None  # parents may come after their children
    example = ("SNV", "Sở Nội vụ", "Sở, ban, ngành", "UBNDT", "snv@tuyenquang.example.vn")

    def load_lookups(self) -> None:
        self.existing = {
            header_key(code): (pk, code, name, kind, parent_id, email)
            for pk, code, name, kind, parent_id, email in Agency.objects.values_list(
                "pk", "code", "name", "kind", "parent_id", "official_email"
            ).iterator(chunk_size=5000)
        }
        self.code_by_pk = {values[0]: values[1] for values in self.existing.values()}

    def columns(self) -> list[Column]:
        return [
            Column(self.CODE, text(max_length=CODE_LENGTH)),
            Column(self.NAME, text(max_length=NAME_LENGTH)),
            Column(self.KIND, agency_kind, repeats=True),
            Column(self.PARENT, cell_text, repeats=True),
            Column(self.EMAIL, official_email),
        ]

    def build(self, row, values, errors):
        return AgencyRow(row, *values)

    def plan(self, records, errors):
        first_row: dict[str, int] = {}
        for record in records:
            key = header_key(record.code)
            if key in first_row:
                errors.append(
                    RowError(
                        record.row,
                        self.CODE,
                        _("mã “%(code)s” trùng với dòng %(first)s.")
                        % {"code": record.code, "first": first_row[key]},
                    )
                )
            first_row.setdefault(key, record.row)
        planned = []
        for record in records:
            parent_key = header_key(record.parent_code)
            if parent_key and parent_key == header_key(record.code):
                errors.append(
                    RowError(
                        record.row, self.PARENT, _("cơ quan không thể là cấp trên của chính nó.")
                    )
                )
            elif parent_key and parent_key not in first_row and parent_key not in self.existing:
                errors.append(
                    RowError(
                        record.row,
                        self.PARENT,
                        _("không có cơ quan nào có mã “%(code)s”.") % {"code": record.parent_code},
                    )
                )
            stored = self.existing.get(header_key(record.code))
            if stored is None:
                planned.append((record, NEW))
                continue
            record.pk = stored[0]
            stored_parent = self.code_by_pk.get(stored[4], "")
            if self.PARENT not in self.present:  # leave stored parents alone
                record.parent_code = stored_parent
                parent_key = header_key(stored_parent)
            if self.EMAIL not in self.present:
                record.email = stored[5]
            same = (
                stored[2] == record.name
                and stored[3] == record.kind
                and header_key(stored_parent) == parent_key
                and stored[5] == record.email
            )
            planned.append((record, UNCHANGED if same else UPDATE))
        self.check_cycles(records, errors)
        return planned

    def check_cycles(self, records: list[AgencyRow], errors: list[RowError]) -> None:
        """Refuse parents that lead back to where they started (A under B, B
        under A), through the file's rows and the parents already stored."""
        parent = {
            key: header_key(self.code_by_pk.get(values[4], ""))
            for key, values in self.existing.items()
        }
        row_of: dict[str, int] = {}
        code_of = {key: values[1] for key, values in self.existing.items()}
        for record in records:  # what the file says wins over what is stored
            key = header_key(record.code)
            parent[key] = header_key(record.parent_code)
            row_of.setdefault(key, record.row)
            code_of[key] = record.code
        # Each walk marks what it visits: every agency is walked once.
        done: set[str] = set()
        for record in records:
            path: list[str] = []
            on_path: set[str] = set()
            key = header_key(record.code)
            while key and key not in done and key not in on_path:
                path.append(key)
                on_path.add(key)
                key = parent.get(key, "")
            done.update(path)
            if key not in on_path:
                continue
            cycle = path[path.index(key) :]
            # An agency under itself has its own message; a loop among stored
            # agencies alone is not this file's doing.
            if len(cycle) > 1 and any(k in row_of for k in cycle):
                errors.append(self.cycle_error(cycle, code_of, row_of))

    def cycle_error(
        self, cycle: list[str], code_of: dict[str, str], row_of: dict[str, int]
    ) -> RowError:
        first = min((k for k in cycle if k in row_of), key=row_of.__getitem__)
        start = cycle.index(first)
        cycle = cycle[start:] + cycle[:start]
        steps = [
            _("%(code)s (dòng %(row)s)") % {"code": code_of[k], "row": row_of[k]}
            if k in row_of
            else _("%(code)s (cấp trên đã lưu)") % {"code": code_of[k]}
            for k in cycle
        ]
        return RowError(
            row_of[first],
            self.PARENT,
            _("cơ quan cấp trên tạo thành vòng lặp: %(cycle)s → %(start)s; hãy sửa cấp trên.")
            % {"cycle": " → ".join(steps), "start": code_of[first]},
        )

    def write(self, planned):
        new = [record for record, action in planned if action == NEW]
        created = Agency.objects.bulk_create(
            [
                Agency(
                    code=r.code,
                    name=r.name,
                    sort_key=vietnamese_sort_key(r.name),
                    kind=r.kind,
                    official_email=r.email,
                )
                for r in new
            ],
            batch_size=2000,
        )
        for record, agency in zip(new, created, strict=True):
            record.pk = agency.pk
        pk_by_code = {key: values[0] for key, values in self.existing.items()}
        pk_by_code |= {header_key(r.code): r.pk for r, _action in planned}
        changed = [
            Agency(
                pk=r.pk,
                name=r.name,
                sort_key=vietnamese_sort_key(r.name),
                kind=r.kind,
                parent_id=pk_by_code.get(header_key(r.parent_code)),
                official_email=r.email,
            )
            for r, action in planned
            if action == UPDATE or (action == NEW and r.parent_code)
        ]
        Agency.objects.bulk_update(
            changed, ["name", "sort_key", "kind", "parent", "official_email"], batch_size=1000
        )

    def sample_values(self, record):
        kind = str(AgencyKind(record.kind).label)
        return [record.code, record.name, kind, record.parent_code, record.email]
