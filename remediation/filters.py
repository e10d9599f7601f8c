"""The task list's filters, as GET parameters.

The dashboard links every number to the task list with these same
parameters, so a count and the list behind it cannot disagree: both filter
through ``TaskFilterForm.apply``.

| parameter   | meaning                                                         |
|-------------|-----------------------------------------------------------------|
| trang_thai  | status (``TaskStatus`` value); repeatable                       |
| thoi_han    | deadline class (``DeadlineState`` value) or ``chua_hoan_thanh`` |
|             | / ``hoan_thanh``                                                |
| van_ban     | directive id (the task's directive or its finding's), or its    |
|             | number ("57/TB-UBND", "57/TB-UBND ngày 18/06/2019")              |
| dot         | inspection id, or its name                                      |
| linh_vuc    | reform area id                                                  |
| tieu_chi    | criterion id                                                    |
| co_quan     | lead agency id, or its code or name                             |
| cap         | lead agency's kind (``AgencyKind`` value)                        |
| tu_ngay     | effective due date on or after (dd/mm/yyyy)                     |
| den_ngay    | effective due date on or before (dd/mm/yyyy)                    |
| ngay        | as-of date for deadline classes (dd/mm/yyyy); default today     |
| hoan_thanh_tu, hoan_thanh_den | completed (by the as-of date) on or after /   |
|             | on or before (dd/mm/yyyy): the dashboard's trend links          |
| q           | search: the start of a finding's code, or a task's title or its |
|             | finding's text holding it, case and tone marks ignored         |
|             | (``search``); a word of 3 letters or digits at least            |
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import AgencyKind

from . import references
from .deadlines import (
    NOT_COMPLETED_IN_TIME,
    DeadlineState,
    completed_between_q,
    completed_q,
    deadline_q,
    not_completed_q,
)
from .models import Finding, RemediationTask
from .search import search_key
from .workflow import TaskStatus

NOT_COMPLETED = "chua_hoan_thanh"
COMPLETED = "hoan_thanh"
NOT_COMPLETED_WITHIN = "trong_han"
DEADLINE_CHOICES = [
    ("", _("Tất cả")),
    *DeadlineState.choices,
    (NOT_COMPLETED_WITHIN, _("Chưa hoàn thành, trong hạn")),
    (NOT_COMPLETED, _("Chưa hoàn thành")),
    (COMPLETED, _("Đã hoàn thành")),
]


# The days a filter may name. The page computes from the as-of date (three
# days after it for "due soon", the twelve months before it for the trend)
# and from a period's ends: Python's dates end at year 9999 and start at 1.
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)
# Ids are 64-bit in PostgreSQL: a larger number is no id, not a database error.
LAST_ID = 2**63 - 1


def _plausible_day(value: datetime.date) -> None:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            _("Ngày %(day)s nằm ngoài khoảng %(first)s – %(last)s."),
            code="out_of_range",
            params={
                "day": value.strftime("%d/%m/%Y"),
                "first": FIRST_DAY.strftime("%d/%m/%Y"),
                "last": LAST_DAY.strftime("%d/%m/%Y"),
            },
        )


class DayField(forms.DateField):
    default_validators = [_plausible_day]

    def to_python(self, value):
        if isinstance(value, str):
            # Full-width digits and slashes (typed with an East Asian input
            # method) read as the ASCII ones.
            value = unicodedata.normalize("NFKC", value)
        return super().to_python(value)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=LAST_ID, required=False, **kwargs)


class ReferenceField(IdField):
    """An id, or what a person types for it, read by ``find`` (a document's
    number, an inspection's name, an agency's code or name): a list longer
    than ``widgets.MAX_SELECT_OPTIONS`` is a plain input."""

    widget = forms.TextInput

    def __init__(self, *, find, hint, **kwargs):
        super().__init__(**kwargs)
        self.find = find
        self.widget.attrs["placeholder"] = hint

    def to_python(self, value):
        text = " ".join(unicodedata.normalize("NFC", str(value or "")).split())
        if not text or (text.isascii() and text.isdigit()):
            return super().to_python(text)
        if len(text) > 255:  # longer than any name or number stored
            raise ValidationError(_("Giá trị quá dài."), code="max_length")
        return self.find(text)


class SearchField(forms.CharField):
    """The text to look for, as its ``search_key``: with a word of three
    letters or digits at least, which trigram indexes can look up (a
    shorter term would make PostgreSQL read the whole index)."""

    def to_python(self, value):
        key = search_key(super().to_python(value))
        if key and not searchable(key):
            raise ValidationError(
                _("Nhập ít nhất 3 chữ hoặc số liền nhau để tìm kiếm."), code="too_short"
            )
        return key


_SEARCHABLE = re.compile(r"[^\W_]{3}")
# Up to this many findings matched are handed to the task query as ids, which
# PostgreSQL reads from the task's finding index (a rare term: a few rows
# from two indexes); more, and they stay a subquery (a common term: one
# pass over the tasks, as cheap as it gets for every task matched).
SEARCH_FINDING_IDS = 5000
# A scope of at most this many tasks is searched by testing its rows
# (``search_q``): a district's 1,700 in 45 ms, where the indexes took 300; a
# monitoring department's 125,000 took 1.1 s so, 250 ms through the indexes.
SEARCH_SCAN_UP_TO = 20_000


def ids_or_subquery(rows: QuerySet) -> list[int] | QuerySet:
    """``rows``' ids as a list, which PostgreSQL reads the other table's
    rows for from an index, if there are at most ``SEARCH_FINDING_IDS``;
    else a subquery (one pass over the other table)."""
    ids = list(rows.order_by().values_list("pk", flat=True)[: SEARCH_FINDING_IDS + 1])
    return ids if len(ids) <= SEARCH_FINDING_IDS else rows.values("pk")


def searchable(key: str) -> bool:
    """Whether ``key`` has a word that trigram indexes can look up."""
    return bool(_SEARCHABLE.search(key))


def search_q(key: str, *, province: bool = True) -> Q:
    """Tasks whose finding's code starts with ``key``, or whose title or
    finding's text holds it where it is ``searchable`` (``search_key`` of
    each, any case).

    Over the ``province``, each table is read from its own index: an OR
    through a join would test every task, and a UNION of ids cost a common
    term (a million tasks) 3 s. Within a scope (a district's 1,700 tasks)
    the scope's rows are tested instead: a trigram index reads a list of
    every task for each common trigram (a phrase of five common words:
    140 ms), and PostgreSQL underrates that cost."""
    text = searchable(key)
    if not province:
        # ``icontains`` (UPPER … LIKE) is what no index serves.
        found = Q(finding__code__istartswith=key)
        if text:
            found |= Q(title_key__icontains=key) | Q(finding__description_key__icontains=key)
        return found
    findings = Finding.objects.filter(
        Q(code__istartswith=key) | (Q(description_key__contains=key) if text else Q())
    )
    found = Q(finding__in=ids_or_subquery(findings))
    return found | Q(title_key__contains=key) if text else found


class TaskFilterForm(forms.Form):
    trang_thai = forms.MultipleChoiceField(
        label=_("Trạng thái"), choices=TaskStatus.choices, required=False
    )
    thoi_han = forms.ChoiceField(label=_("Thời hạn"), choices=DEADLINE_CHOICES, required=False)
    van_ban = ReferenceField(
        label=_("Văn bản chỉ đạo"), find=references.directive_id, hint=_("Số, ví dụ 57/TB-UBND")
    )
    dot = ReferenceField(
        label=_("Đợt kiểm tra"), find=references.inspection_id, hint=_("Tên đợt kiểm tra")
    )
    linh_vuc = IdField(label=_("Lĩnh vực"))
    tieu_chi = IdField(label=_("Tiêu chí"))
    co_quan = ReferenceField(
        label=_("Cơ quan chủ trì"), find=references.agency_id, hint=_("Mã hoặc tên cơ quan")
    )
    cap = forms.ChoiceField(
        label=_("Cấp"), choices=[("", _("Tất cả")), *AgencyKind.choices], required=False
    )
    tu_ngay = DayField(label=_("Hạn từ ngày"), required=False)
    den_ngay = DayField(label=_("Hạn đến ngày"), required=False)
    ngay = DayField(label=_("Tính đến ngày"), required=False)
    hoan_thanh_tu = DayField(label=_("Hoàn thành từ ngày"), required=False)
    hoan_thanh_den = DayField(label=_("Hoàn thành đến ngày"), required=False)
    q = SearchField(label=_("Tìm kiếm"), required=False, max_length=100)

    def as_of(self) -> datetime.date:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("ngay") or timezone.localdate()

    def apply(
        self, tasks: QuerySet[RemediationTask], *, whole_province: bool = False
    ) -> QuerySet[RemediationTask]:
        """``tasks`` narrowed by the valid filters (invalid ones are ignored
        and shown as errors by the page). ``whole_province``: ``tasks`` may
        be any of the province's; else a search counts them first
        (``_search``)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        today = self.as_of()
        if data.get("trang_thai"):
            tasks = tasks.filter(status__in=data["trang_thai"])
        deadline = data.get("thoi_han")
        if deadline in DeadlineState.values:
            tasks = tasks.filter(deadline_q(deadline, today))
        elif deadline == NOT_COMPLETED_WITHIN:
            tasks = tasks.filter(
                deadline_q(NOT_COMPLETED_IN_TIME[0], today)
                | deadline_q(NOT_COMPLETED_IN_TIME[1], today)
            )
        elif deadline == COMPLETED:
            tasks = tasks.filter(completed_q(today))
        elif deadline == NOT_COMPLETED:
            tasks = tasks.filter(not_completed_q(today))
        if data.get("van_ban"):
            directive = data["van_ban"]
            tasks = tasks.filter(
                Q(directive_id=directive) | Q(finding_source_directive_id=directive)
            )
        if data.get("dot"):
            tasks = tasks.filter(finding_inspection_id=data["dot"])
        if data.get("linh_vuc"):
            tasks = tasks.filter(finding_area_id=data["linh_vuc"])
        if data.get("tieu_chi"):
            tasks = tasks.filter(finding_criterion_id=data["tieu_chi"])
        if data.get("co_quan"):
            tasks = tasks.filter(lead_agency_id=data["co_quan"])
        if data.get("cap"):
            tasks = tasks.filter(lead_agency__kind=data["cap"])
        if data.get("tu_ngay"):
            tasks = tasks.filter(effective_due_date__gte=data["tu_ngay"])
        if data.get("den_ngay"):
            tasks = tasks.filter(effective_due_date__lte=data["den_ngay"])
        if data.get("hoan_thanh_tu") or data.get("hoan_thanh_den"):
            # Completed as of the as-of date, like the deadline classes.
            last = min(data.get("hoan_thanh_den") or today, today)
            tasks = tasks.filter(completed_between_q(data.get("hoan_thanh_tu"), last))
        if data.get("q"):
            tasks = tasks.filter(self._search(data["q"], tasks, whole_province))
        return tasks

    def _search(self, key: str, tasks: QuerySet, whole_province: bool) -> Q:
        """``search_q`` over the province's indexes, or testing ``tasks``
        where they are at most ``SEARCH_SCAN_UP_TO`` (a count from an index);
        each kind built once per form (a scope's parts are each filtered)."""
        province = whole_province or tasks.order_by().count() > SEARCH_SCAN_UP_TO
        searches = self.__dict__.setdefault("_searches", {})
        if province not in searches:
            searches[province] = search_q(key, province=province)
        return searches[province]
