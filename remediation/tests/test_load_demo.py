import datetime
import unicodedata
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, ReformArea, Role, User
from directives.models import Directive, DirectiveLink
from remediation.models import DeadlineState, Finding, Inspection, RemediationTask
from remediation.selectors import task_list_for_user

pytestmark = pytest.mark.django_db

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
    assert "12 tồn tại, hạn chế" in output
    assert "12 nhiệm vụ khắc phục" in output


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
    assert Finding.objects.count() == 12
    postal = Finding.objects.filter(reform_area__code="LV3")
    assert {f.source_directive.symbol for f in postal} == {"45/2016/QĐ-TTg"}
    tasks = RemediationTask.objects.with_deadline_class(datetime.date(2020, 1, 1))
    assert {t.due_date for t in tasks} == {datetime.date(2019, 11, 30)}
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
