"""An agency's report on its remediation (.docx), written from its tasks."""

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from agencies.models import Agency, Role, User
from agencies.tests.factories import UserFactory
from remediation.demo import load_demo_scenario
from remediation.models import (
    Evidence,
    ExportJob,
    ExportKind,
    ExportStatus,
    ExtensionRequest,
    RemediationTask,
    ReportState,
)
from remediation.reports.tasks import export_summary
from remediation.tests.factories import RemediationReportFactory

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def stnmt():
    load_demo_scenario()
    return Agency.objects.get(code="STNMT")


def url(agency, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/tong-hop/co-quan/{agency.pk}/bao-cao.docx" + (f"?{query}" if query else "")


def evidence(report, name):
    return Evidence.objects.create(
        report=report,
        file=f"2019/11/{name}",
        original_name=name,
        kind="pdf",
        size=1000,
        sha256=name.encode().hex().ljust(64, "0")[:64],
        uploaded_by=report.submitted_by,
    )


@pytest.fixture
def reports(stnmt):
    """KT2019-08 (completed): a report with two evidence files. KT2019-05
    (submitted): an older version, the latest one at 80 %, and a newer
    draft that must not be used."""
    done = RemediationTask.objects.get(finding__code="KT2019-08")
    first = RemediationReportFactory(task=done, content="Đã ký hợp đồng với Bưu điện tỉnh.")
    evidence(first, "hop-dong-buu-dien.pdf")
    evidence(first, "bao-cao-ty-le-ho-so.pdf")
    open_task = RemediationTask.objects.get(finding__code="KT2019-05")
    RemediationReportFactory(task=open_task, content="Bản cũ.", progress=30,
                             state=ReportState.RETURNED)  # fmt: skip
    latest = RemediationReportFactory(
        task=open_task, content="Đã đưa 45 thủ tục lên mức độ 3.", progress=80
    )
    evidence(latest, "danh-muc-thu-tuc.pdf")
    RemediationReportFactory(task=open_task, content="Bản nháp chưa gửi.", state=ReportState.DRAFT,
                             submitted_at=None)  # fmt: skip


def download(client, username, agency, **params):
    client.force_login(User.objects.get(username=username))
    response = client.get(url(agency, **params))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return Document(io.BytesIO(response.content))


def paragraphs(document):
    return [p.text for p in document.paragraphs if p.text]


def test_it_writes_the_heading_of_the_agency(client, stnmt, reports):
    document = download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019")
    left, right = document.tables[0].rows[0].cells
    texts = [p.text for p in left.paragraphs]
    assert texts[0] == "UBND TỈNH TUYÊN QUANG"
    assert "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in texts
    assert any(t.endswith("/BC-STNMT") and t.startswith("Số:") for t in texts)
    assert "Tuyên Quang, ngày 01 tháng 12 năm 2019" in [p.text for p in right.paragraphs]
    body = paragraphs(document)
    assert body[0] == "BÁO CÁO"
    assert body[1] == (
        "Kết quả khắc phục tồn tại, hạn chế qua kiểm tra công tác cải cách hành chính năm 2019"
    )


def test_it_lays_the_body_out_justified_with_an_indent_on_a4(client, stnmt, reports):
    document = download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019")
    intro = next(p for p in document.paragraphs if p.text.startswith("Thực hiện"))
    layout = intro.style.paragraph_format
    assert layout.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(layout.first_line_indent - Cm(1)) < Cm(0.01)  # stored in twips
    assert intro.style.base_style.font.size == Pt(14)
    # The section (A4, the decree's margins) still closes the body.
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.left_margin.mm)) == (210, 30)


def test_it_reports_each_finding_from_the_latest_sent_version(client, stnmt, reports):
    body = paragraphs(download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019"))
    first = body.index(
        "1. Tỷ lệ hồ sơ TTHC tiếp nhận và xử lý trực tuyến mức độ 3, 4 còn thấp. (KT2019-05)"
    )
    assert body[first + 2] == "Kết quả thực hiện: Đã đưa 45 thủ tục lên mức độ 3."
    assert body[first + 3] == (
        "Tình trạng: Đã gửi Sở Nội vụ, chờ xem xét; Quá hạn; hạn 30/11/2019."
    )
    assert body[first + 4] == "Tài liệu kiểm chứng: danh-muc-thu-tuc.pdf."
    second = body.index(
        "2. Tỷ lệ hồ sơ TTHC tiếp nhận và trả kết quả giải quyết qua dịch vụ bưu chính công ích "
        "còn thấp. (KT2019-08)"
    )
    assert body[second + 2] == "Kết quả thực hiện: Đã ký hợp đồng với Bưu điện tỉnh."
    assert body[second + 3] == (
        "Tình trạng: Hoàn thành; Hoàn thành đúng hạn; hạn 30/11/2019; hoàn thành ngày 27/11/2019."
    )
    assert body[second + 4] == (
        "Tài liệu kiểm chứng: hop-dong-buu-dien.pdf; bao-cao-ty-le-ho-so.pdf."
    )
    assert not any("Bản nháp chưa gửi" in text for text in body)


def test_it_says_what_remains_and_why(client, stnmt, reports):
    body = paragraphs(download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019"))
    remains = body[body.index("II. NHỮNG NỘI DUNG CHƯA HOÀN THÀNH VÀ NGUYÊN NHÂN") + 1 :]
    version = (
        RemediationTask.objects.get(finding__code="KT2019-05")
        .reports.exclude(state=ReportState.DRAFT)
        .order_by("-version")[0]
        .version
    )
    assert remains[0] == (
        "- Nâng cao tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4 (KT2019-05): Đã gửi Sở Nội vụ, "
        "chờ xem xét; Quá hạn; hạn 30/11/2019. Nguyên nhân: đạt 80% theo báo cáo lần "
        f"{version}: Đã đưa 45 thủ tục lên mức độ 3."
    )
    # KT2019-13 (demo): version 1 submitted by the officer at 100 %, awaiting
    # the leader's approval; it has left the drafting officer, so it is used.
    assert remains[1] == (
        "- Rà soát, hệ thống hóa văn bản quy phạm pháp luật (KT2019-13): Chờ lãnh đạo phê "
        "duyệt; Quá hạn; hạn 30/11/2019. Nguyên nhân: đạt 100% theo báo cáo lần 1: Đã rà soát "
        "46 văn bản quy phạm pháp luật thuộc lĩnh vực quản lý; đề xuất sửa đổi 3 văn bản."
    )
    assert remains[2].startswith("Trên đây là báo cáo")


def test_it_gives_an_extension_request_as_the_reason(client, stnmt):
    task = RemediationTask.objects.get(finding__code="KT2019-05")
    leader = User.objects.get(username="lanhdao.stnmt")
    ExtensionRequest.objects.create(
        task=task, requested_by=leader, due_date_before=task.due_date,
        requested_date="2019-12-31", reason="Chờ nâng cấp cổng dịch vụ công.",
    )  # fmt: skip
    body = paragraphs(download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019"))
    assert any(
        text.endswith(
            "Nguyên nhân: đã đề nghị gia hạn đến 31/12/2019 (chờ quyết định): "
            "Chờ nâng cấp cổng dịch vụ công."
        )
        for text in body
    )


def test_it_is_signed_by_the_leader_who_downloads_it(client, stnmt):
    document = download(client, "lanhdao.stnmt", stnmt)
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert signature[0] == "GIÁM ĐỐC"
    assert signature[-1] == "Hoàng Văn Cường"
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    assert recipients[:3] == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Sở Nội vụ (tổng hợp);"]


def test_home_affairs_downloads_any_agencys_report(client, stnmt):
    document = download(client, "sonoivu", stnmt)
    assert document.tables[-1].rows[0].cells[1].paragraphs[-1].text == ""  # for the agency to sign


def test_a_district_leader_downloads_a_communes_report(client, stnmt):
    commune = Agency.objects.get(code="NAHANG-THANHTUONG")
    leader = UserFactory(role=Role.LEADER, agency=commune.parent)
    client.force_login(leader)
    response = client.get(url(commune))
    assert response.status_code == 200
    title = Document(io.BytesIO(response.content)).tables[-1].rows[0].cells[1].paragraphs[0]
    assert title.text == "TM. ỦY BAN NHÂN DÂN"


def test_another_agencys_leader_gets_not_found(client, stnmt):
    client.force_login(UserFactory(role=Role.LEADER, agency=Agency.objects.get(code="SXD")))
    assert client.get(url(stnmt)).status_code == 404
    client.force_login(User.objects.get(username="sotuphap"))
    assert client.get(url(stnmt)).status_code == 404


def test_an_officer_may_not_download_it(client, stnmt):
    client.force_login(User.objects.get(username="canbo.stnmt"))
    assert client.get(url(stnmt)).status_code == 403


def test_an_unknown_agency_is_not_found_and_login_is_needed(client, stnmt):
    assert client.get(url(stnmt)).status_code == 302
    client.force_login(User.objects.get(username="sonoivu"))
    assert client.get("/tong-hop/co-quan/999999/bao-cao.docx").status_code == 404


def test_the_dashboard_offers_it_to_the_leader_only(client, stnmt):
    client.force_login(User.objects.get(username="lanhdao.stnmt"))
    assert url(stnmt) in client.get("/tong-hop/").text
    client.force_login(User.objects.get(username="canbo.stnmt"))
    assert url(stnmt) not in client.get("/tong-hop/").text


# A large agency's report: a background job ------------------------------------


@pytest.fixture
def large(settings):
    settings.AGENCY_REPORT_ASYNC_TASKS = 2  # Sở TN&MT leads 3 tasks in the demo


def test_a_get_offers_a_large_report_without_starting_it(client, stnmt, large):
    client.force_login(User.objects.get(username="lanhdao.stnmt"))
    page = client.get(url(stnmt, ngay="01/12/2019"))
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "3 nhiệm vụ" in page.text
    assert 'name="ngay" value="01/12/2019"' in page.text
    assert not ExportJob.objects.exists()


def test_a_large_report_is_written_in_the_background_as_it_would_be_now(
    client, stnmt, reports, large, settings, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.get(username="lanhdao.stnmt"))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url(stnmt), {"ngay": "01/12/2019"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    job = ExportJob.objects.get()
    assert job.kind == ExportKind.AGENCY
    assert job.params == {"co_quan": stnmt.pk, "ngay": "01/12/2019"}
    assert export_summary(str(job.pk)) == ExportStatus.DONE
    assert "Báo cáo kết quả khắc phục của cơ quan" in client.get(response.url).text
    file = client.get(f"{response.url}tai-ve/")
    assert "bao-cao-khac-phuc-stnmt-2019-12-01.docx" in file["Content-Disposition"]
    in_background = Document(io.BytesIO(b"".join(file.streaming_content)))
    settings.AGENCY_REPORT_ASYNC_TASKS = 1000
    now = download(client, "lanhdao.stnmt", stnmt, ngay="01/12/2019")
    assert paragraphs(in_background) == paragraphs(now)


def test_no_job_is_made_for_another_agencys_report(client, stnmt, large):
    client.force_login(UserFactory(role=Role.LEADER, agency=Agency.objects.get(code="SXD")))
    assert client.post(url(stnmt), {"ngay": "01/12/2019"}).status_code == 404
    client.force_login(User.objects.get(username="canbo.stnmt"))
    assert client.post(url(stnmt), {"ngay": "01/12/2019"}).status_code == 403
    assert not ExportJob.objects.exists()
