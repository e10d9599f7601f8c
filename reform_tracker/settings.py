"""Settings for the reform tracker, read from the environment (12-factor).

Every value has an embedded default so that `make run` works on a fresh
machine with SQLite and a Celery broker that needs no server.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_time(name: str, default: str) -> tuple[int, int]:
    """An "HH:MM" clock time; a bad value stops start-up with the variable named."""
    value = (os.environ.get(name) or default).strip()
    try:
        hour, minute = (int(part) for part in value.split(":"))
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r}: cần giờ dạng HH:MM, ví dụ 07:30 (giờ Việt Nam)."
        ) from None
    return hour, minute


DEBUG = env_bool("DEBUG", False)
# Without SECRET_KEY, management commands and development still work; the
# WSGI/ASGI application refuses to serve with this key unless DEBUG.
INSECURE_SECRET_KEY = "dev-only-insecure-key"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "axes",  # login throttling (issue 9 §6)
    "reform_tracker.imports",
    "agencies",
    "directives",
    "remediation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "reform_tracker.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform_tracker.urls"
WSGI_APPLICATION = "reform_tracker.wsgi.application"
ASGI_APPLICATION = "reform_tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "remediation.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing,
    # and write-ahead logging so that pages (an import's progress) can still
    # be read while a long import transaction writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The task list's covering index (INCLUDE) is PostgreSQL's; SQLite builds
    # it without the extra columns, which is all a development database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiles plans of a few ms into 70 ms ones on these OLTP queries.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Vietnamese first, English second; our own format modules fix dd/mm/yyyy
# because Django's `vi` locale accepts %m/%d/%Y.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["reform_tracker.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Evidence lives outside MEDIA_ROOT and has no URL: only the evidence view,
# which checks the user's scope on the task, serves it.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", VAR_DIR / "evidence"))
# --- Static files (issue 9 §6) ---------------------------------------------
# Production serves hashed, compressed files (needs `collectstatic`, whose
# manifest is then required: a missing file fails loudly instead of being
# served unhashed). DEBUG, and the test settings, use plain storage so that
# neither needs collectstatic.

# Synthesis exports written in the background: private too, served by a view.
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", VAR_DIR / "exports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None},
    },
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EXPORT_ROOT, "base_url": None},
    },
}
# --- end static files -------------------------------------------------------

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cchc@localhost")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Celery: Redis when REDIS_URL is set, otherwise a filesystem broker so that a
# real worker runs with no server at all.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    # Kombu's filesystem transport and backend need their folders to exist.
    for folder in ("queue", "processed", "results", "control"):
        (CELERY_DATA_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker holds one message at a time, so a worker killed mid-task (acks_late,
# reject_on_worker_lost) hands back only that one.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Reminders (issue 7): days before the effective due date, then overdue day 1
# and every N days, at most M times; Home Affairs from overdue day 7.
REMINDER_DAYS_BEFORE = tuple(int(d) for d in env_list("REMINDER_DAYS_BEFORE", "7,3,1,0"))
REMINDER_OVERDUE_EVERY_DAYS = int(os.environ.get("REMINDER_OVERDUE_EVERY_DAYS", "7"))
REMINDER_OVERDUE_MAX = int(os.environ.get("REMINDER_OVERDUE_MAX", "5"))
REMINDER_ESCALATE_AFTER_DAYS = int(os.environ.get("REMINDER_ESCALATE_AFTER_DAYS", "7"))
REMINDER_DIGEST_MAX_ROWS = int(os.environ.get("REMINDER_DIGEST_MAX_ROWS", "50"))
# Unsent reminders are sent again by each sweep for this many days.
REMINDER_RETRY_DAYS = int(os.environ.get("REMINDER_RETRY_DAYS", "7"))
REMINDER_SWEEP_HOUR, REMINDER_SWEEP_MINUTE = env_time("REMINDER_SWEEP_TIME", "07:30")

# Workflow (remediation): an officer's report goes to the agency's leader
# before Home Affairs unless this is off.
REPORT_LEADER_APPROVAL = env_bool("REPORT_LEADER_APPROVAL", True)
EVIDENCE_MAX_FILE_SIZE = int(os.environ.get("EVIDENCE_MAX_FILE_SIZE", str(20 * 1024 * 1024)))
EVIDENCE_MAX_FILES = int(os.environ.get("EVIDENCE_MAX_FILES", "10"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Dashboard and synthesis reports (issue 8). The administrative report's
# heading (Decree 30/2020): superior body, issuing body, its symbol, place.
REPORT_PLACE = os.environ.get("REPORT_PLACE", "Tuyên Quang")
REPORT_SUPERIOR_BODY = os.environ.get("REPORT_SUPERIOR_BODY", "UBND tỉnh Tuyên Quang")
REPORT_ISSUING_BODY = os.environ.get("REPORT_ISSUING_BODY", "Sở Nội vụ")
REPORT_SYMBOL = os.environ.get("REPORT_SYMBOL", "BC-SNV")
REPORT_SIGNER_TITLE = os.environ.get("REPORT_SIGNER_TITLE", "KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC")
REPORT_SIGNER_NAME = os.environ.get("REPORT_SIGNER_NAME", "")
# Syntheses of more tasks than this are written by Celery behind a progress bar.
EXPORT_ASYNC_TASK_THRESHOLD = int(os.environ.get("EXPORT_ASYNC_TASK_THRESHOLD", "20000"))
# An agency's report of more tasks than this too (about 2 ms a task on a slow
# machine: a thousand tasks is a two-second request).
AGENCY_REPORT_ASYNC_TASKS = int(os.environ.get("AGENCY_REPORT_ASYNC_TASKS", "1000"))
# With at least this many tasks, the unfiltered province dashboard reads a
# snapshot refreshed every DASHBOARD_SNAPSHOT_MINUTES instead of aggregating
# live; below it every figure is live. 0 turns snapshots off.
DASHBOARD_SNAPSHOT_MIN_TASKS = int(os.environ.get("DASHBOARD_SNAPSHOT_MIN_TASKS", "200000"))
DASHBOARD_SNAPSHOT_MINUTES = int(os.environ.get("DASHBOARD_SNAPSHOT_MINUTES", "10"))

# Every periodic job, in one place, in Asia/Ho_Chi_Minh (CELERY_TIMEZONE).
# `expires` drops a run that waited too long in the queue instead of piling
# runs up. Production runs exactly one beat process (deploy/README.md).
CELERY_BEAT_SCHEDULE = {
    # Fails import jobs whose worker died.
    "imports-fail-stuck-jobs": {
        "task": "imports.fail_stuck_jobs",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "report-cycle-tasks": {
        "task": "remediation.report_cycles_create",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 6 * 3600},
    },
    "reminders-sweep": {
        "task": "remediation.reminders_sweep",
        "schedule": crontab(hour=REMINDER_SWEEP_HOUR, minute=REMINDER_SWEEP_MINUTE),
        "options": {"expires": 6 * 3600},
    },
    # Home Affairs' province figures at national scale (issue 8).
    "dashboard-snapshot": {
        "task": "remediation.refresh_dashboard_snapshot",
        "schedule": DASHBOARD_SNAPSHOT_MINUTES * 60,
        "options": {"expires": DASHBOARD_SNAPSHOT_MINUTES * 60 - 30},
    },
}

# Imports (issue 3)
IMPORT_MAX_FILE_SIZE = int(os.environ.get("IMPORT_MAX_FILE_SIZE", str(10 * 1024 * 1024)))
IMPORT_ASYNC_ROW_THRESHOLD = int(os.environ.get("IMPORT_ASYNC_ROW_THRESHOLD", "2000"))
IMPORT_PREVIEW_SAMPLE_ROWS = int(os.environ.get("IMPORT_PREVIEW_SAMPLE_ROWS", "50"))
# Checked before calamine opens a workbook (reform_tracker/imports/preflight.py).
IMPORT_MAX_UNCOMPRESSED_SIZE = int(
    os.environ.get("IMPORT_MAX_UNCOMPRESSED_SIZE", str(160 * 1024 * 1024))
)
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "100"))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", "4000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_FILE_SIZE + 1024 * 1024
# Exporting needs the model's view permission, not just staff status.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- HTTPS and production defaults (issue 9 §6) ------------------------------
# With DEBUG off, `manage.py check --deploy` passes with no warning. Each
# setting can be relaxed by its variable for a plain-HTTP intranet (README).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's or monitor's probe may speak plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`HTTP_X_FORWARDED_PROTO,https`: the header (as in request.META) that
    the reverse proxy sets, and its value on HTTPS requests. Only set it when
    the proxy always sets or strips that header."""
    value = env_list(name)
    if not value:
        return None
    if len(value) != 2 or not value[0].startswith("HTTP_"):
        raise ImproperlyConfigured(f"{name} must look like HTTP_X_FORWARDED_PROTO,https")
    return value[0], value[1]


SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
# Reverse proxies in front of gunicorn that append to X-Forwarded-For: the
# client's address (for login throttling) is that many entries from the right.
REVERSE_PROXY_COUNT = int(os.environ.get("REVERSE_PROXY_COUNT", "0"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that is down answers /healthz within seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )
HEALTHZ_BROKER_TIMEOUT = float(os.environ.get("HEALTHZ_BROKER_TIMEOUT", "2"))
# --- end HTTPS and production defaults ---------------------------------------

# --- Login throttling (issue 9 §6): django-axes -------------------------------
# LOGIN_FAILURE_LIMIT failures for one username from one address, each within
# LOGIN_LOCKOUT_MINUTES of the previous, lock that pair out for
# LOGIN_LOCKOUT_MINUTES, counted from the last failure; tries while locked
# out are refused without extending the lock. Records live in the database,
# so every web host sees the same counts.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "reform_tracker.throttling.client_ip"
# The login page itself shows the message (reform_tracker.throttling forms);
# the middleware only turns its status into 429.
AXES_LOCKOUT_CALLABLE = "reform_tracker.throttling.lockout_response"
# Axes' admin pages are English only; reset a lock with
# `manage.py axes_reset_username NAME` (README).
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# --- end login throttling -----------------------------------------------------

# --- Logging (issue 9 §6): time, level and logger on every line --------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "standard": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "standard"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Axes logs each step of every failed login at INFO; failures and locks
    # themselves are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
# --- end logging ---------------------------------------------------------------

IMPORTERS = {
    "agencies": "agencies.importers.AgencyImporter",
    "directives": "directives.importers.DirectiveImporter",
    "findings": "remediation.importers.FindingImporter",
}

# Shared by web and worker: Redis when given, else files (progress of imports).
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
