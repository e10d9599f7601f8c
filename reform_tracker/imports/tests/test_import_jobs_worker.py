"""A background import through Redis and a real Celery worker process, on the
test's PostgreSQL database (CI's second pass)."""

import datetime
import time
import uuid
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from agencies.tests.factories import AgencyFactory, ReformAreaFactory
from reform_tracker import celery_app
from reform_tracker.imports import services
from reform_tracker.imports.models import JobStatus
from reform_tracker.imports.tests.workbooks import xlsx
from reform_tracker.tests.test_celery_roundtrip import process_env, running_worker, worker_log
from remediation.importers import FindingImporter
from remediation.models import Finding, RemediationTask

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    # serialized_rollback: the flush after the test would drop migrated rows.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 3000
TIMEOUT = 60


def findings_book(area):
    rows = [
        [
            f"KT-{n:05d}",
            "Kiểm tra công tác CCHC năm 2019",
            "STNMT",
            area.name,
            f"Tồn tại số {n}",
            f"Khắc phục tồn tại số {n}",
            datetime.date(2019, 11, 30),
            "",
            "",
        ]
        for n in range(1, ROWS + 1)
    ]
    return xlsx([list(FindingImporter.headers()), *rows])


def database_url():
    """The test database (NAME is test_…), for the worker process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def poll(client, job, wanted, log_path):
    """Status answers until the job reaches ``wanted``; fails on errors or time-out."""
    url = reverse("admin:remediation_finding_import_job_status", args=[job.pk])
    seen, deadline = [], time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        seen.append(client.get(url).json())
        if seen[-1]["status"] == wanted:
            return seen
        if seen[-1]["status"] in (JobStatus.FAILED, JobStatus.REJECTED):
            break
        time.sleep(0.05)
    job.refresh_from_db()
    pytest.fail(f"job {job.status}, not {wanted}: {job.error}\n{seen[-3:]}\n{worker_log(log_path)}")


def assert_bar_never_goes_back(seen):
    bar = [answer["percent"] for answer in seen]
    assert bar == sorted(bar), seen


def test_it_previews_and_imports_through_a_real_worker(
    admin_client, admin_user, django_capture_on_commit_callbacks, monkeypatch, settings, tmp_path
):
    queue = f"test-imports-{uuid.uuid4().hex}"
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = process_env(
        tmp_path, DATABASE_URL=database_url(), MEDIA_ROOT=settings.MEDIA_ROOT, DB_CONN_MAX_AGE="0"
    )
    log_path = tmp_path / "worker.log"
    AgencyFactory(code="STNMT")
    upload = SimpleUploadedFile("tontai.xlsx", findings_book(ReformAreaFactory()))
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(kind="findings", upload=upload, user=admin_user)
        services.import_job_queue(job=job)
    [queued] = poll(admin_client, job, JobStatus.PREVIEW_QUEUED, log_path)
    assert (queued["running"], queued["phase"]) == (True, "queued")

    with running_worker(env, queue, log_path):
        previewing = poll(admin_client, job, JobStatus.PREVIEWED, log_path)
        job.refresh_from_db()
        assert (job.preview["total_rows"], job.preview["created"]) == (ROWS, ROWS)
        assert Finding.objects.count() == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert services.import_job_confirm(job=job)
        importing = poll(admin_client, job, JobStatus.DONE, log_path)

    assert_bar_never_goes_back(previewing)
    assert_bar_never_goes_back(importing)
    finished = importing[-1]
    assert (finished["percent"], finished["phase"]) == (100, "done")
    assert finished["done"] == finished["total"] == ROWS
    assert Finding.objects.count() == RemediationTask.objects.count() == ROWS
    job.refresh_from_db()
    assert job.result["created"] == ROWS
