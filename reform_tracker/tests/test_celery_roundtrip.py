"""A real Celery worker process answers `reform_tracker.ping`, through Redis
(CI's second pass) and through the filesystem broker that `make run` uses."""

import contextlib
import os
import subprocess
import sys
import uuid

import pytest
from celery.result import allow_join_result
from django.conf import settings

from reform_tracker import celery_app
from reform_tracker.celery import ping

CLIENT_SCRIPT = """
import sys
from reform_tracker.celery import ping
assert not ping.app.conf.task_always_eager, "eager: the broker would not be used"
assert ping.app.conf.broker_url == "filesystem://", ping.app.conf.broker_url
print(ping.apply_async(args=[41], queue=sys.argv[1]).get(timeout=60))
"""


def process_env(var_dir, **overrides):
    """The test's environment for a project process run from `var_dir`.

    The filesystem transport keeps its exchange tables in ./control, so the
    processes run from a temporary folder rather than the project root.
    """
    env = dict(os.environ)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(
        DJANGO_SETTINGS_MODULE="reform_tracker.settings",
        DEBUG="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(settings.BASE_DIR), env.get("PYTHONPATH")])),
        VAR_DIR=str(var_dir),
        **overrides,
    )
    return env


@contextlib.contextmanager
def running_worker(env, queue, log_path):
    """A worker on its own queue, stopped (then killed) on the way out."""
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "reform_tracker", "worker"),
                *("--pool", "solo", "-l", "warning", "-Q", queue, "-n", f"{queue}@%h"),
                *("--without-mingle", "--without-gossip"),
            ],
            cwd=env["VAR_DIR"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def worker_log(log_path):
    return "worker output:\n" + log_path.read_text(errors="replace")


@pytest.mark.redis
def test_it_round_trips_ping_through_redis(tmp_path):
    assert celery_app.conf.task_always_eager is False
    assert celery_app.conf.broker_url.startswith("redis://")
    queue = f"test-ping-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"

    with running_worker(process_env(tmp_path), queue, log_path):
        result = ping.apply_async(args=[41], queue=queue)
        try:
            # Celery keeps a process-wide "inside a task" flag that earlier tests
            # in this process can leave set; get() would then refuse to wait.
            with allow_join_result():
                value = result.get(timeout=60)
        except Exception as exc:
            pytest.fail(f"no answer from the worker: {exc!r}\n{worker_log(log_path)}")

    assert value == 42


def test_it_round_trips_ping_through_the_filesystem_broker(tmp_path):
    var_dir = tmp_path / "var"
    for folder in ("queue", "processed", "results"):
        (var_dir / "celery" / folder).mkdir(parents=True)
    env = process_env(var_dir)
    env.pop("REDIS_URL", None)
    queue = f"test-ping-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"

    with running_worker(env, queue, log_path):
        try:
            client = subprocess.run(
                [sys.executable, "-c", CLIENT_SCRIPT, queue],
                cwd=env["VAR_DIR"],
                env=env,
                capture_output=True,
                text=True,
                timeout=90,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"client timed out: {exc.stderr!r}\n{worker_log(log_path)}")

    output = f"client stdout:\n{client.stdout}\nclient stderr:\n{client.stderr}\n"
    assert client.returncode == 0, output + worker_log(log_path)
    assert client.stdout.strip() == "42", output + worker_log(log_path)
