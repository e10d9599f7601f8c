import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from reform_tracker.tests.production import manage, production_env

HTTPS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn on the production settings behind a pretend HTTPS proxy,
    after collectstatic, as deploy/systemd/reform-tracker-web.service runs it."""
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    collected = manage(env, "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "reform_tracker.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"),
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/healthz", HTTPS)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_it_serves_hashed_compressed_static_files_under_gunicorn(gunicorn):
    status, _, page = get(f"{gunicorn}/dang-nhap/", HTTPS)
    assert status == 200
    css = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)
    assert css, page[:500]
    status, headers, _ = get(gunicorn + css.group(1).decode(), {**HTTPS, "Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


@pytest.mark.slow
def test_it_redirects_plain_http_but_not_the_health_check(gunicorn):
    status, headers, _ = get(f"{gunicorn}/dang-nhap/", {})
    assert status == 301
    assert headers["Location"].startswith("https://")
    status, _, body = get(f"{gunicorn}/healthz", {})
    assert (status, body) == (200, b'{"database": "ok", "broker": "ok", "status": "ok"}')
