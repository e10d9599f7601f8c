from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from remediation.demo import load_demo_scenario
from remediation.demo_reports import load_demo_reporting

LABELS = {
    "agencies": "cơ quan",
    "reform_areas": "lĩnh vực CCHC (gán cơ quan theo dõi)",
    "directives": "văn bản chỉ đạo",
    "directive_links": "liên kết văn bản",
    "inspections": "đợt kiểm tra",
    "findings": "tồn tại, hạn chế",
    "tasks": "nhiệm vụ khắc phục",
    "reports": "báo cáo khắc phục (các lần báo cáo)",
    "events": "bước xử lý trong lịch sử nhiệm vụ",
    "extensions": "đề nghị gia hạn",
    "users": "người dùng mẫu (mật khẩu demo12345)",
    "reporting_obligations": "chế độ báo cáo định kỳ (quý, năm 2019)",
}


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: kiểm tra công tác CCHC năm 2019 của tỉnh Tuyên Quang."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Chạy cả khi DEBUG tắt (tạo tài khoản quản trị có mật khẩu công khai).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Dữ liệu mẫu tạo tài khoản có mật khẩu công khai: chỉ chạy khi DEBUG=1, "
                "hoặc thêm --force."
            )
        counts = load_demo_scenario()
        counts["reporting_obligations"] = load_demo_reporting()
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu:"))
        for key, label in LABELS.items():
            self.stdout.write(f"  {counts[key]} {label}")
