from celery import shared_task

from . import services


@shared_task(name="imports.run_import_job", acks_late=True)
def run_import_job(job_id: str) -> str | None:
    job = services.import_job_run(job_id=job_id)
    return job.status if job else None
