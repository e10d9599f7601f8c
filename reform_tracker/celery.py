import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")

app = Celery("reform_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="reform_tracker.ping")
def ping(value: int) -> int:
    """A round-trip probe for health checks and the broker test."""
    return value + 1
