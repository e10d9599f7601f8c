"""Jobs whose worker died are failed by a sweep, and run at most twice."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from agencies.tests.factories import AgencyFactory, UserFactory
from reform_tracker import celery_app
from reform_tracker.imports import services
from reform_tracker.imports.models import ImportJob, JobStatus
from reform_tracker.imports.tasks import fail_stuck_jobs
from reform_tracker.imports.tests.workbooks import finding_row, findings_book
from remediation.models import Finding

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2019, 11, 20, 9, 0, tzinfo=datetime.UTC)
LIMIT = datetime.timedelta(seconds=django_settings.CELERY_TASK_TIME_LIMIT)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def job(status, *, claimed=None, attempts=1, user=None):
    AgencyFactory(code="STNMT")
    record = ImportJob(
        kind="findings",
        file_name="tontai.xlsx",
        created_by=user or UserFactory(),
        status=status,
        claimed_at=claimed,
        attempts=attempts,
    )
    record.file.save("tontai.xlsx", ContentFile(findings_book(finding_row(1))), save=False)
    record.save()
    return record


@pytest.mark.parametrize("status", [JobStatus.PREVIEWING, JobStatus.IMPORTING])
def test_it_fails_a_job_claimed_longer_ago_than_the_time_limit(status):
    stuck = job(status, claimed=NOW - LIMIT - datetime.timedelta(seconds=1))

    assert services.import_jobs_fail_stuck() == 1

    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert stuck.finished_at == NOW
    assert stuck.error == (
        "Tiến trình xử lý tệp đã dừng đột ngột hoặc chạy quá 30 phút; không có dữ liệu nào "
        "được ghi. Hãy kiểm tra tệp (có thể quá lớn) rồi tải lên lại."
    )


def test_it_leaves_a_job_claimed_within_the_time_limit():
    running = job(JobStatus.IMPORTING, claimed=NOW - LIMIT + datetime.timedelta(minutes=1))

    assert services.import_jobs_fail_stuck() == 0

    running.refresh_from_db()
    assert running.status == JobStatus.IMPORTING


def test_it_runs_the_sweep_as_a_celery_task(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    stuck = job(JobStatus.PREVIEWING, claimed=NOW - 2 * LIMIT)

    assert fail_stuck_jobs.delay().get() == 1

    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED


def test_it_schedules_the_sweep_with_an_expiry():
    entry = django_settings.CELERY_BEAT_SCHEDULE["imports-fail-stuck-jobs"]

    assert entry["task"] == fail_stuck_jobs.name
    assert 0 < entry["options"]["expires"] <= entry["schedule"]
    assert fail_stuck_jobs.name in celery_app.tasks


def test_it_has_workers_take_one_long_task_at_a_time():
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_it_gives_a_job_whose_worker_died_one_more_run():
    redelivered = job(JobStatus.IMPORTING, claimed=NOW - datetime.timedelta(minutes=3))

    services.import_job_run(job_id=redelivered.pk)

    redelivered.refresh_from_db()
    assert (redelivered.status, redelivered.attempts) == (JobStatus.DONE, 2)
    assert Finding.objects.count() == 1


def test_it_fails_a_job_whose_second_run_died_too():
    poison = job(JobStatus.IMPORTING, claimed=NOW - datetime.timedelta(minutes=3), attempts=2)

    assert services.import_job_run(job_id=poison.pk) is None

    poison.refresh_from_db()
    assert (poison.status, poison.attempts) == (JobStatus.FAILED, 2)
    assert "dừng đột ngột" in poison.error
    assert Finding.objects.count() == 0


def test_it_records_the_claim_of_each_run():
    queued = job(JobStatus.PREVIEW_QUEUED, attempts=0)

    services.import_job_run(job_id=queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.attempts, queued.claimed_at) == (JobStatus.PREVIEWED, 1, NOW)


def test_it_shows_why_a_job_failed(admin_client, admin_user):
    stuck = job(JobStatus.PREVIEWING, claimed=NOW - 2 * LIMIT, user=admin_user)
    services.import_jobs_fail_stuck()

    page = admin_client.get(reverse("admin:remediation_finding_import_job", args=[stuck.pk]))

    assert "Tiến trình xử lý tệp đã dừng đột ngột" in page.text
