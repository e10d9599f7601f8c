"""Widgets of the product's own."""

from __future__ import annotations

from html import escape

from django import forms
from django.db.models import Exists
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# A select longer than this is no help to anyone and, at national scale
# (12,000 agencies, thousands of inspections and documents), costs the page
# a second of rendering and megabytes: past it the field stays a plain input,
# where a number, name or code is typed (``filters.ReferenceField``) and the
# dashboard's links put the id.
MAX_SELECT_OPTIONS = 300


def capped(rows) -> list[tuple] | None:
    """The rows of a queryset, or None when it has more than
    ``MAX_SELECT_OPTIONS`` (or none: nothing to choose from): one bounded
    query, whatever the data. A longer list is neither read nor sorted: the
    rows are read only where no row lies past the cap (a national
    catalogue's 10,000 documents sorted for their first 301 cost each page
    3 ms)."""
    beyond = rows.order_by().values("pk")[MAX_SELECT_OPTIONS : MAX_SELECT_OPTIONS + 1]
    return list(rows.filter(~Exists(beyond))) or None


class QuickSelect(forms.Select):
    """A select rendered in one pass: Django renders each option through a
    template (about half a millisecond each), and a national list of
    criteria has hundreds."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        current = "" if value is None else str(value)
        # html.escape, not format_html per option: a tenth of the time.
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == current else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(attrs),
            mark_safe(options),  # noqa: S308 - escaped above
        )
