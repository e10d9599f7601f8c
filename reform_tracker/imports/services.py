"""Imports as ImportJobs: every import, from the admin (small files inline,
large ones in Celery) or from a command, leaves one record: who, when, which
file, its counts and its result."""

from __future__ import annotations

import datetime
import logging
import os

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .engine import ImportSummary, RowError
from .models import ImportJob, JobStatus
from .progress import progress_set
from .registry import importer_class

logger = logging.getLogger(__name__)

# A job runs at most twice: once, and once more if its worker died.
MAX_ATTEMPTS = 2


def import_run(*, kind: str, data: bytes, dry_run: bool, job_id=None) -> ImportSummary:
    """Run an import now, reporting progress under ``job_id`` when given."""
    progress = None
    if job_id is not None:

        def progress(phase: str, done: int, of: int) -> None:
            progress_set(job_id, phase=phase, done=done, total=of)

    return importer_class(kind)(progress=progress).run(data, dry_run=dry_run)


def import_job_create(
    *,
    kind: str,
    upload: File,
    user: AbstractBaseUser | None,
    dry_run: bool = True,
) -> ImportJob:
    """Store a workbook as a job waiting for its preview (or, ``dry_run=False``,
    for its import: the commands have no preview step). A file over the size
    limit is not stored: its job is rejected at once."""
    name = os.path.basename(upload.name or "")[:255]
    status = JobStatus.PREVIEW_QUEUED if dry_run else JobStatus.IMPORT_QUEUED
    job = ImportJob(kind=kind, file_name=name, created_by=user, status=status)
    if upload.size > settings.IMPORT_MAX_FILE_SIZE:
        message = _("Tệp quá lớn (%(size).1f MB); giới hạn là %(limit).1f MB.") % {
            "size": upload.size / 1_048_576,
            "limit": settings.IMPORT_MAX_FILE_SIZE / 1_048_576,
        }
        return import_job_reject(job=job, message=message)
    job.file.save(name or "tep.xlsx", upload, save=False)
    job.save()
    progress_set(job.pk, phase="queued", done=0, total=0)
    return job


def import_job_reject(*, job: ImportJob, message: str) -> ImportJob:
    """Close a job refused as a whole file, before any row was read."""
    summary = importer_class(job.kind).summary(dry_run=job.status == JobStatus.PREVIEW_QUEUED)
    summary.errors.append(RowError(None, "", message))
    if job.status == JobStatus.PREVIEW_QUEUED:
        job.preview = summary.to_dict()
    else:
        job.result = summary.to_dict()
    job.status, job.finished_at = JobStatus.REJECTED, timezone.now()
    job.save()
    return job


def import_job_queue(*, job: ImportJob) -> None:
    """Run the job's waiting step in a worker, once the job is committed."""
    from .tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(str(job.pk)))


def import_job_confirm(*, job: ImportJob, inline: bool = False) -> bool:
    """Import a previewed job, now or in a worker; False if it was not waiting
    (a second click, a replayed form)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
        status=JobStatus.IMPORT_QUEUED
    )
    if not claimed:
        return False
    progress_set(job.pk, phase="queued", done=0, total=0)
    if inline:
        import_job_run(job_id=job.pk)
    else:
        import_job_queue(job=job)
    return True


# Which status a waiting job moves to, and whether that step is a dry run.
_STEPS = {
    JobStatus.PREVIEW_QUEUED: (JobStatus.PREVIEWING, True),
    JobStatus.IMPORT_QUEUED: (JobStatus.IMPORTING, False),
    JobStatus.PREVIEWING: (JobStatus.PREVIEWING, True),
    JobStatus.IMPORTING: (JobStatus.IMPORTING, False),
}


def import_job_run(*, job_id) -> ImportJob | None:
    """Run the waiting step of a job; claim it first, so two workers never
    both run it.

    A job found already running was claimed by a worker that died (the broker
    hands its message out again): it runs once more, then fails.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in _STEPS:
        return None
    running, dry_run = _STEPS[job.status]
    if job.status == running and job.attempts >= MAX_ATTEMPTS:
        _fail(job, _died_message())
        return None
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=running, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        summary = import_run(kind=job.kind, data=data, dry_run=dry_run, job_id=job.pk)
    except SoftTimeLimitExceeded:
        _fail(job, _time_limit_message())
        raise
    except Exception as error:
        logger.exception("Import job %s failed", job.pk)
        _fail(job, repr(error)[:2000])
        raise
    if dry_run:
        job.preview = summary.to_dict()
        job.status = JobStatus.PREVIEWED if summary.ok else JobStatus.REJECTED
    else:
        job.result = summary.to_dict()
        job.status = JobStatus.DONE if summary.ok else JobStatus.REJECTED
    job.finished_at = timezone.now()
    job.save(update_fields=["preview", "result", "status", "finished_at"])
    progress_set(job.pk, phase="done", done=summary.total_rows, total=summary.total_rows)
    return job


def import_jobs_fail_stuck(*, now: datetime.datetime | None = None) -> int:
    """Fail every job whose claim is older than the task time limit: the
    worker that claimed it is gone (killed, out of memory, a native abort),
    and the claim would otherwise block the job for ever."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    stuck = ImportJob.objects.filter(
        status__in=[JobStatus.PREVIEWING, JobStatus.IMPORTING], claimed_at__lt=cutoff
    )
    failed = 0
    for job in stuck:
        failed += _fail(job, _died_message(), only_if_status=job.status)
    return failed


def _fail(job: ImportJob, message: str, *, only_if_status: str | None = None) -> int:
    jobs = ImportJob.objects.filter(pk=job.pk)
    if only_if_status is not None:
        jobs = jobs.filter(status=only_if_status, claimed_at=job.claimed_at)
    failed = jobs.update(status=JobStatus.FAILED, error=message, finished_at=timezone.now())
    if failed:
        progress_set(job.pk, phase="done", done=0, total=0)
    return failed


def _died_message() -> str:
    minutes = settings.CELERY_TASK_TIME_LIMIT // 60
    return _(
        "Tiến trình xử lý tệp đã dừng đột ngột hoặc chạy quá %(minutes)s phút; "
        "không có dữ liệu nào được ghi. Hãy kiểm tra tệp (có thể quá lớn) rồi tải lên lại."
    ) % {"minutes": minutes}


def _time_limit_message() -> str:
    return _(
        "Xử lý tệp vượt quá thời gian cho phép (%(minutes)s phút); không có dữ liệu nào "
        "được ghi. Hãy chia nhỏ tệp rồi tải lên lại."
    ) % {"minutes": settings.CELERY_TASK_SOFT_TIME_LIMIT // 60}
