from celery import shared_task

from . import services


# acks_late with reject_on_worker_lost: a worker that dies mid-import hands the
# message back, and import_job_run allows one more attempt before failing.
@shared_task(name="imports.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job(job_id: str) -> str | None:
    job = services.import_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(name="imports.fail_stuck_jobs")
def fail_stuck_jobs() -> int:
    return services.import_jobs_fail_stuck()
