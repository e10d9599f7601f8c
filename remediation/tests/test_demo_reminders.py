"""The demo reaches every agency: official mailboxes, a periodic-report
obligation, and a sweep of the 2019 scenario mailing its agencies."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from agencies.models import Agency, User
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

    # Due 30/11/2019, so 29/11 is the 1-day threshold. Every inspected
    # agency of the demo has an officer and a leader (canbo.<code>,
    # lanhdao.<code>), so users are reminded rather than mailboxes.
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {
        # KT2019-02, in progress: the agency's officer and leader
        "canbo.chiemhoa-yennguyen@example.com",
        "lanhdao.chiemhoa-yennguyen@example.com",
        # KT2019-07, returned for more
        "canbo.nahang@example.com",
        "lanhdao.nahang@example.com",
        # KT2019-09, open
        "canbo.nahang-nangkha@example.com",
        "lanhdao.nahang-nangkha@example.com",
        # KT2019-12, in progress
        "canbo.snnptnt@example.com",
        "lanhdao.snnptnt@example.com",
        # KT2019-13, awaiting approval: the leader only
        "lanhdao.stnmt@example.com",
        # KT2019-05, submitted: Home Affairs' review reminder, not the agency
        "sonoivu@example.com",
        # KT2019-14 is extended to 15/12/2019: no threshold on 29/11
    }
    assert "10 thư tổng hợp (mỗi người nhận một thư): đã gửi 10, lỗi 0" in out.getvalue()


def test_it_mails_an_agency_without_accounts_at_its_mailbox(demo):
    User.objects.filter(agency__code="SNNPTNT").update(is_active=False)
    call_command("send_reminders", "--as-of", "29/11/2019", stdout=StringIO())

    recipients = {address for message in mail.outbox for address in message.to}
    assert "snnptnt@tuyenquang.example.vn" in recipients
    assert "canbo.snnptnt@example.com" not in recipients


def test_it_creates_the_demo_report_tasks_by_command(demo):
    out = StringIO()
    call_command("create_report_tasks", "--as-of", "01/12/2019", stdout=out)

    assert out.getvalue() == "Ngày 01/12/2019: tạo 11 nhiệm vụ báo cáo định kỳ.\n"
    assert set(ReportingCycleTask.objects.values_list("period", flat=True)) == {ReportPeriod.YEAR}
