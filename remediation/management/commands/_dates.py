"""The --as-of option shared by the reminder and report-cycle commands."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def add_as_of(parser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="DD/MM/YYYY",
        help="Ngày chạy (mặc định: hôm nay, giờ Việt Nam).",
    )


def as_of_date(value: str | None) -> datetime.date:
    if not value:
        return timezone.localdate()
    try:
        return datetime.datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007
    except ValueError:
        raise CommandError(
            f"--as-of: “{value}” không phải là ngày hợp lệ; ghi theo dạng dd/mm/yyyy, "
            "ví dụ 29/11/2019."
        ) from None
