"""What findings rows are matched against: directives by number, and the
stored findings by code."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

from django.db import connection
from django.utils.translation import gettext as _

from directives.importers import document_number
from directives.models import Directive
from reform_tracker.imports.engine import RowInvalid
from reform_tracker.imports.workbook import cell_date

SYMBOL_WITH_DATE = re.compile(r"^(?P<symbol>\S+)\s+ngày\s+(?P<date>.+)$", re.IGNORECASE)


def code_queries(select: str, codes: list[str]):
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
        if match := SYMBOL_WITH_DATE.match(value):
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
