"""`GET /healthz`: is the database there, is the Celery broker there.

For load balancers and monitors: no login, and an answer of statuses only
(never a URL, host or error text, which could carry credentials). Failures
are logged on the server side.
"""

import logging
import os

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as error:
        logger.warning("healthz: database check failed: %s", type(error).__name__)
        return False


def broker_is_up() -> bool:
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(REDIS_SCHEMES):
            return _redis_answers(url)
        if url.startswith("filesystem://"):
            return _broker_folders_writable(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    except Exception as error:
        logger.warning("healthz: broker check failed: %s", type(error).__name__)
        return False
    logger.warning("healthz: no check for this broker's transport")
    return False


def _redis_answers(url: str) -> bool:
    timeout = settings.HEALTHZ_BROKER_TIMEOUT
    # One try, each step bounded: a probe must answer even when Redis's host
    # is gone (redis-py would otherwise retry with backoff).
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return client.ping() is True
    finally:
        client.close()


def _broker_folders_writable(options: dict) -> bool:
    folders = {options["data_folder_in"], options["data_folder_out"]}
    if options.get("processed_folder"):
        folders.add(options["processed_folder"])
    return all(os.path.isdir(f) and os.access(f, os.W_OK | os.X_OK) for f in folders)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_is_up(), "broker": broker_is_up()}
    healthy = all(checks.values())
    body = {name: "ok" if up else "error" for name, up in checks.items()}
    body["status"] = "ok" if healthy else "error"
    return JsonResponse(body, status=200 if healthy else 503)
