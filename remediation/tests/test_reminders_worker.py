"""The real thing, in CI's second pass: Celery beat fires the reminder entry
of CELERY_BEAT_SCHEDULE (its schedule shortened to seconds), a worker process
runs the sweep and the digests through Redis, and the mail lands in a
file-based backend, once, although beat keeps firing."""

import contextlib
import datetime
import email
import email.policy
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from reform_tracker.imports.tests.test_import_jobs_worker import database_url
from reform_tracker.tests.test_celery_roundtrip import process_env
from remediation.models import ReminderLog
from remediation.tests.reminder_helpers import make_scene

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    # serialized_rollback: the flush after the test would drop migrated rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 90
ENTRY = "reminders-sweep"

# The project's app and the real beat entry, with the schedule shortened and
# every message on this test's own queue.
CELERY_SCRIPT = f"""
import sys
from reform_tracker.celery import app
queue, command = sys.argv[1], sys.argv[2:]
app.conf.task_default_queue = queue
entry = dict(app.conf.beat_schedule[{ENTRY!r}])
entry["schedule"] = 2.0
app.conf.beat_schedule = {{{ENTRY!r}: entry}}
app.start(command)
"""


@contextlib.contextmanager
def celery_process(env, queue, log_path, *command):
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", CELERY_SCRIPT, queue, *command],
            cwd=env["VAR_DIR"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def mails(folder):
    found = []
    for path in sorted(folder.glob("*.log")):
        for part in path.read_bytes().split(b"-" * 79):
            if part.strip():
                found.append(email.message_from_bytes(part.strip(), policy=email.policy.default))
    return found


def logs(*paths):
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}" for p in paths)


def test_it_fires_the_beat_entry_and_mails_each_recipient_once(monkeypatch, tmp_path):
    scene = make_scene(monkeypatch)
    task = scene.task(due_date=timezone.localdate() + datetime.timedelta(days=3))
    mail_dir = tmp_path / "mail"
    env = process_env(
        tmp_path,
        DATABASE_URL=database_url(),
        DB_CONN_MAX_AGE="0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
        SITE_URL="https://cchc.tuyenquang.example.vn",
    )
    assert env["REDIS_URL"] == settings.REDIS_URL
    queue = f"test-reminders-{uuid.uuid4().hex}"
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = ("worker", "--pool", "solo", "-l", "info", "-Q", queue, "-n", f"{queue}@%h",
              "--without-mingle", "--without-gossip")  # fmt: skip
    beat = ("beat", "-l", "info", "--schedule", str(tmp_path / "beat-schedule"))

    with (
        celery_process(env, queue, worker_log, *worker),
        celery_process(env, queue, beat_log, *beat),
    ):
        deadline = time.monotonic() + TIMEOUT
        while len(mails(mail_dir)) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        sweeps_seen = beat_log.read_text().count(f"Scheduler: Sending due task {ENTRY}")
        while time.monotonic() < deadline and (
            beat_log.read_text().count(f"Scheduler: Sending due task {ENTRY}") < sweeps_seen + 2
        ):
            time.sleep(0.5)  # beat fires again: those sweeps must send nothing
        time.sleep(2)

    received = mails(mail_dir)
    assert sorted(m["To"] for m in received) == sorted([scene.officer.email, scene.leader.email]), (
        logs(worker_log, beat_log)
    )
    digest = received[0]
    assert digest["Subject"].strip() == "[CCHC] Nhắc hạn báo cáo: 1 nhiệm vụ"
    body = digest.get_body(("plain",)).get_content()
    assert f"https://cchc.tuyenquang.example.vn/nhiem-vu/{task.pk}/" in body
    assert "(còn 3 ngày)" in body
    assert beat_log.read_text().count(f"Sending due task {ENTRY}") >= 3
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
    assert ReminderLog.objects.filter(task=task, threshold=-3).count() == 2
