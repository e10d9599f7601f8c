"""Skip tests that need a real service when it is not configured; Chromium
for the browser tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import translation

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    skips = {}
    if not os.environ.get("REDIS_URL"):
        skips["redis"] = pytest.mark.skip(reason="cần REDIS_URL (Redis thật)")
    if connection.vendor != "postgresql":
        skips["postgres"] = pytest.mark.skip(reason="cần DATABASE_URL trỏ tới PostgreSQL")
    for item in items:
        for marker, skip in skips.items():
            if item.get_closest_marker(marker):
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English
    (LocaleMiddleware) leaves English active in the thread after it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_columns_kept():
    """Each test starts without the tasks' columns an earlier test read
    (``in_memory``): with them, a province view is counted, not derived."""
    yield
    from remediation.dashboard import in_memory

    in_memory.forget()


@pytest.fixture(scope="session")
def command_env(tmp_path_factory):
    """Environment for running manage.py in a subprocess, which cannot see the
    test database: its own migrated SQLite file, media and cache folders."""
    root = tmp_path_factory.mktemp("command")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "reform_tracker.test_settings",
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "TEST_MEDIA_ROOT": str(root / "media"),
        "VAR_DIR": str(root / "var"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=Path(__file__).resolve().parent,
        env=env,
        check=True,
        timeout=300,
    )
    return env


@pytest.fixture
def chromium_page(request, monkeypatch, tmp_path):
    """A page in Debian's Chromium driven by Playwright's sync API; a failed
    test leaves a screenshot in its tmp_path (the path is printed).

    Playwright's own browser builds cannot be downloaded here: the tests use
    the `chromium` package, and skip when it is not installed.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"cần Chromium của Debian tại {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # The sync API keeps an asyncio loop running in this thread, which makes
    # Django refuse the test's own queries as unsafe in async code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    failed_before = request.session.testsfailed
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="vi-VN")
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            if request.session.testsfailed > failed_before:
                _screenshot(request, page, tmp_path / "failure.png")
            browser.close()
            # Seeing that loop, Django kept this test's connections apart from
            # the thread's (asgiref's async storage): close them, or PostgreSQL
            # refuses to drop the test database at the end of the session.
            connections.close_all()


def _screenshot(request, page, path):
    try:
        page.screenshot(path=path, full_page=True)
    except Exception as error:  # a screenshot must not hide the failure
        message = f"no screenshot: {error!r}"
    else:
        message = f"screenshot of the failed page: {path}"
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(f"\n{request.node.nodeid}: {message}")
