"""Import of agencies from the `Cơ quan` workbook template."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

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

from .models import Agency, AgencyKind, ReformArea


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
    label = _("Cơ quan")
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
        return planned

    def write(self, planned):
        new = [record for record, action in planned if action == NEW]
        created = Agency.objects.bulk_create(
            [Agency(code=r.code, name=r.name, kind=r.kind, official_email=r.email) for r in new],
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
                kind=r.kind,
                parent_id=pk_by_code.get(header_key(r.parent_code)),
                official_email=r.email,
            )
            for r, action in planned
            if action == UPDATE or (action == NEW and r.parent_code)
        ]
        Agency.objects.bulk_update(
            changed, ["name", "kind", "parent", "official_email"], batch_size=1000
        )

    def sample_values(self, record):
        kind = str(AgencyKind(record.kind).label)
        return [record.code, record.name, kind, record.parent_code, record.email]
