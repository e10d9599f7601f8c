"""The --as-of option of the commands (reminders, report cycles, the
province synthesis), read as the dashboard reads its as-of date."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from remediation.filters import DayField


def add_as_of(parser, *, help: str | None = None) -> None:
    parser.add_argument(
        "--as-of",
        metavar="DD/MM/YYYY",
        help=help or "Ngày chạy (mặc định: hôm nay, giờ Việt Nam).",
    )


def as_of_date(value: str | None) -> datetime.date:
    """Today (Asia/Ho_Chi_Minh) without a value; else the day ``DayField``
    reads, the field of the pages' dates (the same day-first forms and ISO,
    full-width digits, the same range), so that a command and a page never
    read one date two ways, and a date a page would ignore is refused."""
    if not value:
        return timezone.localdate()
    try:
        return DayField().clean(value)
    except ValidationError as error:
        message = _(
            "--as-of: “%(value)s” không phải là ngày hợp lệ; ghi theo dạng dd/mm/yyyy, "
            "ví dụ 29/11/2019."
        ) % {"value": value}
        reasons = [" ".join(e.messages) for e in error.error_list if e.code != "invalid"]
        raise CommandError(" ".join([message, *reasons])) from None
