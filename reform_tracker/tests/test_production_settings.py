import re
import sys

import pytest

from reform_tracker.tests.production import manage, production_env, production_settings, run

PLAIN_HTTP = {
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
}


def test_it_passes_check_deploy_with_debug_off(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_turns_on_https_protections_without_debug(tmp_path):
    values = production_settings(
        production_env(tmp_path),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }


@pytest.mark.parametrize(
    ("variable", "warning"),
    [
        ("SECURE_SSL_REDIRECT", "security.W008"),
        ("SESSION_COOKIE_SECURE", "security.W012"),
        ("CSRF_COOKIE_SECURE", "security.W016"),
        ("SECURE_HSTS_SECONDS", "security.W004"),
    ],
)
def test_it_lets_each_https_setting_be_relaxed_for_plain_http(tmp_path, variable, warning):
    env = production_env(tmp_path, **{variable: PLAIN_HTTP[variable]})
    result = manage(env, "check", "--deploy")
    assert re.findall(r"\(security\.W\d+\)", result.stderr) == [f"({warning})"]


def test_it_takes_the_hsts_duration_from_the_environment(tmp_path):
    env = production_env(tmp_path, SECURE_HSTS_SECONDS="600")
    assert production_settings(env, "SECURE_HSTS_SECONDS") == {"SECURE_HSTS_SECONDS": 600}


def test_it_takes_the_proxy_ssl_header_from_the_environment(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    values = production_settings(env, "SECURE_PROXY_SSL_HEADER")
    assert values == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_it_refuses_a_malformed_proxy_ssl_header(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = manage(env, "check")
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https" in result.stderr


@pytest.mark.django_db
def test_it_trusts_the_proxy_header_for_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/dang-nhap/").status_code == 301
    assert client.get("/dang-nhap/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_it_takes_the_login_throttling_numbers_from_the_environment(tmp_path):
    env = production_env(tmp_path, LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="30")
    values = production_settings(env, "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME")
    assert values == {"AXES_FAILURE_LIMIT": 3, "AXES_COOLOFF_TIME": "0:30:00"}


def test_it_uses_plain_static_storage_in_development(tmp_path):
    env = production_env(tmp_path, DEBUG="1")
    backend = production_settings(env, "STORAGES")["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_it_logs_time_level_and_logger(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('reform_tracker.probe').warning('xin chào')"
    )
    result = run(production_env(tmp_path), sys.executable, "-c", code)
    line = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING reform_tracker\.probe: xin chào", line
    ), line
