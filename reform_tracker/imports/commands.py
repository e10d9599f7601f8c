from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from .services import import_run


class ImportCommand(BaseCommand):
    """``manage.py import_<kind> FILE [--dry-run]``: all rows or none."""

    kind: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help=_("Tệp Excel (.xlsx)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi dữ liệu")
        )

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(file)s: %(error)s")
                % {"file": file, "error": error.strerror}
            ) from error
        summary = import_run(kind=self.kind, data=data, dry_run=dry_run)
        if not summary.ok:
            for error in summary.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)s lỗi: không có dữ liệu nào được ghi.") % {"count": len(summary.errors)}
            )
        prefix = _("Kiểm tra (không ghi): ") if dry_run else _("Đã nhập: ")
        self.stdout.write(self.style.SUCCESS(prefix + summary.describe()))
