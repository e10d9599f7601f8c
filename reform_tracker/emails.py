"""One way to send e-mail: templates named by purpose,
``templates/emails/<name>-subject.txt``, ``-body.txt`` and ``-body.html``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """A link for an e-mail: mail has no request to take the host from."""
    return f"{settings.SITE_URL}{path}"


def build(name: str, to: Sequence[str], context: dict[str, Any]) -> EmailMultiAlternatives:
    # Mail is read by civil servants whatever language the sender's page was in.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to))
    message.attach_alternative(html, "text/html")
    return message


def send(name: str, to: Sequence[str], context: dict[str, Any]) -> None:
    build(name, to, context).send()
