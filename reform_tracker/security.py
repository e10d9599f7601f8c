from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_key() -> None:
    """Called by the WSGI and ASGI entry points: no production site runs on
    the development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")
