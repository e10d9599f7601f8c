from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Agency, Role
from reform_tracker.imports.progress import percent, progress_get
from reform_tracker.memory import collection_paused

from ..models import ExportFormat, ExportJob, ExportKind
from ..reports.jobs import (
    CONTENT_TYPES,
    agency_report_export,
    export_job_create,
    export_params,
    summary_export,
)
from ..selectors import visible_agency_ids
from ..selectors_dashboard import agency_report_tasks, dashboard_figures, dashboard_tasks
from .forms import DashboardFilterForm
from .page import page_context
from .presentation import TablePage

AGENCIES_PER_PAGE = 100


@require_GET
@login_required
def dashboard(request):
    form = DashboardFilterForm(request.GET)
    page = TablePage.parse(request.GET.get("sap_xep"), request.GET.get("trang"), AGENCIES_PER_PAGE)
    with collection_paused():  # tens of thousands of rows' objects, no cycles
        figures = dashboard_figures(user=request.user, form=form, page=page)
        context = page_context(figures, form, page=page)
        context["can_report"] = request.user.sees_all_agencies or (
            request.user.role == Role.LEADER and request.user.agency_id
        )
        return render(request, "dashboard/index.html", context)


def _attachment(data: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def export_start(request):
    """The synthesis of the dashboard's current filters: written now when
    small, else queued for Celery with a progress page."""
    fmt = request.POST.get("dinh_dang")
    if fmt not in ExportFormat.values:
        raise Http404
    params = export_params(request.POST)
    form = DashboardFilterForm(params)
    size = dashboard_tasks(user=request.user, form=form).count()
    if size <= settings.EXPORT_ASYNC_TASK_THRESHOLD:
        data, name = summary_export(user=request.user, params=params, fmt=fmt)
        return _attachment(data, name, fmt)
    job = export_job_create(user=request.user, params=params, fmt=fmt)
    return redirect("dashboard_export_job", job_id=job.pk)


def _own_job(request, job_id) -> ExportJob:
    """Only the user who asked for a synthesis gets it: its figures are of their scope."""
    return get_object_or_404(ExportJob, pk=job_id, created_by=request.user)


def _job_percent(job: ExportJob, progress: dict) -> int:
    return 100 if not job.is_running else min(percent(progress), 99)


@require_GET
@login_required
def export_job(request, job_id):
    job = _own_job(request, job_id)
    progress = progress_get(job.pk)
    return render(
        request,
        "dashboard/export_job.html",
        {
            "job": job,
            "progress": _job_percent(job, progress),
            "status_url": reverse("dashboard_export_status", args=[job.pk]),
            "download_url": reverse("dashboard_export_download", args=[job.pk]),
        },
    )


@require_GET
@login_required
def export_status(request, job_id):
    job = _own_job(request, job_id)
    progress = progress_get(job.pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "running": job.is_running,
            "percent": _job_percent(job, progress),
            "phase": progress["phase"],
            "done": progress["done"],
            "total": progress["total"],
        }
    )


@require_GET
@login_required
def export_download(request, job_id):
    job = _own_job(request, job_id)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[job.format],
    )


@require_http_methods(["GET", "POST"])
@login_required
def agency_report(request, agency_id: int):
    """An agency's report, for its leader (or a leader above it) and Home
    Affairs; any other agency's id is not found. Written now for an agency of
    up to ``AGENCY_REPORT_ASYNC_TASKS`` tasks; a larger one is offered as a
    background job (a GET must not start one), which the POST starts."""
    agency = get_object_or_404(Agency.objects.select_related("parent"), pk=agency_id)
    visible = visible_agency_ids(user=request.user)
    if visible is not None and agency.pk not in visible:
        raise Http404
    if not (request.user.sees_all_agencies or request.user.role == Role.LEADER):
        raise PermissionDenied
    # ``ngay`` (dd/mm/yyyy): the report's date, and the date its statuses are as of.
    day = request.POST.get("ngay") or request.GET.get("ngay", "")
    today = DashboardFilterForm({"ngay": day}).as_of()
    size = agency_report_tasks(user=request.user, agency=agency).count()
    if size <= settings.AGENCY_REPORT_ASYNC_TASKS:
        data, name = agency_report_export(user=request.user, agency=agency, today=today)
        return _attachment(data, name, ExportFormat.DOCX)
    if request.method == "POST":
        job = export_job_create(
            user=request.user,
            params={"co_quan": agency.pk, "ngay": today.strftime("%d/%m/%Y")},
            fmt=ExportFormat.DOCX,
            kind=ExportKind.AGENCY,
        )
        return redirect("dashboard_export_job", job_id=job.pk)
    return render(
        request,
        "dashboard/agency_report_start.html",
        {"agency": agency, "size": size, "today": today},
    )
