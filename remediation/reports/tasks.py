"""Celery entry points of the dashboard and the syntheses (registered through
``remediation.tasks``)."""

from __future__ import annotations

from celery import shared_task

from ..dashboard.snapshot import dashboard_snapshot_refresh


@shared_task(name="remediation.export_summary", acks_late=True)
def export_summary(job_id: str) -> str | None:
    """Writes a queued ``ExportJob``: a synthesis or an agency's report."""
    from .jobs import export_job_run

    job = export_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(name="remediation.refresh_dashboard_snapshot", ignore_result=True)
def refresh_dashboard_snapshot() -> None:
    dashboard_snapshot_refresh()
