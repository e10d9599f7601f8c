from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from agencies.models import Role
from remediation.services.reminders import MAILBOX, reminders_sweep, threshold_label

from ._dates import add_as_of, as_of_date


class Command(BaseCommand):
    help = (
        "Quét nhắc hạn báo cáo như lịch hằng ngày (Celery beat), gửi ngay các thư tổng hợp "
        "và in kết quả."
    )

    def add_arguments(self, parser):
        add_as_of(parser)

    def handle(self, *args, **options):
        as_of = as_of_date(options["as_of"])
        with translation.override(settings.LANGUAGE_CODE):
            summary = reminders_sweep(as_of=as_of, synchronous=True)
            self.report(summary)

    def report(self, summary):
        write = self.stdout.write
        tasks = sum(summary.tasks_by_threshold.values())
        write(self.style.SUCCESS(f"Nhắc hạn ngày {summary.as_of:%d/%m/%Y}:"))
        write(f"  {summary.claimed} lượt nhắc mới cho {tasks} nhiệm vụ")
        for threshold, count in summary.tasks_by_threshold.items():
            write(f"    {threshold_label(threshold)}: {count} nhiệm vụ")
        write(
            f"  {len(summary.recipients)} thư tổng hợp (mỗi người nhận một thư): "
            f"đã gửi {summary.sent}, lỗi {summary.failed}"
        )
        labels = {**dict(Role.choices), MAILBOX: "Hộp thư công vụ của cơ quan"}
        for kind, count in sorted(summary.recipients_by_kind.items()):
            write(f"    {labels.get(kind, kind)}: {count}")
        if summary.failed:
            write(
                self.style.WARNING(
                    f"  {summary.failed} thư chưa gửi được: lần quét sau sẽ gửi lại."
                )
            )
