from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .engine import ImportSummary
from .models import ImportJob, JobStatus
from .progress import progress_set
from .registry import importer_class

logger = logging.getLogger(__name__)


def import_run(*, kind: str, data: bytes, dry_run: bool, job_id=None) -> ImportSummary:
    """Run an import now, reporting progress under ``job_id`` when given."""
    progress = None
    if job_id is not None:

        def progress(phase: str, done: int, of: int) -> None:
            progress_set(job_id, phase=phase, done=done, total=of)

    return importer_class(kind)(progress=progress).run(data, dry_run=dry_run)


def import_job_create(*, kind: str, upload: UploadedFile, user: AbstractBaseUser) -> ImportJob:
    """Store a large workbook and queue its preview (dry run)."""
    from .tasks import run_import_job

    job = ImportJob(kind=kind, file_name=upload.name, created_by=user)
    job.file.save(upload.name, upload, save=False)
    job.save()
    progress_set(job.pk, phase="queued", done=0, total=0)
    transaction.on_commit(lambda: run_import_job.delay(str(job.pk)))
    return job


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue the real import of a previewed job; False if it was not waiting."""
    from .tasks import run_import_job

    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.PREVIEWED).update(
        status=JobStatus.IMPORT_QUEUED
    )
    if claimed:
        progress_set(job.pk, phase="queued", done=0, total=0)
        transaction.on_commit(lambda: run_import_job.delay(str(job.pk)))
    return bool(claimed)


# Which status a queued job moves to, and where it ends.
_STEPS = {
    JobStatus.PREVIEW_QUEUED: (JobStatus.PREVIEWING, True),
    JobStatus.IMPORT_QUEUED: (JobStatus.IMPORTING, False),
}


def import_job_run(*, job_id) -> ImportJob | None:
    """Run the queued step of a job once: claim it first, so two workers never
    both run it."""
    job = ImportJob.objects.get(pk=job_id)
    step = _STEPS.get(job.status)
    if step is None:
        return None
    running, dry_run = step
    if not ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=running):
        return None
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        summary = import_run(kind=job.kind, data=data, dry_run=dry_run, job_id=job.pk)
    except Exception as error:
        logger.exception("Import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
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
