"""The dashboard page's context: every number with the task-list link that
shows exactly the tasks it counts."""

from __future__ import annotations

import heapq
from typing import Any
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..reports.formal import percent
from . import figures as computed  # its BREAKDOWN_ROWS, read when used
from .figures import Figures, NamedRow
from .forms import DashboardFilterForm
from .presentation import (
    SORTS,
    AgencyTable,
    Linker,
    TablePage,
    format_param,
    grouped,
    parse_sort,
    table_page,
)
from .reordered import table_lines, table_ranking
from .snapshot import kept_years

COLOURS = {
    "completed_on_time": "#15803d",
    "completed_late": "#65a30d",
    "within": "#1e40af",
    "overdue": "#b91c1c",
}


def _most_pressing(rows: list[NamedRow], counted: int | None) -> dict[str, Any]:
    """At most ``BREAKDOWN_ROWS`` of ``rows`` (of ``counted`` rows, where
    ``figures_compute`` kept only the most pressing), in their order; when
    there are more, the most pressing (``Counts.pressing``, then the name).
    The synthesis .xlsx holds every row."""
    counted = len(rows) if counted is None else counted
    if counted <= computed.BREAKDOWN_ROWS:
        return {"rows": rows, "count": counted, "cut": False}
    # As ``sorted(…)[:n]``, without sorting a national catalogue's 15,000.
    rows = heapq.nsmallest(
        computed.BREAKDOWN_ROWS, rows, key=lambda row: (*row.counts.pressing(), row.name)
    )
    return {"rows": rows, "count": counted, "cut": True}


def _named(linker: Linker, rows: list[NamedRow], param: str, child: str | None = None):
    return [
        {
            "row": row,
            "figure": linker.figures(row.counts, **{param: row.id}),
            "children": [
                {"row": sub, "figure": linker.figures(sub.counts, **{param: row.id, child: sub.id})}
                for sub in row.children
            ]
            if child
            else [],
        }
        for row in rows
    ]


def _breakdown(
    linker: Linker, rows: list[NamedRow], counted: int | None, param: str
) -> dict[str, Any]:
    shown = _most_pressing(rows, counted)
    return {**shown, "rows": _named(linker, shown["rows"], param)}


def _trend(linker: Linker, figures: Figures) -> list[dict[str, Any]]:
    return [
        {
            "label": month.start.strftime("%m/%Y"),
            "falling_due": month.falling_due,
            "due_url": linker.url(tu_ngay=month.start, den_ngay=month.end),
            "completed": month.completed,
            "completed_url": linker.url(hoan_thanh_tu=month.start, hoan_thanh_den=month.end),
        }
        for month in figures.trend
    ]


def _sort_links(params: dict[str, str], current: str | None) -> dict[str, str]:
    """Each column's dashboard URL: sorted by it, or reversed when it is the current sort."""
    key, descending = parse_sort(current)
    path = reverse("dashboard")
    links = {}
    for name in SORTS:
        value = f"-{name}" if name == key and not descending else name
        links[name] = f"{path}?{urlencode(sorted({**params, 'sap_xep': value}.items()))}"
    return links


def page_context(figures: Figures, form: DashboardFilterForm, *, page: TablePage) -> dict[str, Any]:
    # Computed once per snapshot (its links carry only the as-of date).
    kept = figures.kept
    linker = kept("linker", lambda: Linker({**form.active(), "ngay": figures.as_of}))
    filters = dict(linker.base)
    language = get_language()  # the group labels are translated
    table = figures.table
    if table is None:  # a snapshot: every agency's row, ordered once per sort
        lines = table_lines(figures, page.sort, language)
        table = table_page(lines, table_ranking(figures), page)
    pages = max(1, -(-table.count // page.per_page))
    number = table.first // page.per_page + 1
    # Links only for the page's rows: a national table has 12,000.
    groups = grouped(table.lines, figures.as_of)
    for group in groups:
        for line in group.lines:
            line.figure = linker.figures(line.row.counts, co_quan=line.row.id)
    sort = page.sort
    page_params = dict(filters, **({"sap_xep": sort} if sort else {}))
    # The sections that do not depend on the sort or the page, rendered once
    # per snapshot and language.
    fixed = kept(("fixed", language), lambda: _fixed_context(figures, table, linker))
    fixed_html = kept(
        ("fixed_html", language), lambda: render_to_string("dashboard/_fixed.html", fixed)
    )
    return {
        **fixed,
        "fixed_html": fixed_html,
        "form": form,
        "figures": figures,
        "as_of": figures.as_of,
        "groups": groups,
        "page_number": number,
        "pages": pages,
        "previous_page": _page_url(page_params, number - 1) if number > 1 else None,
        "next_page": _page_url(page_params, number + 1) if number < pages else None,
        "sort_links": _sort_links(filters, sort),
        "export_params": filters,
        "years": _year_links(filters),
    }


def _year_links(filters: dict[str, str]) -> list[dict[str, Any]]:
    """The current filters over each year the province keeps ready
    (``kept_years``): its figures answer at once when nothing else filters."""
    path = reverse("dashboard")
    links = []
    for first, last in kept_years(timezone.localdate()):
        period = {"tu_ngay": format_param(first), "den_ngay": format_param(last)}
        params = sorted({**filters, **period}.items())
        chosen = all(filters.get(k) == v for k, v in period.items())
        links.append({"year": first.year, "url": f"{path}?{urlencode(params)}", "chosen": chosen})
    return links


def _fixed_context(figures: Figures, table: AgencyTable, linker: Linker) -> dict[str, Any]:
    """What does not depend on the sort or the page."""
    total = linker.figures(figures.total)
    best, worst = table.best, table.worst

    def ranked(rows):
        return [(n, row, linker.figures(row.counts, co_quan=row.id)) for n, row in rows]

    trend = _trend(linker, figures)
    counts = figures.total
    chart = {
        "classes": [
            {
                "label": _("Hoàn thành đúng hạn"),
                "value": counts.completed_on_time,
                "url": total.links["completed_on_time"],
                "colour": COLOURS["completed_on_time"],
            },
            {
                "label": _("Hoàn thành quá hạn"),
                "value": counts.completed_late,
                "url": total.links["completed_late"],
                "colour": COLOURS["completed_late"],
            },
            {
                "label": _("Chưa hoàn thành, trong hạn"),
                "value": counts.within,
                "url": total.links["within"],
                "colour": COLOURS["within"],
            },
            {
                "label": _("Chưa hoàn thành, quá hạn"),
                "value": counts.overdue,
                "url": total.links["overdue"],
                "colour": COLOURS["overdue"],
            },
        ],
        "trend": {
            "labels": [month["label"] for month in trend],
            "due": [month["falling_due"] for month in trend],
            "completed": [month["completed"] for month in trend],
            "due_urls": [month["due_url"] for month in trend],
            "completed_urls": [month["completed_url"] for month in trend],
            "due_label": _("Số nhiệm vụ đến hạn"),
            "completed_label": _("Số nhiệm vụ hoàn thành"),
        },
    }
    return {
        "total": total,
        "rate": percent(counts.rate_shown, get_format("DECIMAL_SEPARATOR")),
        "best": ranked(best),
        "worst": ranked(worst),
        "areas": _named(linker, figures.areas, "linh_vuc", "tieu_chi"),
        "directives": _breakdown(linker, figures.directives, figures.directives_counted, "van_ban"),
        "inspections": _breakdown(linker, figures.inspections, figures.inspections_counted, "dot"),
        "trend": trend,
        "chart": chart,
    }


def _page_url(params: dict[str, str], number: int) -> str:
    return (
        f"{reverse('dashboard')}?{urlencode(sorted({**params, 'trang': number}.items()))}#co-quan"
    )
