"""Admin list filters that stay small with national catalogues, and the
search boxes that read their indexes."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agencies.models import Agency, normalize_text

from .. import widgets
from ..filters import ids_or_subquery
from ..search import search_key


class CappedRelatedFilter(admin.RelatedFieldListFilter):
    """A related filter listing at most ``widgets.MAX_SELECT_OPTIONS``
    choices, in the related admin's order, and the one chosen. The stock
    filter lists every row: with 12,000 agencies and 5,000 inspections a
    changelist's sidebar was 1.2 MB and half a second, and its "show counts"
    a COUNT per row. Past the cap, the search box or the URL
    (``…__id__exact=``) narrows to any other. ``limit_to``: only related
    rows matching these lookups are offered."""

    limit_to: dict | None = None

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        related = model._default_manager.all()
        if self.limit_to:
            related = related.filter(**self.limit_to).distinct()
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        shown = list(related[: widgets.MAX_SELECT_OPTIONS])
        listed = {str(obj.pk) for obj in shown}
        chosen = [pk for pk in self.lookup_val or [] if pk.isdigit() and pk not in listed]
        if chosen:
            shown += list(model._default_manager.filter(pk__in=chosen))
        return [(obj.pk, str(obj)) for obj in shown]


class MonitoringAgencyFilter(CappedRelatedFilter):
    """The agencies that monitor a reform area: the ones an import makes a
    task's monitor."""

    limit_to = {"monitored_areas__isnull": False}


class YearFilter(admin.SimpleListFilter):
    """The years from the first to the last ``field`` of the admin's rows:
    two index reads, where the date hierarchy it replaces grouped every row
    by year (150 ms a page at 1,000,000 tasks). Subclasses name the field."""

    field: str

    def lookups(self, request, model_admin):
        span = model_admin.get_queryset(request).aggregate(
            first=Min(self.field), last=Max(self.field)
        )
        if span["first"] is None:
            return []
        first, last = (_local_year(span[end]) for end in ("first", "last"))
        return [(str(year), str(year)) for year in range(last, first - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.field}__year": int(value)})
        return queryset


def _local_year(value: datetime.date | datetime.datetime) -> int:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).year
    return value.year


class DueYearFilter(YearFilter):
    title = gettext_lazy("năm của hạn báo cáo")
    parameter_name = "nam_han"
    field = "due_date"


class EventYearFilter(YearFilter):
    title = gettext_lazy("năm")
    parameter_name = "nam"
    field = "created_at"


class KeySearchMixin:
    """The search box by the task list's rule (``search``): case and tone
    marks ignored, each table read from its own index, where Django's
    ``search_fields`` test every row through joins (a million tasks took
    seconds). ``search_filter`` says what matches; an agency (``agency_field``)
    matches by its code or by a part of its name."""

    agency_field = ""
    search_help_text = gettext_lazy(
        "Mã tồn tại (phần đầu), nội dung không cần dấu, hoặc mã, tên cơ quan."
    )

    def search_filter(self, key: str) -> Q:
        """What matches ``key`` (``search_key``)."""
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        key = search_key(search_term)
        if not key:
            return queryset, False
        name = normalize_text(search_term)
        agencies = Agency.objects.filter(Q(code__iexact=name) | Q(name__icontains=name))
        # Ids, not a subquery: an OR with a subquery made PostgreSQL test
        # every task in the list's order (0.5 s for a rare term).
        agencies = ids_or_subquery(agencies)
        matches = self.search_filter(key) | Q(**{f"{self.agency_field}__in": agencies})
        return queryset.filter(matches), False
