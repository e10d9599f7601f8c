"""The dashboard benchmark keeps working (figures come from running it at
1,000,000 tasks on PostgreSQL, see README; this runs it tiny on the test
settings' database server, in a scratch database of its own)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_it_runs_the_dashboard_benchmark_end_to_end(tmp_path):
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var")}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "bench/dashboard.py", "--tasks", "400", "--agencies", "40",
         "--loads", "2", "--live-loads", "2", "--db", f"bench_dashboard_smoke_{os.getpid()}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "coordinator, no filter (snapshot)" in result.stdout
    assert "district officer, this year" in result.stdout
    assert "coordinator, no filter, after a refresh (decoded anew)" in result.stdout
    assert "coordinator, as of 31 December last year (its year's end)" in result.stdout
    assert "coordinator, five years (columns read anew)" in result.stdout
    assert "full-province .xlsx export" in result.stdout
