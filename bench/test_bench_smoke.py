"""The benchmark itself keeps working (figures come from running it on
PostgreSQL, see README; this only runs it small on the test settings' DB)."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def test_it_runs_the_findings_benchmark_end_to_end(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "bench/import_findings.py", "--rows", "300", "--agencies", "20",
         "--baseline-rows", "30", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "our import, end to end" in result.stdout
    assert "vs ModelResource" in result.stdout


def _scratch_database_url(tmp_path) -> str:
    """A database of its own: the suite's PostgreSQL server under another
    name (dropped by --drop), else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"{parts.path}_bench_tasks"))
    return f"sqlite:///{tmp_path / 'tasks.sqlite3'}"


def test_it_runs_the_task_list_benchmark_end_to_end(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    env["DATABASE_URL"] = _scratch_database_url(tmp_path)
    result = subprocess.run(
        [sys.executable, "bench/task_list.py", "--tasks", "2000", "--agencies", "400",
         "--loads", "2", "--drop"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2,000 tasks" in result.stdout
    for role in ("coordinator", "officer, ~84 tasks", "monitoring dept", "district officer"):
        assert role in result.stdout
    assert "task list ?thoi_han=overdue" in result.stdout
    assert "selector: review queue" in result.stdout


def test_it_runs_the_reminders_benchmark_end_to_end(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "bench/reminders.py", "--tasks", "400", "--agencies", "20"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "first sweep (plan, claim, enqueue digests)" in result.stdout
    assert "nothing claimed, nothing to send" in result.stdout
