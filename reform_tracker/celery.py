import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")

app = Celery("reform_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def ensure_filesystem_broker_folders(sender, **kwargs):
    # The filesystem transport does not create its folders itself.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


@app.task(name="reform_tracker.ping")
def ping(value: int) -> int:
    """A round-trip probe for health checks and the broker test."""
    return value + 1
