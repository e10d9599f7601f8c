from django import template
from django.utils.translation import gettext as _

from remediation.models import DeadlineState

register = template.Library()


@register.filter
def deadline_label(value: str) -> str:
    """The label of a ``deadline_class`` annotation, e.g. "overdue" -> "Quá hạn"."""
    try:
        return DeadlineState(value).label
    except ValueError:
        return ""


@register.filter
def due_text(task) -> str:
    """A task's report due date (dd/mm/yyyy), with the original one when it
    was extended: a filter, not an include, since a list shows fifty."""
    due = task.due_date.strftime("%d/%m/%Y")
    if not task.extended_due_date:
        return due
    return _("hạn ban đầu %(due)s, gia hạn đến %(extended)s") % {
        "due": due,
        "extended": task.extended_due_date.strftime("%d/%m/%Y"),
    }
