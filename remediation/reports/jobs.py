"""Writing the province synthesis and an agency's report: now (small) or as a
background job (large)."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from agencies.models import Agency, User
from reform_tracker.imports.progress import progress_set

from ..dashboard.figures import Figures
from ..dashboard.forms import DASHBOARD_FIELDS, DashboardFilterForm
from ..models import ExportFormat, ExportJob, ExportKind, ExportStatus
from ..selectors import visible_agency_ids
from ..selectors_dashboard import agency_report_tasks, dashboard_figures, dashboard_tasks
from .agency_docx import agency_document
from .summary_docx import Issuer, summary_document
from .xlsx import summary_workbook

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def export_params(data) -> dict[str, str]:
    """The dashboard filters of a request (GET/POST) or a dict, as stored on a job."""
    return {name: str(data.get(name)).strip() for name in DASHBOARD_FIELDS if data.get(name)}


@dataclasses.dataclass
class Synthesis:
    form: DashboardFilterForm
    figures: Figures
    scope: str
    filters: str
    issuer: Issuer


def _filters_text(form: DashboardFilterForm) -> str:
    parts = []
    for name, value in form.active().items():
        field = form.fields[name]
        choices = dict(getattr(field.widget, "choices", []))
        shown = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
        parts.append(f"{field.label}: {choices.get(value, choices.get(str(value), shown))}")
    return "; ".join(str(part) for part in parts)


def synthesis(*, user: User, params: dict[str, str]) -> Synthesis:
    """Live figures (never the snapshot): a report is exact as of its date."""
    form = DashboardFilterForm(params)
    figures = dashboard_figures(user=user, form=form, live=True)
    if visible_agency_ids(user=user) is None:
        scope, issuer = _("toàn tỉnh"), Issuer.from_settings()
    else:
        agency = user.agency
        scope = _("%(agency)s và các đơn vị trực thuộc") % {"agency": agency.name}
        parent = agency.parent.name if agency.parent else Issuer.from_settings().superior
        issuer = Issuer(parent, agency.name, f"BC-{agency.code}")
    return Synthesis(form, figures, scope, _filters_text(form), issuer)


def summary_export(
    *,
    user: User,
    params: dict[str, str],
    fmt: str,
    progress: Callable[[str, int, int], None] = lambda phase, done, total: None,
) -> tuple[bytes, str]:
    """The synthesis file and its name (tong-hop-cchc-<as-of>.<fmt>)."""
    with translation.override("vi"):  # an administrative document is Vietnamese
        progress("figures", 0, 0)
        result = synthesis(user=user, params=params)
        figures = result.figures
        if fmt == ExportFormat.XLSX:
            total = figures.total.overdue
            data = summary_workbook(
                figures=figures,
                tasks=dashboard_tasks(user=user, form=result.form),
                scope=f"{result.scope} ({result.filters})" if result.filters else result.scope,
                progress=lambda done, _total: progress("overdue", done, total),
            )
        else:
            data = summary_document(
                figures=figures, issuer=result.issuer, scope=result.scope, filters=result.filters
            )
    return data, f"tong-hop-cchc-{figures.as_of.isoformat()}.{fmt}"


def agency_report_export(*, user: User, agency: Agency, today: datetime.date) -> tuple[bytes, str]:
    """An agency's report (.docx), written from the tasks it leads within
    the user's scope, and its name (bao-cao-khac-phuc-<code>-<date>.docx)."""
    tasks = list(agency_report_tasks(user=user, agency=agency))
    with translation.override("vi"):  # an administrative document is Vietnamese
        data = agency_document(agency=agency, tasks=tasks, user=user, today=today)
    return data, f"bao-cao-khac-phuc-{slugify(agency.code)}-{today.isoformat()}.docx"


def export_job_create(
    *, user: User, params: dict[str, Any], fmt: str, kind: str = ExportKind.SUMMARY
) -> ExportJob:
    from .tasks import export_summary

    job = ExportJob.objects.create(created_by=user, kind=kind, format=fmt, params=params)
    progress_set(job.pk, phase="queued", done=0, total=0)
    transaction.on_commit(lambda: export_summary.delay(str(job.pk)))
    return job


def _job_file(job: ExportJob, progress: Callable[[str, int, int], None]) -> tuple[bytes, str]:
    if job.kind == ExportKind.AGENCY:
        # The user's scope applies again: the job runs with its author's rights.
        progress("report", 0, 0)
        agency = Agency.objects.select_related("parent").get(pk=job.params["co_quan"])
        today = DashboardFilterForm({"ngay": job.params["ngay"]}).as_of()
        return agency_report_export(user=job.created_by, agency=agency, today=today)
    return summary_export(user=job.created_by, params=job.params, fmt=job.format, progress=progress)


def export_job_run(*, job_id: Any) -> ExportJob | None:
    """Write a queued job's file once: claimed first, so two workers never both run it."""
    if not ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    ):
        return None
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(phase: str, done: int, total: int) -> None:
        progress_set(job.pk, phase=phase, done=done, total=total)

    try:
        data, name = _job_file(job, progress)
        job.file.save(name, ContentFile(data), save=False)
    except Exception as error:
        logger.exception("Export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=repr(error)[:2000], finished_at=timezone.now()
        )
        progress("done", 0, 0)
        raise
    job.status, job.finished_at = ExportStatus.DONE, timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
    progress("done", 1, 1)
    return job
