"""Wording of formal documents (Decree 30/2020)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _


def formal_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2020": days under 10 and the months January and
    February take a leading zero, no other month does ("tháng 3")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def place_date_line(place: str, day: datetime.date) -> str:
    """ "Tuyên Quang, ngày 01 tháng 12 năm 2019"."""
    return f"{place}, {formal_date(day)}"


def percent(value: Decimal | None, separator: str = ",") -> str:
    """ "85,7" (a ``Counts.rate_shown``; Vietnamese decimal comma unless told);
    "–" when there is nothing to rate."""
    return "–" if value is None else str(value).replace(".", separator)
