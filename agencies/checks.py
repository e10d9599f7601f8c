from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def secret_key_is_set(app_configs, **kwargs):
    # Refuse to start a non-debug server with an empty or default key.
    if not settings.DEBUG and not settings.SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is empty.",
                hint="Set the SECRET_KEY environment variable, or DEBUG=1 for development.",
                id="reform_tracker.E001",
            )
        ]
    return []
