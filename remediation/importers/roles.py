"""Which agency a finding and its task get from a row, given when agencies
existed and which took over from which (the 2025 mergers and abolitions).

A finding is history: it keeps the agency inspected, which must have existed
in the inspection's year. A task is current work: while open, an agency that
no longer exists stands for its successor, as tasks_transfer_to_successor
decided; a completed task keeps the agency it had.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.importers import AgencyTimeline
from reform_tracker.imports.engine import RowInvalid


def _day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


class AgencyRoles:
    def __init__(self) -> None:
        self.timeline = AgencyTimeline()
        self.today = timezone.localdate()

    def check_inspected(self, pk: int, year: int) -> None:
        """Refuse an inspected agency that did not exist in the inspection's
        year (an inspection has a year, not a date)."""
        timeline = self.timeline
        if pk not in timeline.ranges:  # most agencies: always in force
            return
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if timeline.valid_during(pk, first, last):
            return
        start, end = timeline.ranges[pk]
        params = {"agency": timeline.label(pk), "year": year}
        if start and start > last:
            raise RowInvalid(
                _(
                    "cơ quan “%(agency)s” hoạt động từ ngày %(date)s, sau năm %(year)s của đợt kiểm tra."
                )
                % {**params, "date": _day(start)}
            )
        params["date"] = _day(end)
        if successors := timeline.standing_for(pk, last):
            raise RowInvalid(
                _(
                    "cơ quan “%(agency)s” chỉ hoạt động đến ngày %(date)s, trước năm %(year)s của "
                    "đợt kiểm tra; cơ quan kế thừa: %(successors)s. Hãy ghi mã cơ quan kế thừa."
                )
                % {**params, "successors": timeline.labels_of(successors)}
            )
        raise RowInvalid(
            _(
                "cơ quan “%(agency)s” chỉ hoạt động đến ngày %(date)s, trước năm %(year)s của "
                "đợt kiểm tra, và không có cơ quan kế thừa."
            )
            % params
        )

    def for_task(self, wanted: int, *, stored: int | None = None, is_open: bool = True) -> int:
        """The agency a task's role (lead or monitor) gets when the file names
        ``wanted``.

        A re-import never moves a task back across a succession: a stored
        agency that is ``wanted`` or one of its successors stays. Nor does it
        move a completed task forward (its agencies are history), though an
        open one follows a file that names the successor of its agency.
        """
        timeline = self.timeline
        if timeline.plain(wanted) and (stored is None or timeline.plain(stored)):
            return wanted  # most agencies: always in force, no succession either way
        if stored is not None and stored in timeline.lineage(wanted):
            return stored
        if stored is not None and not is_open and wanted in timeline.lineage(stored):
            return stored
        if not is_open or timeline.valid_on(wanted, self.today):
            return wanted
        current = timeline.standing_for(wanted, self.today)
        if len(current) == 1:
            return current[0]
        start, end = timeline.ranges[wanted]
        if start and start > self.today:
            state = _("chưa hoạt động (từ ngày %(date)s)") % {"date": _day(start)}
        else:
            state = _("không còn hoạt động (đến ngày %(date)s)") % {"date": _day(end)}
        params = {"agency": timeline.label(wanted), "state": state}
        if current:
            raise RowInvalid(
                _(
                    "cơ quan “%(agency)s” %(state)s; công việc đã chuyển cho nhiều cơ quan "
                    "(%(successors)s): hãy ghi mã cơ quan nhận nhiệm vụ này."
                )
                % {**params, "successors": timeline.labels_of(current)}
            )
        raise RowInvalid(
            _("cơ quan “%(agency)s” %(state)s và không có cơ quan kế thừa: hãy ghi cơ quan khác.")
            % params
        )
