"""What every text cell an importer reads must pass, and the bounded list
of errors an import keeps."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .engine import RowError

# Errors kept (the first by row) and stored; the rest are only counted, so a
# file of a million bad rows neither fills memory nor a job's preview.
MAX_STORED_ERRORS = 1000
MAX_MESSAGE_LENGTH = 500
MAX_SAMPLE_TEXT = 200
EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
# Control characters (Unicode Cc) other than tab, line feed and carriage
# return: PostgreSQL refuses NUL, and openpyxl cannot write the rest to .xlsx.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RowInvalid(Exception):
    """Raised by a converter; the engine records it against the cell."""


class ErrorLog(list):
    """The errors of one run: the first MAX_STORED_ERRORS by row, and a count
    of the others. Reader and writer threads both append."""

    def __init__(self, items=()):
        super().__init__(items)
        self.omitted = 0
        self._lock = threading.Lock()

    def append(self, error: RowError) -> None:
        if len(error.message) > MAX_MESSAGE_LENGTH:
            error.message = error.message[:MAX_MESSAGE_LENGTH] + "…"
        with self._lock:
            super().append(error)
            if len(self) >= 2 * MAX_STORED_ERRORS:
                self._trim()

    def finish(self) -> None:
        with self._lock:
            self._trim()

    def _trim(self) -> None:
        self.sort(key=lambda error: error.row or 0)  # stable: a row's cells stay in order
        self.omitted += max(len(self) - MAX_STORED_ERRORS, 0)
        del self[MAX_STORED_ERRORS:]


def checked(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` behind the checks every text cell passes: Excel's length
    limit, and no control characters (which may arrive as _x001B_ escapes)."""

    def check(value: Any) -> Any:
        if value.__class__ is str:
            if len(value) > EXCEL_CELL_LIMIT:
                raise RowInvalid(
                    _("dài %(length)s ký tự, vượt quá giới hạn %(limit)s ký tự của một ô Excel.")
                    % {"length": len(value), "limit": EXCEL_CELL_LIMIT}
                )
            if match := CONTROL_CHARACTERS.search(value):
                raise RowInvalid(
                    _(
                        "chứa ký tự điều khiển không được phép (mã %(code)s, ở ký tự thứ "
                        "%(position)s); hãy xoá ký tự này."
                    )
                    % {"code": f"U+{ord(match[0]):04X}", "position": match.start() + 1}
                )
        return convert(value)

    return check
