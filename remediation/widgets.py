"""Widgets of the product's own."""

from __future__ import annotations

from html import escape

from django import forms
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
    """The first ``MAX_SELECT_OPTIONS`` rows of a queryset, or None when it
    has more: one bounded query, whatever the data."""
    rows = list(rows[: MAX_SELECT_OPTIONS + 1])
    return None if len(rows) > MAX_SELECT_OPTIONS else rows


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
