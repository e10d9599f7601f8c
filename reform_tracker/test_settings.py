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

# --- Production defaults under test (issue 9 §6) -----------------------------
# The test client and the browser tests' live server speak plain HTTP, so no
# redirect to HTTPS; cookies stay Secure as in production (neither the test
# client nor Chromium on localhost refuses them). Plain static storage: tests
# run without collectstatic. Production's own values are checked by running
# `check --deploy` on reform_tracker.settings in test_production_settings.py.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# --- end production defaults under test --------------------------------------
