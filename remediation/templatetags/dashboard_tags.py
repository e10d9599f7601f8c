"""The dashboard's table cells, built in one pass: a national page shows
hundreds of rows of six linked numbers, too many for includes or
``format_html`` per cell."""

from html import escape

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

register = template.Library()

CELLS = ("total", "completed_on_time", "completed_late", "within", "overdue")


@register.simple_tag
def counts_cells(figure):
    """``<td>`` cells: each count linked to its task list, then the on-time rate."""
    counts, links = figure.counts, figure.links
    parts = [
        '<td class="num"><a{} href="{}">{:d}</a></td>'.format(
            ' class="overdue-link"' if name == "overdue" else "",
            escape(links[name]),
            getattr(counts, name),
        )
        for name in CELLS
    ]
    rate = counts.rate
    shown = "–" if rate is None else f"{rate:.1f}".replace(".", get_format("DECIMAL_SEPARATOR"))
    parts.append(f'<td class="num">{shown}</td>')
    # Safe: URLs escaped here, everything else is a number.
    return mark_safe("".join(parts))  # noqa: S308
