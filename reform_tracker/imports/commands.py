from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from .engine import ImportSummary
from .services import import_job_create, import_job_run


class ImportCommand(BaseCommand):
    """``manage.py import_<kind> FILE [--dry-run]``: all rows or none, recorded
    as an ImportJob without an uploader."""

    kind: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Tệp Excel (.xlsx)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi dữ liệu")
        )

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            with file.open("rb") as handle:
                job = import_job_create(
                    kind=self.kind, upload=File(handle, name=file.name), user=None, dry_run=dry_run
                )
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(file)s: %(error)s")
                % {"file": file, "error": error.strerror}
            ) from error
        job = import_job_run(job_id=job.pk) or job
        summary = ImportSummary.from_dict(job.preview if dry_run else job.result)
        if not summary.ok:
            for error in summary.errors:
                self.stderr.write(str(error))
            if summary.errors_omitted:
                self.stderr.write(_("… và %(count)s lỗi khác.") % {"count": summary.errors_omitted})
            raise CommandError(
                _("%(count)s lỗi: không có dữ liệu nào được ghi.") % {"count": summary.error_count}
            )
        prefix = _("Kiểm tra (không ghi): ") if dry_run else _("Đã nhập: ")
        self.stdout.write(self.style.SUCCESS(prefix + summary.describe()))
