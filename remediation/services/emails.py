from __future__ import annotations

from reform_tracker import emails

from ..models import Notification


def notification_send_email(*, notification: Notification) -> bool:
    user = notification.user
    if not user.email:
        return False
    emails.send(
        "notification",
        [user.email],
        {
            "notification": notification,
            "recipient_name": user.display_name,
            "task": notification.task,
            "comment": notification.params.get("comment", ""),
            "link": emails.absolute_url(notification.link),
        },
    )
    return True
