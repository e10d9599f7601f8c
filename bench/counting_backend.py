"""An e-mail backend that only counts: messages, recipients and the bytes an
SMTP server would have received (each message is serialised, as SMTP does)."""

from __future__ import annotations

import threading

from django.core.mail.backends.base import BaseEmailBackend

_lock = threading.Lock()
sent = {"messages": 0, "bytes": 0}


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        size = sum(len(message.message().as_bytes()) for message in email_messages)
        with _lock:
            sent["messages"] += len(email_messages)
            sent["bytes"] += size
        return len(email_messages)


def reset() -> None:
    with _lock:
        sent.update(messages=0, bytes=0)
