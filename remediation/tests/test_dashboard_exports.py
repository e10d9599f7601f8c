"""The province synthesis: .xlsx and .docx from the dashboard and the command."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from agencies.models import Agency, User
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation.demo import load_demo_scenario
from remediation.models import ExportJob, ExportStatus
from remediation.reports.formal import formal_date
from remediation.reports.tasks import export_summary
from remediation.reports.xlsx import text_cell
from remediation.tests.factories import FindingFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

EXPORT = "/tong-hop/xuat/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# As of 01/12/2019 (remediation/demo): every task due 30/11/2019 and not
# completed by then; KT2019-14, extended to 15/12/2019, is still within.
OVERDUE_CODES = {
    "KT2019-02",
    "KT2019-04",
    "KT2019-05",
    "KT2019-07",
    "KT2019-09",
    "KT2019-10",
    "KT2019-12",
    "KT2019-13",
}


@pytest.fixture
def coordinator(client):
    load_demo_scenario()
    user = User.objects.get(username="sonoivu")
    client.force_login(user)
    return user


def export(client, fmt, **params):
    response = client.post(EXPORT, {"dinh_dang": fmt, "ngay": "01/12/2019", **params})
    assert response.status_code == 200
    assert response["Content-Type"] == (XLSX if fmt == "xlsx" else DOCX)
    assert response["Content-Disposition"] == (
        f'attachment; filename="tong-hop-cchc-2019-12-01.{fmt}"'
    )
    return response.content


def workbook(content):
    return load_workbook(io.BytesIO(content))


# .xlsx ----------------------------------------------------------------------


def test_it_writes_three_sheets_with_vietnamese_headers(client, coordinator):
    book = workbook(export(client, "xlsx"))
    assert book.sheetnames == ["Tổng hợp", "Theo cơ quan", "Nhiệm vụ quá hạn"]
    summary, agencies, overdue = book.worksheets
    assert [c.value for c in summary[3]] == [
        "Phạm vi", "Tổng số nhiệm vụ", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
        "Chưa hoàn thành, trong hạn", "Trong đó: sắp đến hạn", "Chưa hoàn thành, quá hạn",
        "Tỷ lệ đúng hạn (%)",
    ]  # fmt: skip
    # 14 tasks: 5 on time, KT2019-14 within, 8 overdue; rate 5 of 13.
    assert [c.value for c in summary[4]] == ["toàn tỉnh", 14, 5, 0, 1, 0, 8, 38.5]
    assert [c.value for c in agencies[3]][:4] == ["STT", "Cơ quan", "Cấp", "Cơ quan cấp trên"]
    assert [c.value for c in overdue[3]] == [
        "STT", "Mã", "Nhiệm vụ", "Cơ quan chủ trì", "Cấp", "Hạn báo cáo", "Gia hạn đến",
        "Số ngày quá hạn", "Trạng thái", "Đợt kiểm tra", "Cơ quan theo dõi",
    ]  # fmt: skip


def test_it_freezes_headers_sets_widths_and_prints_on_a4_landscape(client, coordinator):
    for sheet in workbook(export(client, "xlsx")).worksheets:
        assert sheet.freeze_panes == "A4", sheet.title
        assert sheet.print_title_rows == "$3:$3"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.column_dimensions["B"].width > 10


def test_it_writes_dates_as_date_cells_in_day_month_year(client, coordinator):
    book = workbook(export(client, "xlsx"))
    as_of = book["Tổng hợp"]["B2"]
    assert as_of.is_date and as_of.value.date() == datetime.date(2019, 12, 1)
    assert as_of.number_format == "DD/MM/YYYY"
    overdue = book["Nhiệm vụ quá hạn"]
    due = overdue["F4"]
    assert due.is_date and due.value.date() == datetime.date(2019, 11, 30)
    assert due.number_format == "DD/MM/YYYY"


def test_it_lists_every_overdue_task_with_its_days(client, coordinator):
    overdue = workbook(export(client, "xlsx"))["Nhiệm vụ quá hạn"]
    rows = list(overdue.iter_rows(min_row=4, values_only=True))
    assert {row[1] for row in rows} == OVERDUE_CODES
    assert [row[0] for row in rows] == list(range(1, 9))
    assert {row[7] for row in rows} == {1}  # due 30/11, as of 01/12
    stnmt = next(row for row in rows if row[1] == "KT2019-05")
    assert stnmt[3] == "Sở Tài nguyên và Môi trường"
    assert stnmt[8] == "Đã gửi Sở Nội vụ, chờ xem xét"


def test_it_lists_agencies_grouped_with_their_rank(client, coordinator):
    agencies = workbook(export(client, "xlsx"))["Theo cơ quan"]
    rows = {row[1]: row for row in agencies.iter_rows(min_row=4, values_only=True)}
    assert rows["Cấp tỉnh (sở, ban, ngành)"][0] is None
    # KT2019-08 on time, -05 and -13 overdue one day: 1 of 3; ranked after
    # the four agencies at 100 % (SGDDT, SXD, SYT, xã Thanh Tương).
    assert rows["Sở Tài nguyên và Môi trường"][4:13] == (3, 1, 0, 0, 0, 2, 33.3, 1, 5)
    assert rows["UBND xã Năng Khả"][3] == "UBND huyện Na Hang"


def test_it_writes_formula_like_text_as_text(client, coordinator):
    agency = AgencyFactory(name='=HYPERLINK("http://x","y")')
    RemediationTaskFactory(
        finding=FindingFactory(agency=agency, code="+KT-1"),
        title="-1+2",
        due_date=datetime.date(2019, 11, 1),
    )
    RemediationTaskFactory(finding__code="@SUM(A1)", due_date=datetime.date(2019, 11, 1))
    content = export(client, "xlsx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    overdue = workbook(content)["Nhiệm vụ quá hạn"]
    cells = {c.value: c for row in overdue.iter_rows(min_row=4) for c in row if c.value}
    for text in ('=HYPERLINK("http://x","y")', "+KT-1", "-1+2", "@SUM(A1)"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text


def test_it_keeps_xml_special_characters_and_drops_control_characters(client, coordinator):
    RemediationTaskFactory(title=" Sở A & B <ISO>\x01\x1f ", due_date=datetime.date(2019, 11, 1))
    overdue = workbook(export(client, "xlsx"))["Nhiệm vụ quá hạn"]
    titles = [row[2] for row in overdue.iter_rows(min_row=4, values_only=True)]
    assert " Sở A & B <ISO> " in titles


def test_its_text_cell_leaves_plain_text_alone():
    assert text_cell(None, "Sở Y tế") == "Sở Y tế"


def test_it_exports_the_current_filters(client, coordinator):
    agency = Agency.objects.get(code="STNMT")
    book = workbook(export(client, "xlsx", cap=agency.kind))
    assert book["Tổng hợp"]["B4"].value == 8  # six departments, three tasks for STNMT
    assert "Cấp: Sở, ban, ngành" in book["Tổng hợp"]["A4"].value


def test_it_exports_only_the_users_scope(client):
    load_demo_scenario()
    client.force_login(User.objects.get(username="lanhdao.stnmt"))
    overdue = workbook(export(client, "xlsx"))["Nhiệm vụ quá hạn"]
    codes = [row[1] for row in overdue.iter_rows(min_row=4, values_only=True)]
    assert codes == ["KT2019-05", "KT2019-13"]  # not -08 (on time), nor other agencies'


def test_it_refuses_an_unknown_format_and_get(client, coordinator):
    assert client.post(EXPORT, {"dinh_dang": "pdf"}).status_code == 404
    assert client.get(EXPORT).status_code == 405


# .docx ----------------------------------------------------------------------


def heading_cells(document):
    left, right = document.tables[0].rows[0].cells
    return left.paragraphs, right.paragraphs


def test_it_lays_the_docx_out_as_an_administrative_report(client, coordinator):
    document = Document(io.BytesIO(export(client, "docx")))
    left, right = heading_cells(document)
    assert next(p.text for p in left if p.text) == "UBND TỈNH TUYÊN QUANG"
    issuer = next(p for p in left if p.text == "SỞ NỘI VỤ")
    assert issuer.runs[0].bold
    number = next(p for p in left if p.text.startswith("Số:"))
    assert number.text.replace("\xa0", " ").split() == ["Số:", "/BC-SNV"]  # left for the clerk
    motto, freedom = right[0], right[1]
    assert motto.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto.runs[0].bold
    assert freedom.text == "Độc lập - Tự do - Hạnh phúc"
    assert freedom.runs[0].bold and freedom.runs[0].underline
    date_line = next(p for p in right if p.text.startswith("Tuyên Quang"))
    assert date_line.text == "Tuyên Quang, ngày 01 tháng 12 năm 2019"
    assert date_line.runs[0].italic
    texts = [p.text for p in document.paragraphs]
    title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.alignment == 1  # centred
    assert texts[texts.index("BÁO CÁO") + 1].startswith("Kết quả khắc phục tồn tại, hạn chế")


def test_its_page_and_font_follow_decree_30(client, coordinator):
    document = Document(io.BytesIO(export(client, "docx")))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert 20 <= round(section.top_margin.mm) <= 25
    assert 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert Pt(13) <= normal.size <= Pt(14)


def test_its_body_has_the_figures_and_the_overdue_agencies(client, coordinator):
    document = Document(io.BytesIO(export(client, "docx")))
    texts = [p.text for p in document.paragraphs]
    assert "Tổng số nhiệm vụ khắc phục: 14, trong đó:" in texts
    assert "- Hoàn thành đúng hạn: 5 nhiệm vụ;" in texts
    assert "- Chưa hoàn thành, quá hạn: 8 nhiệm vụ." in texts
    assert any(t.startswith("Tỷ lệ hoàn thành đúng hạn: 38,5%") for t in texts)
    overdue = document.tables[2]
    assert [c.text for c in overdue.rows[0].cells][1] == "Cơ quan"
    names = [row.cells[1].text for row in overdue.rows[1:]]
    # Eight overdue tasks in seven agencies (two for STNMT, listed first).
    assert len(names) == 7 and names[0] == "Sở Tài nguyên và Môi trường"
    closing_left, closing_right = document.tables[-1].rows[0].cells
    assert closing_left.paragraphs[0].text == "Nơi nhận:"
    assert "- UBND tỉnh (b/c);" in [p.text for p in closing_left.paragraphs]
    assert [p.text for p in closing_right.paragraphs][:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def test_it_takes_the_place_and_issuer_from_settings(client, coordinator, settings):
    settings.REPORT_PLACE = "Hà Giang"
    settings.REPORT_ISSUING_BODY = "Sở Nội vụ tỉnh Hà Giang"
    left, right = heading_cells(Document(io.BytesIO(export(client, "docx"))))
    assert "Hà Giang, ngày 01 tháng 12 năm 2019" in [p.text for p in right]
    assert "SỞ NỘI VỤ TỈNH HÀ GIANG" in [p.text for p in left]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2019, 12, 1), "ngày 01 tháng 12 năm 2019"),
        (datetime.date(2020, 2, 5), "ngày 05 tháng 02 năm 2020"),
        (datetime.date(2020, 1, 15), "ngày 15 tháng 01 năm 2020"),
        (datetime.date(2020, 3, 5), "ngày 05 tháng 3 năm 2020"),
        (datetime.date(2019, 11, 30), "ngày 30 tháng 11 năm 2019"),
    ],
)
def test_it_writes_formal_dates_per_decree_30(day, text):
    assert formal_date(day) == text


# The command ------------------------------------------------------------------


def test_the_command_writes_the_format_of_the_extension(tmp_path):
    load_demo_scenario()
    call_command("export_summary", output=str(tmp_path / "th.xlsx"), as_of="01/12/2019")
    book = load_workbook(tmp_path / "th.xlsx")
    assert [c.value for c in book["Tổng hợp"][4]][:3] == ["toàn tỉnh", 14, 5]
    call_command("export_summary", output=str(tmp_path / "th.docx"), as_of="01/12/2019")
    document = Document(tmp_path / "th.docx")
    assert "Tuyên Quang, ngày 01 tháng 12 năm 2019" in [
        p.text for p in document.tables[0].rows[0].cells[1].paragraphs
    ]


@pytest.mark.parametrize(
    ("name", "as_of", "message"),
    [
        ("th.pdf", None, "Định dạng tệp '.pdf' không được hỗ trợ (--output"),
        ("th.xlsx", "31/11/2019", "--as-of: “31/11/2019” không phải là ngày hợp lệ; ghi theo"),
        ("th.xlsx", "12/31/2019", "--as-of: “12/31/2019” không phải là ngày hợp lệ; ghi theo"),
        ("th.xlsx", "01/12/1800", "ví dụ 29/11/2019. Ngày 01/12/1800 nằm ngoài khoảng"),
    ],
)
def test_the_command_refuses_bad_input_in_vietnamese(tmp_path, name, as_of, message):
    options = {"output": str(tmp_path / name)}
    if as_of:
        options["as_of"] = as_of
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_summary", **options)
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(
    "as_of", ["1/12/2019", "01-12-2019", "01.12.2019", "2019-12-01", "０１/１２/２０１９"]
)
def test_the_command_reads_the_as_of_date_as_the_dashboard_does(tmp_path, as_of):
    load_demo_scenario()
    call_command("export_summary", output=str(tmp_path / "th.xlsx"), as_of=as_of)
    cell = load_workbook(tmp_path / "th.xlsx")["Tổng hợp"]["B2"]
    assert cell.value.date() == datetime.date(2019, 12, 1)


def test_the_command_refuses_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="Thư mục"):
        call_command("export_summary", output=str(tmp_path / "no" / "th.xlsx"))


# Background export --------------------------------------------------------------


@pytest.fixture
def large(settings):
    settings.EXPORT_ASYNC_TASK_THRESHOLD = 5  # the demo's 14 tasks are "large"


def start_in_background(client, django_capture_on_commit_callbacks, **data):
    """POST the export; the job is queued on commit. The queued task is then
    run here, in-process (the Celery task function itself, as a worker would)."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(EXPORT, {"dinh_dang": "xlsx", **data})
    assert response.status_code == 302
    assert len(callbacks) == 1
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    assert export_summary(str(job.pk)) == ExportStatus.DONE
    return response.url


def test_a_large_export_runs_in_the_background_with_progress(
    client, coordinator, large, django_capture_on_commit_callbacks
):
    job_url = start_in_background(client, django_capture_on_commit_callbacks, ngay="01/12/2019")
    page = client.get(job_url)
    assert page.status_code == 200
    assert "Tải tệp báo cáo" in page.text
    status = client.get(f"{job_url}trang-thai/").json()
    assert status["status"] == "done" and status["percent"] == 100 and not status["running"]
    download = client.get(f"{job_url}tai-ve/")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert [c.value for c in book["Tổng hợp"][4]][:3] == ["toàn tỉnh", 14, 5]


def test_a_job_runs_once(client, coordinator, large, django_capture_on_commit_callbacks):
    start_in_background(client, django_capture_on_commit_callbacks)
    assert export_summary(str(ExportJob.objects.get().pk)) is None  # already done


def test_a_queued_export_shows_a_progress_bar(client, coordinator, large):
    response = client.post(EXPORT, {"dinh_dang": "docx"})  # on_commit never runs here
    page = client.get(response.url)
    assert '<progress id="import-job-progress"' in page.text
    assert "js/import-progress.js" in page.text
    assert client.get(f"{response.url}trang-thai/").json()["running"] is True
    assert client.get(f"{response.url}tai-ve/").status_code == 404


def test_another_user_never_gets_an_export(
    client, coordinator, large, django_capture_on_commit_callbacks
):
    job_url = start_in_background(client, django_capture_on_commit_callbacks)
    client.force_login(UserFactory())
    for suffix in ("", "trang-thai/", "tai-ve/"):
        assert client.get(f"{job_url}{suffix}").status_code == 404


def test_the_export_pages_need_a_login(client):
    assert client.post(EXPORT, {"dinh_dang": "xlsx"}).url.startswith(reverse("login"))
