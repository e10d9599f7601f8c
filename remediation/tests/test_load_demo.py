import datetime
import unicodedata
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, ReformArea, Role, User
from directives.models import Directive, DirectiveLink
from remediation.models import (
    DeadlineState,
    ExtensionRequest,
    ExtensionState,
    Finding,
    Inspection,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskEvent,
    TaskStatus,
)
from remediation.selectors import review_queue_for_user, task_list_for_user, tasks_visible_to
from remediation.workflow import Capacity, capacities, find_move

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

MODELS = [
    Agency,
    ReformArea,
    User,
    Directive,
    DirectiveLink,
    Inspection,
    Inspection.inspected_agencies.through,
    Finding,
    RemediationTask,
    RemediationTask.supporting_agencies.through,
    RemediationReport,
    TaskEvent,
    ExtensionRequest,
]


def snapshot():
    return {model: list(model.objects.order_by("pk").values()) for model in MODELS}


def load():
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def test_it_is_idempotent():
    load()
    first = snapshot()
    load()
    assert snapshot() == first


def test_it_restores_edited_rows():
    load()
    before = snapshot()
    RemediationTask.objects.filter(finding__code="KT2019-09").update(status="in_progress")
    load()
    after = snapshot()
    assert after[RemediationTask] != before[RemediationTask]  # updated_at moved on
    assert RemediationTask.objects.get(finding__code="KT2019-09").status == "open"


def test_it_prints_counts_in_vietnamese():
    output = load()
    assert "14 tồn tại, hạn chế" in output
    assert "14 nhiệm vụ khắc phục" in output
    assert "1 đề nghị gia hạn" in output


def test_it_refuses_without_debug_or_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not Finding.objects.exists()


def test_it_creates_the_directives():
    load()
    dates = {d.symbol: d.issue_date for d in Directive.objects.all()}
    assert dates == {
        "57/TB-UBND": datetime.date(2019, 6, 18),
        "41/KH-UBND": datetime.date(2016, 5, 28),
        "45/2016/QĐ-TTg": datetime.date(2016, 10, 19),
    }
    decision = Directive.objects.get(symbol="45/2016/QĐ-TTg")
    assert (decision.number, decision.year, decision.type_code, decision.issuer_code) == (
        45,
        2016,
        "QĐ",
        "TTg",
    )
    cited = DirectiveLink.objects.filter(source__symbol="57/TB-UBND")
    assert sorted(cited.values_list("target__symbol", flat=True)) == [
        "41/KH-UBND",
        "45/2016/QĐ-TTg",
    ]


def test_it_creates_the_inspection_and_monitors():
    load()
    inspection = Inspection.objects.get(name="Kiểm tra công tác CCHC năm 2019")
    assert inspection.leading_agency.name == "Sở Nội vụ"
    kinds = list(inspection.inspected_agencies.values_list("kind", flat=True))
    assert (kinds.count("department"), kinds.count("district_pc"), kinds.count("commune_pc")) == (
        6,
        2,
        3,
    )
    assert Agency.objects.get(code="NAHANG-THANHTUONG").parent.name == "UBND huyện Na Hang"
    monitors = dict(ReformArea.objects.values_list("code", "monitoring_agency__code"))
    assert monitors["LV2"] == "STP"
    assert monitors["LV3"] == "VPUBND"
    assert monitors["LV7"] == "STTTT"


def test_it_creates_findings_and_tasks():
    load()
    assert Finding.objects.count() == 14
    postal = Finding.objects.filter(reform_area__code="LV3")
    assert {f.source_directive.symbol for f in postal} == {"45/2016/QĐ-TTg"}
    tasks = RemediationTask.objects.with_deadline_class(datetime.date(2020, 1, 1))
    assert {t.due_date for t in tasks} == {datetime.date(2019, 11, 30)}
    assert {t.finding.code: t.extended_due_date for t in tasks if t.extended_due_date} == {
        "KT2019-14": datetime.date(2019, 12, 15)
    }
    for task in tasks:
        assert task.lead_agency_id == task.finding.agency_id
        assert task.monitoring_agency_id == task.finding.reform_area.monitoring_agency_id
    states = {t.deadline_class for t in tasks}
    assert states == {
        DeadlineState.OVERDUE,
        DeadlineState.COMPLETED_ON_TIME,
        DeadlineState.COMPLETED_LATE,
    }


def test_it_creates_one_user_per_role():
    load()
    users = {u.username: u for u in User.objects.select_related("agency")}
    assert {u.role for u in users.values()} == set(Role.values)
    assert all(u.email and u.check_password("demo12345") for u in users.values())
    assert users["lanhdao.stnmt"].agency.code == "STNMT"
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["sonoivu"].is_staff


def test_it_gives_every_demo_user_tasks_to_see():
    load()
    for user in User.objects.all():
        assert task_list_for_user(user=user).exists(), user.username


def test_it_stores_text_in_nfc():
    load()
    texts = list(Agency.objects.values_list("name", flat=True))
    texts += [f.description + f.required_action for f in Finding.objects.all()]
    texts += list(RemediationTask.objects.values_list("title", flat=True))
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)


# The report state a task's status leaves its latest version in.
LATEST_REPORT = {
    TaskStatus.IN_PROGRESS: ReportState.DRAFT,
    TaskStatus.AWAITING_APPROVAL: ReportState.AWAITING_APPROVAL,
    TaskStatus.SUBMITTED: ReportState.SUBMITTED,
    TaskStatus.RETURNED: ReportState.RETURNED,
    TaskStatus.COMPLETED: ReportState.ACCEPTED,
}


def test_it_gives_each_task_the_history_of_its_status(settings):
    settings.REPORT_LEADER_APPROVAL = True
    load()
    for task in RemediationTask.objects.select_related("finding"):
        status = TaskStatus.OPEN
        for event in task.events.order_by("created_at").select_related("actor"):
            held = capacities(user=event.actor, task=task)
            move = find_move(action=event.action, status=status, held=held)
            assert move is not None, (task.finding.code, event.action, status)
            assert event.from_status == status
            assert event.to_status == (move.target or status), (task.finding.code, event.action)
            status = event.to_status
        assert status == task.status, task.finding.code
        latest = task.reports.order_by("-version").first()
        if task.status == TaskStatus.OPEN:
            assert latest is None
        else:
            assert latest.state == LATEST_REPORT[task.status], task.finding.code
        if task.status == TaskStatus.COMPLETED:
            accepted = task.events.get(action="accept").created_at
            assert accepted.astimezone(HANOI).date() == task.completed_on


def test_it_keeps_a_returned_version_beside_its_resubmission():
    load()
    task = RemediationTask.objects.get(finding__code="KT2019-04")
    assert list(task.reports.order_by("version").values_list("version", "state")) == [
        (1, ReportState.RETURNED),
        (2, ReportState.ACCEPTED),
    ]


def test_it_gives_every_queue_something_to_review():
    load()
    users = {u.username: u for u in User.objects.all()}
    codes = lambda user: {t.finding.code for t in review_queue_for_user(user=user)}  # noqa: E731
    assert "KT2019-05" in codes(users["sonoivu"])  # submitted, with its report
    assert RemediationReport.objects.filter(
        task__finding__code="KT2019-05", state=ReportState.SUBMITTED
    ).exists()
    assert codes(users["lanhdao.stnmt"]) == {"KT2019-13"}  # awaiting the leader's approval
    assert codes(users["canbo.nahang"]) == {"KT2019-07"}  # returned to the district


def test_it_lets_the_justice_department_monitor_tasks():
    load()
    sotuphap = User.objects.get(username="sotuphap")
    monitored = tasks_visible_to(user=sotuphap).filter(monitoring_agency__code="STP")
    assert {t.finding.reform_area.code for t in monitored} == {"LV2"}
    assert all(Capacity.MONITOR in capacities(user=sotuphap, task=t) for t in monitored)


def test_it_records_a_granted_extension():
    load()
    extension = ExtensionRequest.objects.get()
    assert extension.task.finding.code == "KT2019-14"
    assert extension.state == ExtensionState.GRANTED
    assert extension.decided_by.username == "sonoivu"
    actions = list(extension.task.events.values_list("action", flat=True))
    assert actions == ["request_extension", "grant_extension", "save_draft"]


def test_it_shows_a_district_officer_its_communes_tasks():
    load()
    officer = User.objects.get(username="canbo.nahang")
    codes = {t.finding.code for t in tasks_visible_to(user=officer)}
    assert {"KT2019-01", "KT2019-09"} <= codes  # Thanh Tương and Năng Khả
    assert "KT2019-10" not in codes  # Chiêm Hóa's
