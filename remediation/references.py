"""What a person types in a filter for a directing document, an inspection
or an agency, read as its id: past ``widgets.MAX_SELECT_OPTIONS`` such a
list is a plain input, and nobody knows an id by heart."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from agencies.models import Agency, vietnamese_sort_key
from directives.docnumbers import parse_document_number
from directives.models import Directive
from reform_tracker.imports.workbook import cell_date

from .importers.lookups import SYMBOL_WITH_DATE
from .models import Inspection

NAMED = 5  # the matches an ambiguity lists


def directive_id(text: str) -> int:
    """A document by its number ("57/TB-UBND"), and its date where the
    number was used in several years ("57/TB-UBND ngày 18/06/2019")."""
    number, day = text, None
    if match := SYMBOL_WITH_DATE.match(text):
        number = match["symbol"]
        try:
            day = cell_date(match["date"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
    try:
        symbol = str(parse_document_number(number))
    except ValidationError:
        symbol = number
    matches = Directive.objects.filter(symbol=symbol)
    if day:
        matches = matches.filter(issue_date=day)
    found = list(matches.order_by("issue_date").values_list("pk", "issue_date")[: NAMED + 1])
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise ValidationError(_("Không có văn bản chỉ đạo số “%(text)s”.") % {"text": text})
    dates = ", ".join(issued.strftime("%d/%m/%Y") for _pk, issued in found[:NAMED])
    raise ValidationError(
        _(
            "Có nhiều văn bản số “%(symbol)s” (ban hành %(dates)s): ghi kèm ngày, "
            "ví dụ “%(symbol)s ngày %(example)s”."
        )
        % {"symbol": symbol, "dates": dates, "example": found[0][1].strftime("%d/%m/%Y")}
    )


def inspection_id(text: str) -> int:
    """An inspection by its name (unique), in any case."""
    found = list(Inspection.objects.filter(name__iexact=text).values_list("pk", flat=True)[:2])
    if not found and connection.vendor == "sqlite":  # its iexact folds ASCII letters only
        folded = text.casefold()
        names = Inspection.objects.values_list("pk", "name")
        found = [pk for pk, name in names if name.casefold() == folded]
    if len(found) == 1:
        return found[0]
    raise ValidationError(_("Không có đợt kiểm tra “%(text)s”.") % {"text": text})


def agency_id(text: str) -> int:
    """An agency by its code, else by its name: a name several agencies
    share is refused with their codes."""
    by_code = list(Agency.objects.filter(code__iexact=text).values_list("pk", flat=True)[:2])
    if len(by_code) == 1:
        return by_code[0]
    # By the name's sort key: case and Unicode form ignored, from an index.
    named = Agency.objects.filter(sort_key=vietnamese_sort_key(text))
    found = list(named.order_by("code").values_list("pk", "code")[: NAMED + 1])
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise ValidationError(_("Không có cơ quan “%(text)s”.") % {"text": text})
    codes = ", ".join(code for _pk, code in found[:NAMED])
    raise ValidationError(
        _("Có nhiều cơ quan tên “%(text)s” (mã %(codes)s): hãy ghi mã cơ quan.")
        % {"text": text, "codes": codes}
    )
