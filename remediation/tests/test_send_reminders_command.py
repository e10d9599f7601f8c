"""`manage.py send_reminders [--as-of DD/MM/YYYY]`: the daily sweep by hand."""

from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from agencies.tests.factories import AgencyFactory
from remediation.models import ReminderLog, TaskStatus
from remediation.tests.reminder_helpers import DUE, at, day, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(monkeypatch):
    return make_scene(monkeypatch)


def send_reminders(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_sends_the_digests_at_once_and_prints_a_vietnamese_summary(scene):
    scene.task(due_date=DUE)
    scene.task(due_date=DUE, status=TaskStatus.SUBMITTED)
    scene.task(lead_agency=AgencyFactory(official_email="xa@tuyenquang.example.vn"), due_date=DUE)
    scene.task(due_date=day("20/11/2019"))

    output = send_reminders("--as-of", "29/11/2019")

    assert len(mail.outbox) == 5
    assert output.splitlines() == [
        "Nhắc hạn ngày 29/11/2019:",
        "  8 lượt nhắc mới cho 4 nhiệm vụ",
        "    1 ngày trước hạn: 3 nhiệm vụ",
        "    quá hạn 8 ngày: 1 nhiệm vụ",
        "  5 thư tổng hợp (mỗi người nhận một thư): đã gửi 5, lỗi 0",
        "    Chuyên viên Sở Nội vụ (điều phối): 1",
        "    Lãnh đạo cơ quan: 1",
        "    Hộp thư công vụ của cơ quan: 1",
        "    Cơ quan theo dõi lĩnh vực: 1",
        "    Cán bộ cơ quan: 1",
    ]


def test_it_sweeps_today_in_vietnam_by_default(scene):
    task = scene.task(due_date=DUE)

    with time_machine.travel(at(day("23/11/2019"), 6, 0), tick=False):
        output = send_reminders()

    assert output.startswith("Nhắc hạn ngày 23/11/2019:")
    assert ReminderLog.objects.filter(task=task, threshold=-7).count() == 2


def test_it_sends_nothing_the_second_time(scene):
    scene.task(due_date=DUE)
    send_reminders("--as-of", "29/11/2019")

    output = send_reminders("--as-of", "29/11/2019")

    assert "  0 lượt nhắc mới cho 0 nhiệm vụ" in output
    assert "  0 thư tổng hợp (mỗi người nhận một thư): đã gửi 0, lỗi 0" in output
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("value", ["31/11/2019", "11/29/2019", "hôm nay"])
def test_it_refuses_a_bad_date_in_vietnamese_and_sends_nothing(scene, value):
    scene.task(due_date=DUE)

    with pytest.raises(CommandError) as error:
        send_reminders("--as-of", value)

    assert str(error.value) == (
        f"--as-of: “{value}” không phải là ngày hợp lệ; ghi theo dạng dd/mm/yyyy, ví dụ 29/11/2019."
    )
    assert not ReminderLog.objects.exists()
    assert mail.outbox == []
