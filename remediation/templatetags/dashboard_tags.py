"""The dashboard's table cells, built in one pass: a national page shows
hundreds of rows of six linked numbers, too many for includes or
``format_html`` per cell."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

from ..reports.formal import percent

register = template.Library()


@register.filter
def computed_when(moment) -> str:
    """When a snapshot was computed: its time, and its day where that is not
    today (a snapshot of yesterday serves after midnight, an old one while
    the worker is stopped)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local:%H:%M %d/%m/%Y}"


CELLS = ("total", "completed_on_time", "completed_late", "within", "overdue")
RANKED_CELLS = ("completed_on_time", "completed_late", "overdue")


@register.simple_tag
def counts_cells(figure):
    """``<td>`` cells: each count linked to its task list, then the on-time rate."""
    return mark_safe(_cells(figure, get_format("DECIMAL_SEPARATOR")))  # noqa: S308 - see _cells


@register.simple_tag
def named_rows(items):
    """The rows of an area, document or inspection table (``page._named``
    items, each with its children): a name, then ``counts_cells``."""
    separator = get_format("DECIMAL_SEPARATOR")
    parts = []
    for item in items:
        parts.append(f'<tr><th scope="row">{escape(item["row"].name)}</th>')
        parts.append(f"{_cells(item['figure'], separator)}</tr>")
        for child in item["children"]:
            parts.append(f'<tr class="child-row"><th scope="row">{escape(child["row"].name)}</th>')
            parts.append(f"{_cells(child['figure'], separator)}</tr>")
    # Safe: names and URLs escaped here, everything else is a number.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def agency_rows(groups):
    """The by-agency table's bodies (``presentation.Group`` of ``Line``s, each
    with its figure): per agency its name, its level, ``counts_cells`` and
    its oldest overdue days, linked to its overdue tasks."""
    separator = get_format("DECIMAL_SEPARATOR")
    kinds: dict[str, str] = {}  # a level's label, translated once per page
    parts = []
    for group in groups:
        parts.append(
            f'<tbody><tr class="group-row"><th scope="rowgroup" colspan="9">'
            f"{escape(str(group.label))}</th></tr>"
        )
        for line in group.lines:
            row = line.row
            if row.kind not in kinds:
                kinds[row.kind] = escape(row.kind_label)
            child = ' class="child-row"' if line.depth else ""
            parts.append(
                f'<tr{child} data-agency="{row.id:d}"><th scope="row">{escape(row.name)}</th>'
                f"<td>{kinds[row.kind]}</td>{_cells(line.figure, separator)}"
            )
            if line.oldest_days is None:
                parts.append('<td class="num">–</td></tr>')
            else:
                link = line.figure.links["overdue"].replace("&", "&amp;")
                parts.append(
                    f'<td class="num"><a class="days-link" href="{link}">'
                    f"{line.oldest_days:d}</a></td></tr>"
                )
        parts.append("</tbody>")
    # Safe: names, labels and URLs escaped here, everything else is a number.
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def rank_rows(ranked):
    """The ranking's rows (``page._fixed_context``'s ``(number, row, figure)``):
    the rank, the name, the rate, and the three counts it is made of, linked."""
    separator = get_format("DECIMAL_SEPARATOR")
    parts = []
    for number, row, figure in ranked:
        counts, links = row.counts, figure.links
        parts.append(
            f'<tr><td class="num">{number:d}</td><th scope="row">{escape(row.name)}</th>'
            f'<td class="num">{percent(counts.rate_shown, separator)}</td>'
        )
        for name in RANKED_CELLS:
            link = links[name].replace("&", "&amp;")
            parts.append(f'<td class="num"><a href="{link}">{getattr(counts, name):d}</a></td>')
        parts.append("</tr>")
    # Safe: names and URLs escaped here, everything else is a number.
    return mark_safe("".join(parts))  # noqa: S308


def _cells(figure, separator: str) -> str:
    counts, links = figure.counts, figure.links
    # The links are ``Linker``'s: a path and a urlencoded query, whose only
    # character to escape in an attribute is "&".
    parts = [
        '<td class="num"><a{} href="{}">{:d}</a></td>'.format(
            ' class="overdue-link"' if name == "overdue" else "",
            links[name].replace("&", "&amp;"),
            getattr(counts, name),
        )
        for name in CELLS
    ]
    parts.append(f'<td class="num">{percent(counts.rate_shown, separator)}</td>')
    # Safe: URLs escaped here, everything else is a number.
    return "".join(parts)
