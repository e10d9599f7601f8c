from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security)
def secret_key_is_set(app_configs, **kwargs):
    # A warning, so that management commands run; serving is refused in
    # reform_tracker.security.refuse_insecure_key.
    if not settings.DEBUG and settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
        return [
            Warning(
                "SECRET_KEY is not set: the site will refuse to serve.",
                hint="Set the SECRET_KEY environment variable, or DEBUG=1 for development.",
                id="reform_tracker.W001",
            )
        ]
    return []
