from django import template

from remediation.models import DeadlineState

register = template.Library()


@register.filter
def deadline_label(value: str) -> str:
    """The label of a ``deadline_class`` annotation, e.g. "overdue" -> "Quá hạn"."""
    try:
        return DeadlineState(value).label
    except ValueError:
        return ""
