"""Test settings: the base settings with faster hashing and eager Celery
unless a real Redis is given (CI's second pass)."""

import os

from .settings import *  # noqa: F403
from .settings import REDIS_URL

SECRET_KEY = "test-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/reform-tracker-test-media")  # noqa: S108
EVIDENCE_ROOT = os.path.join(MEDIA_ROOT, "evidence")
EXPORT_ROOT = os.path.join(MEDIA_ROOT, "exports")
STORAGES = {
    **STORAGES,  # noqa: F405
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None},
    },
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORT_ROOT, "base_url": None},
    },
}
