"""python manage.py export_summary --output FILE [--as-of DD/MM/YYYY]"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.models import Role, User
from remediation.models import ExportFormat
from remediation.reports.jobs import summary_export

from ._dates import add_as_of, as_of_date


class Command(BaseCommand):
    help = (
        "Lập báo cáo tổng hợp toàn tỉnh kết quả khắc phục tồn tại, hạn chế: .xlsx hoặc .docx "
        "theo phần mở rộng của tệp --output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="tệp kết quả (.xlsx hoặc .docx)")
        add_as_of(parser, help="tính đến ngày dd/mm/yyyy (mặc định: hôm nay)")

    def handle(self, *args, output: str, as_of: str | None = None, **options):
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ExportFormat.values:
            raise CommandError(
                _(
                    "Định dạng tệp '%(ext)s' không được hỗ trợ (--output %(path)s): dùng .xlsx hoặc .docx."
                )
                % {"ext": path.suffix or _("(không có)"), "path": output}
            )
        params = {}
        if as_of:
            params["ngay"] = as_of_date(as_of).strftime("%d/%m/%Y")
        if not path.parent.resolve().is_dir():
            raise CommandError(
                _("Thư mục '%(folder)s' không tồn tại (--output %(path)s).")
                % {"folder": path.parent, "path": output}
            )
        # The province, through the same scope rule as a coordinator's page.
        province = User(username="export_summary", role=Role.COORDINATOR, is_active=True)
        data, _name = summary_export(user=province, params=params, fmt=fmt)
        # Written beside the target, then renamed: a failure leaves no half file.
        with tempfile.NamedTemporaryFile(dir=path.parent.resolve(), delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
        self.stdout.write(
            _("Đã ghi %(path)s (%(size)s byte).") % {"path": output, "size": len(data)}
        )
