from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from agencies.models import Criterion, ReformArea
from directives.models import Directive

from ..filters import TaskFilterForm
from ..models import Inspection
from ..widgets import QuickSelect, capped
from .figures import DimensionNames

# The task list's filters that narrow the dashboard. The deadline class,
# status and completion dates are what the dashboard's figures split by, so
# they are never taken from its URL.
DASHBOARD_FIELDS = ["tu_ngay", "den_ngay", "dot", "van_ban", "linh_vuc", "tieu_chi", "cap", "ngay"]


class DashboardFilterForm(TaskFilterForm):
    """The task list's filter form with the dashboard's fields only, as
    drop-down lists: the same parameters, the same ``apply``."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in DASHBOARD_FIELDS:
                del self.fields[name]
        self.fields["tu_ngay"].label = _("Kỳ: hạn từ ngày")
        self.fields["den_ngay"].label = _("đến ngày")
        everything = [("", _("Tất cả"))]
        # Read as values, and at most ``MAX_SELECT_OPTIONS`` of each: past
        # that a list stays a plain input and its names are read for the
        # breakdowns' rows instead (national catalogues hold thousands).
        directives = capped(Directive.objects.values_list("pk", "symbol", "title"))
        criteria = capped(
            Criterion.objects.order_by("-year", "area__order", "code").values_list(
                "pk", "year", "code", "name"
            )
        )
        inspections = capped(Inspection.objects.order_by("-year", "name").values_list("pk", "name"))
        areas = list(ReformArea.objects.values_list("pk", "name"))
        choices = {
            "dot": inspections,
            "van_ban": directives
            and [(pk, f"{symbol} – {title[:80]}") for pk, symbol, title in directives],
            "linh_vuc": areas,
            "tieu_chi": criteria
            and [(pk, f"{year} · {code}. {name[:80]}") for pk, year, code, name in criteria],
        }
        # The breakdowns' names, from the same rows (no query of their own).
        self.names = DimensionNames(
            areas=dict(areas),
            area_order=[pk for pk, _name in areas],
            criteria=criteria and {pk: f"{code}. {name}" for pk, _year, code, name in criteria},
            directives=directives and {pk: symbol for pk, symbol, _title in directives},
            inspections=inspections and dict(inspections),
        )
        for name, options in choices.items():
            if options is not None:
                self.fields[name].widget = QuickSelect(choices=everything + options)
        for name in ("tu_ngay", "den_ngay", "ngay"):
            self.fields[name].widget.attrs.update({"placeholder": "dd/mm/yyyy", "size": 10})
        self.fields["cap"].widget = QuickSelect(choices=self.fields["cap"].choices)

    def active(self) -> dict[str, Any]:
        """The valid, non-empty filters (as-of date excluded), as ``apply``
        uses them: an invalid field is ignored, not the whole form."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", []) and k != "ngay"}

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        data = self.active()
        return data.get("tu_ngay"), data.get("den_ngay")
