import copy
import socket
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.module_loading import import_string

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_down():
    """Swap in a real connection to a database that cannot be reached: a
    closed port for PostgreSQL, a file in a missing folder for SQLite."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    else:
        settings_dict.update(NAME="/nonexistent-folder/db.sqlite3")
    backend = import_string(f"{settings_dict['ENGINE']}.base")
    connections[DEFAULT_DB_ALIAS] = backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = original


def test_it_answers_200_when_all_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "status": "ok"}


def test_it_needs_no_login_and_no_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/dang-nhap/").status_code == 301


def test_it_answers_503_when_the_database_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "ok", "status": "error"}


def test_it_answers_503_when_redis_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = f"redis://:s3cret-pw@127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error", "status": "error"}


def test_it_answers_503_when_the_broker_folder_is_missing(client, settings, tmp_path):
    missing = str(tmp_path / "missing")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": missing,
        "data_folder_out": missing,
        "processed_folder": str(tmp_path),
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_it_shows_no_secret(client, settings):
    settings.CELERY_BROKER_URL = f"redis://:s3cret-pw@127.0.0.1:{closed_port()}/0"
    with database_down():
        body = client.get("/healthz").content.decode()
    for secret in ("s3cret-pw", "127.0.0.1", "redis://", "nonexistent-folder", "Error"):
        assert secret not in body


def test_it_refuses_to_change_anything(client):
    assert client.post("/healthz").status_code == 405
