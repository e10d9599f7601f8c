"""The demo reaches every agency: official mailboxes, a periodic-report
obligation, and a sweep of the 2019 scenario mailing its agencies."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from agencies.models import Agency
from reform_tracker import celery_app
from remediation.models import ReportingCycleTask, ReportingObligation, ReportPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    call_command("load_demo", "--force", stdout=StringIO())


def test_it_gives_every_demo_agency_a_mailbox(demo):
    assert not Agency.objects.filter(official_email="").exists()
    assert Agency.objects.get(code="SNV").official_email == "snv@tuyenquang.example.vn"


def test_it_keeps_one_obligation_when_loaded_again(demo):
    call_command("load_demo", "--force", stdout=StringIO())

    obligation = ReportingObligation.objects.get()
    assert obligation.directive.symbol == "57/TB-UBND"
    assert obligation.agencies.count() == 11


def test_it_mails_the_agencies_of_the_2019_scenario(demo):
    out = StringIO()
    call_command("send_reminders", "--as-of", "29/11/2019", stdout=out)

    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {
        "chiemhoa-yennguyen@tuyenquang.example.vn",  # in progress
        "nahang@tuyenquang.example.vn",  # returned for more
        "nahang-nangkha@tuyenquang.example.vn",  # open
        "snnptnt@tuyenquang.example.vn",  # in progress
        "sonoivu@example.com",  # KT2019-05 of Sở TN&MT, submitted: review reminder
    }
    assert "5 thư tổng hợp (mỗi người nhận một thư): đã gửi 5, lỗi 0" in out.getvalue()


def test_it_creates_the_demo_report_tasks_by_command(demo):
    out = StringIO()
    call_command("create_report_tasks", "--as-of", "01/12/2019", stdout=out)

    assert out.getvalue() == "Ngày 01/12/2019: tạo 11 nhiệm vụ báo cáo định kỳ.\n"
    assert set(ReportingCycleTask.objects.values_list("period", flat=True)) == {ReportPeriod.YEAR}
