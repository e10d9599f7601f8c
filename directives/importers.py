"""Import of directing documents from the `Văn bản chỉ đạo` workbook template."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from reform_tracker.imports.engine import (
    NEW,
    UNCHANGED,
    UPDATE,
    Column,
    Importer,
    RowError,
    RowInvalid,
    required_date,
    required_text,
    text,
)
from reform_tracker.imports.workbook import cell_text, header_key

from .docnumbers import DocumentNumber, parse_document_number
from .models import Directive

ISSUER_CODE_LENGTH = Directive._meta.get_field("issuer_code").max_length
ISSUER_LENGTH = Directive._meta.get_field("issuer_name").max_length
TITLE_LENGTH = Directive._meta.get_field("title").max_length


def document_number(value: str) -> DocumentNumber:
    try:
        parsed = parse_document_number(required_text(value))
    except ValidationError as error:
        raise RowInvalid(error.messages[0]) from None
    if len(parsed.issuer) > ISSUER_CODE_LENGTH:
        raise RowInvalid(
            _("ký hiệu cơ quan ban hành dài quá %(limit)s ký tự.") % {"limit": ISSUER_CODE_LENGTH}
        )
    return parsed


@dataclass(slots=True)
class DirectiveRow:
    row: int
    parsed: DocumentNumber
    issue_date: datetime.date
    issuer_name: str
    issuer_id: int | None
    title: str
    pk: int | None = None

    @property
    def key(self) -> tuple:
        p = self.parsed
        return (p.number, p.type_code, p.issuer, p.year or self.issue_date.year)


class DirectiveImporter(Importer):
    kind = "directives"
    label = pgettext_lazy("plural", "Văn bản chỉ đạo")
    SYMBOL, DATE, ISSUER, TITLE = "Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu"
    required = (SYMBOL, DATE, ISSUER, TITLE)
    chunk_rows = None  # small files; duplicates are found across the whole file
    # The 2019 letter's directive, as the demo stores it: importing the
    # template into the demo changes nothing.
    example = (
        "57/TB-UBND",
        datetime.date(2019, 6, 18),
        "UBND tỉnh Tuyên Quang",
        "Kết luận của Chủ tịch UBND tỉnh tại Hội nghị sơ kết công tác cải cách hành chính "
        "tỉnh Tuyên Quang giai đoạn 2016-2018",
    )

    def load_lookups(self) -> None:
        names: dict[str, list[int]] = defaultdict(list)
        for pk, name in Agency.objects.values_list("pk", "name").iterator(chunk_size=5000):
            names[header_key(name)].append(pk)
        # Linked only when the name is unique; the text is kept either way.
        self.issuer_by_name = {key: pks[0] for key, pks in names.items() if len(pks) == 1}

    def columns(self) -> list[Column]:
        return [
            Column(self.SYMBOL, lambda value: document_number(cell_text(value))),
            Column(self.DATE, required_date, repeats=True),
            Column(self.ISSUER, text(max_length=ISSUER_LENGTH), repeats=True),
            Column(self.TITLE, text(max_length=TITLE_LENGTH)),
        ]

    def build(self, row, values, errors):
        parsed, date, issuer, title = values
        if parsed.year and parsed.year != date.year:
            errors.append(
                RowError(
                    row,
                    self.DATE,
                    _("năm ban hành %(date_year)s khác năm %(year)s trong số ký hiệu.")
                    % {"date_year": date.year, "year": parsed.year},
                )
            )
            return None
        issuer_id = self.issuer_by_name.get(header_key(issuer))
        return DirectiveRow(row, parsed, date, issuer, issuer_id, title)

    def plan(self, records, errors):
        stored = {}
        years = {record.key[3] for record in records}
        for values in Directive.objects.filter(year__in=years).values_list(
            "pk", "number", "type_code", "issuer_code", "year", "issue_date", "issuer_name",
            "issuer_id", "title",
        ):  # fmt: skip
            stored[tuple(values[1:5])] = values
        first_row: dict[tuple, int] = {}
        planned = []
        for record in records:
            if record.key in first_row:
                errors.append(
                    RowError(
                        record.row,
                        self.SYMBOL,
                        _("văn bản “%(symbol)s” năm %(year)s trùng với dòng %(first)s.")
                        % {
                            "symbol": record.parsed,
                            "year": record.key[3],
                            "first": first_row[record.key],
                        },
                    )
                )
                continue
            first_row[record.key] = record.row
            current = stored.get(record.key)
            if current is None:
                planned.append((record, NEW))
                continue
            record.pk = current[0]
            same = current[5:] == (
                record.issue_date,
                record.issuer_name,
                record.issuer_id,
                record.title,
            )
            planned.append((record, UNCHANGED if same else UPDATE))
        return planned

    def directive(self, record: DirectiveRow) -> Directive:
        directive = Directive(
            pk=record.pk,
            issue_date=record.issue_date,
            issuer_name=record.issuer_name,
            issuer_id=record.issuer_id,
            title=record.title,
        )
        directive.apply_number(record.parsed)
        return directive

    def write(self, planned):
        Directive.objects.bulk_create(
            [self.directive(r) for r, action in planned if action == NEW], batch_size=2000
        )
        Directive.objects.bulk_update(
            [self.directive(r) for r, action in planned if action == UPDATE],
            ["issue_date", "issuer_name", "issuer", "title"],
            batch_size=1000,
        )

    def sample_values(self, record):
        return [str(record.parsed), record.issue_date, record.issuer_name, record.title]
