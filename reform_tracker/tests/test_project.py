import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_no_missing_migrations():
    call_command("makemigrations", check=True, dry_run=True, interactive=False, verbosity=0)


def test_it_passes_ruff():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
