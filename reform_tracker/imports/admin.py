"""Admin integration: django-import-export's upload / preview / confirm flow on
our engine, with large workbooks sent to Celery behind a progress page."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin

from . import services
from .engine import ImportSummary
from .formats import SummaryResult, WorkbookFormat
from .models import ImportJob, JobStatus
from .preflight import check_workbook
from .progress import percent, progress_get
from .registry import importer_class
from .templates import template_filename, template_workbook
from .workbook import WorkbookError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def job_percent(job: ImportJob, progress: dict | None = None) -> int:
    if not job.is_running:
        return 100
    # The engine reports "done" a moment before the job is saved.
    return min(percent(progress or progress_get(job.pk)), 99)


class WorkbookImportMixin(ImportMixin):
    """For a ModelAdmin whose resource is a ``WorkbookResource``."""

    import_kind: str
    import_formats = [WorkbookFormat]
    import_template_name = "admin/imports/import.html"
    # Both buttons: the export link shows when the admin also has ExportMixin.
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    skip_admin_log = True  # one log entry per row would cost as much as the import

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/template/",
                wrap(self.import_template_view),
                name=self.url_name("import_template"),
            ),
            path(
                "import/jobs/<uuid:job_id>/",
                wrap(self.import_job_view),
                name=self.url_name("import_job"),
            ),
            path(
                "import/jobs/<uuid:job_id>/status/",
                wrap(self.import_job_status_view),
                name=self.url_name("import_job_status"),
            ),
            path(
                "import/jobs/<uuid:job_id>/confirm/",
                wrap(require_POST(self.import_job_confirm_view)),
                name=self.url_name("import_job_confirm"),
            ),
            *super().get_urls(),
        ]

    def get_import_context_data(self, **kwargs):
        return {
            "import_kind": self.import_kind,
            "import_headers": importer_class(self.import_kind).headers(),
            "import_required": importer_class(self.import_kind).required,
            "async_threshold": settings.IMPORT_ASYNC_ROW_THRESHOLD,
            "max_size_mb": settings.IMPORT_MAX_FILE_SIZE / 1_048_576,
            **super().get_import_context_data(**kwargs),
        }

    def has_import_permission(self, request) -> bool:
        # An import adds and changes rows: being staff is not enough.
        return self.has_add_permission(request) and self.has_change_permission(request)

    # Upload, preview, confirm --------------------------------------------------
    #
    # Every upload becomes an ImportJob owned by its uploader: the confirm form
    # carries the job's id, never a file name, and only that user's job that
    # still waits for confirmation is imported.

    def import_action(self, request, **kwargs):
        if request.method != "POST" or not self.has_import_permission(request):
            return super().import_action(request, **kwargs)
        form = self.create_import_form(request)
        if not form.is_valid():
            return super().import_action(request, **kwargs)
        upload = form.cleaned_data["import_file"]
        job = services.import_job_create(kind=self.import_kind, upload=upload, user=request.user)
        if job.status == JobStatus.REJECTED:
            return self.import_refused(request, form, job.preview["errors"][0]["message"])
        with job.file.open("rb") as handle:
            data = handle.read()
        try:
            # Bounded: stops reading once a sheet has more rows than the
            # threshold (and its header); such a file goes to a worker.
            facts = check_workbook(data, stop_after_rows=settings.IMPORT_ASYNC_ROW_THRESHOLD + 1)
        except WorkbookError as error:
            services.import_job_reject(job=job, message=str(error))
            return self.import_refused(request, form, str(error))
        if facts.stopped:
            services.import_job_queue(job=job)
            return redirect(self.job_url(job))
        job = services.import_job_run(job_id=job.pk)
        summary = ImportSummary.from_dict(job.preview)
        upload.tmp_storage_name = str(job.pk)  # what the confirm form carries
        confirm_form = self.create_confirm_form(request, import_form=form) if summary.ok else None
        return self.import_page(request, form, result=SummaryResult(summary), confirm=confirm_form)

    def import_refused(self, request, form, message: str):
        form.add_error("import_file", message)
        return self.import_page(request, form)

    def import_page(self, request, form, *, result=None, confirm=None):
        """The page import-export's import_action renders, from our job."""
        resource_kwargs = self.get_import_resource_kwargs(request, form=form)
        resource = self.choose_import_resource_class(form, request)(**resource_kwargs)
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Nhập dữ liệu"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [f.column_name for f in resource.get_user_visible_fields()],
                )
            ],
            "import_error_display": self.import_error_display,
        }
        if result is not None:
            context["result"] = result
        if confirm is not None:
            context["confirm_form"] = confirm
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        job = self.own_job(request, form.data.get("import_file_name", ""))
        if job is None:
            messages.error(
                request,
                _("Không tìm thấy tệp bạn đã tải lên để nhập; hãy tải tệp lên lại."),
            )
            return redirect(f"admin:{self.url_name('import')}")
        confirmed = services.import_job_confirm(job=job, inline=True)
        job.refresh_from_db()
        if not confirmed or job.result is None:  # a replay, or a run claimed elsewhere
            messages.error(request, _("Lượt nhập này không còn chờ xác nhận."))
            return redirect(self.job_url(job))
        return self.process_result(SummaryResult(ImportSummary.from_dict(job.result)), request)

    def own_job(self, request, job_id: str) -> ImportJob | None:
        """The user's own job of this kind: never another user's file."""
        try:
            pk = uuid.UUID(str(job_id))
        except ValueError:
            return None
        return ImportJob.objects.filter(
            pk=pk, kind=self.import_kind, created_by=request.user
        ).first()

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, WorkbookError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("Không đọc được tệp: hãy tải lên tệp Excel (.xlsx)."))

    def add_success_message(self, result, request):
        summary = result.summary
        if not summary.ok:  # the data changed after the preview: nothing was written
            errors = "; ".join(str(error) for error in summary.errors[:10])
            messages.error(request, _("Không nhập được, không có dữ liệu nào được ghi: ") + errors)
            return
        messages.success(request, _("Đã nhập xong. ") + summary.describe())

    # Template download ------------------------------------------------------

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise Http404
        importer = importer_class(self.import_kind)
        response = HttpResponse(template_workbook(importer), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{template_filename(importer)}"'
        return response

    # Background jobs -------------------------------------------------------------

    def url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def job_url(self, job: ImportJob) -> str:
        return reverse(f"admin:{self.url_name('import_job')}", args=[job.pk])

    def get_job(self, request, job_id) -> ImportJob:
        # A job is seen only by whoever uploaded it (or a superuser).
        if not self.has_import_permission(request):
            raise Http404
        jobs = ImportJob.objects.filter(kind=self.import_kind)
        if not request.user.is_superuser:
            jobs = jobs.filter(created_by=request.user)
        return get_object_or_404(jobs, pk=job_id)

    def import_job_view(self, request, job_id):
        job = self.get_job(request, job_id)
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Nhập dữ liệu: %(name)s") % {"name": job.file_name},
            "opts": self.opts,
            "job": job,
            "progress": job_percent(job),
            "preview": job.preview and ImportSummary.from_dict(job.preview),
            "result": job.result and ImportSummary.from_dict(job.result),
            "status_url": reverse(f"admin:{self.url_name('import_job_status')}", args=[job.pk]),
        }
        return TemplateResponse(request, "admin/imports/job.html", context)

    def import_job_status_view(self, request, job_id):
        job = self.get_job(request, job_id)
        progress = progress_get(job.pk)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "running": job.is_running,
                "percent": job_percent(job, progress),
                "phase": progress["phase"],
                "done": progress["done"],
                "total": progress["total"],
            }
        )

    def import_job_confirm_view(self, request, job_id):
        job = self.get_job(request, job_id)
        if not services.import_job_confirm(job=job, inline=False):
            messages.error(request, _("Lượt nhập này không còn chờ xác nhận."))
        return redirect(self.job_url(job))


class ImportKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("loại dữ liệu")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, importer_class(kind).label) for kind in settings.IMPORTERS]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """A job shows its uploader's file, preview and errors: only the
    uploader and superusers see it, whatever their view permission."""

    list_display = ["file_name", "kind_label", "status", "created_by", "created_at", "finished_at"]
    list_filter = [ImportKindFilter, "status"]
    search_fields = ["file_name", "created_by__username"]
    fields = [
        "file_name", "file_link", "kind_label", "status", "created_by", "created_at",
        "claimed_at", "attempts", "finished_at", "error", "preview", "result",
    ]  # fmt: skip
    readonly_fields = fields
    list_select_related = ["created_by"]

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(created_by=request.user)

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<uuid:job_id>/tep/",
                self.admin_site.admin_view(self.file_view),
                name="imports_importjob_file",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("loại dữ liệu"), ordering="kind")
    def kind_label(self, job: ImportJob) -> str:
        return job.kind_label

    @admin.display(description=gettext_lazy("tệp"))
    def file_link(self, job: ImportJob) -> str:
        # Not the file's MEDIA_URL: nothing there is served, and a link must
        # check who asks (file_view).
        if not job.file:
            return "-"
        url = reverse("admin:imports_importjob_file", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, job.file_name)

    def file_view(self, request, job_id):
        """The uploaded workbook, for its uploader or a superuser."""
        job = get_object_or_404(self.get_queryset(request), pk=job_id)
        if not self.has_view_permission(request, job) or not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=job.file_name or "tep.xlsx")
