"""Vietnamese document numbers (số, ký hiệu văn bản), Decree 30/2020.

Forms:
- normative documents: ``number/year/TYPE-ISSUER`` (45/2016/QĐ-TTg)
- administrative documents: ``number/TYPE-ISSUER`` (57/TB-UBND)
- official letters (công văn): ``number/ISSUER-UNIT`` with no type code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Type codes of Decree 30/2020 plus those of legal normative documents.
TYPE_CODES = (
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA",
    "BC", "BB", "TTr", "HĐ", "CĐ", "GM", "GGT", "GUQ", "PG", "PC", "PB", "GNP", "GĐ",
    "GXN", "GCN",
    "NĐ", "TT", "TTLT", "NQLT", "L", "PL", "QĐLT",
)  # fmt: skip
OFFICIAL_LETTER = "CV"
_CANONICAL = {code.upper(): code for code in TYPE_CODES}

# Legacy fonts and keyboards type the look-alike Ð (U+00D0, eth) for Đ (U+0110).
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "–": "-", "—": "-"})
_PATTERN = re.compile(
    r"^(?P<number>\d{1,6})/(?:(?P<year>\d{4})/)?(?P<left>[^\W\d_]{1,6})-(?P<right>[\w.\-]+)$"
)


@dataclass(frozen=True)
class DocumentNumber:
    number: int
    year: int | None
    type_code: str
    issuer: str

    def __str__(self) -> str:
        year = f"{self.year}/" if self.year else ""
        if self.type_code == OFFICIAL_LETTER:
            return f"{self.number}/{year}{self.issuer}"
        return f"{self.number}/{year}{self.type_code}-{self.issuer}"


def clean_symbol(raw: str) -> str:
    text = unicodedata.normalize("NFC", str(raw or "")).translate(_LOOKALIKES)
    return re.sub(r"\s+", "", text)


def parse_document_number(raw: str) -> DocumentNumber:
    """Parse ``raw`` or raise ValidationError with a Vietnamese message."""
    text = clean_symbol(raw)
    match = _PATTERN.match(text)
    if not match:
        raise ValidationError(
            _(
                "Số ký hiệu “%(value)s” không đúng dạng số/KÝ HIỆU-CƠ QUAN "
                "(ví dụ 57/TB-UBND) hoặc số/năm/KÝ HIỆU-CƠ QUAN (ví dụ 45/2016/QĐ-TTg)."
            )
            % {"value": raw},
            code="invalid_document_number",
        )
    number = int(match["number"])
    if number == 0:
        raise ValidationError(
            _("Số ký hiệu “%(value)s”: số văn bản phải lớn hơn 0.") % {"value": raw},
            code="invalid_document_number",
        )
    year = int(match["year"]) if match["year"] else None
    if year is not None and not 1945 <= year <= 2100:
        raise ValidationError(
            _("Số ký hiệu “%(value)s”: năm %(year)s không hợp lệ.") % {"value": raw, "year": year},
            code="invalid_document_number",
        )
    left, right = match["left"], match["right"]
    type_code = _CANONICAL.get(left.upper())
    if type_code is None:
        if year is not None:
            raise ValidationError(
                _("Số ký hiệu “%(value)s”: “%(code)s” không phải là ký hiệu loại văn bản.")
                % {"value": raw, "code": left},
                code="unknown_document_type",
            )
        # Công văn: number/ISSUER-UNIT, the whole tail names the issuer.
        return DocumentNumber(number, None, OFFICIAL_LETTER, f"{left.upper()}-{right.upper()}")
    if right.strip("-.") != right:
        raise ValidationError(
            _("Số ký hiệu “%(value)s”: thiếu tên cơ quan ban hành.") % {"value": raw},
            code="invalid_document_number",
        )
    return DocumentNumber(number, year, type_code, _canonical_issuer(right))


# Issuer abbreviations are written in capitals, but for a few fixed mixed forms.
_MIXED_CASE_ISSUERS = {"TTG": "TTg"}


def _canonical_issuer(issuer: str) -> str:
    return "-".join(_MIXED_CASE_ISSUERS.get(part, part) for part in issuer.upper().split("-"))
