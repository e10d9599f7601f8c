from django.core.management.base import BaseCommand

from remediation.services.report_cycles import report_cycles_create

from ._dates import add_as_of, as_of_date


class Command(BaseCommand):
    help = "Tạo nhiệm vụ báo cáo định kỳ đến kỳ (như lịch hằng ngày); chạy lại không tạo trùng."

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        as_of = as_of_date(options["as_of"])
        created = report_cycles_create(as_of=as_of)
        self.stdout.write(
            self.style.SUCCESS(f"Ngày {as_of:%d/%m/%Y}: tạo {created} nhiệm vụ báo cáo định kỳ.")
        )
