from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request) -> dict:
    """The header's unread count: one COUNT on an index, only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: selectors.unread_notification_count(user=user)
        )
    }
