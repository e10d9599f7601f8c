"""The admin's import pages: upload, preview, confirm, and the template download."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import ReformArea
from agencies.tests.factories import AgencyFactory, UserFactory
from reform_tracker.imports.registry import importer_class
from reform_tracker.imports.tests.workbooks import csv_bytes, finding_row, findings_book, row_counts
from remediation.importers import FindingImporter
from remediation.models import Finding, RemediationTask

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADMINS = {
    "agencies": "agencies_agency",
    "directives": "directives_directive",
    "findings": "remediation_finding",
}


@pytest.fixture
def world():
    office = AgencyFactory(code="VPUBND", name="Văn phòng UBND tỉnh")
    ReformArea.objects.filter(code="LV3").update(monitoring_agency=office)
    return AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")


def url(kind, page, *args):
    return reverse(f"admin:{ADMINS[kind]}_{page}", args=args)


def upload(client, data, *, name="tontai.xlsx", kind="findings"):
    file = SimpleUploadedFile(name, data, content_type=XLSX_TYPE)
    return client.post(url(kind, "import"), {"import_file": file, "format": "0", "resource": "0"})


# The page and the template -------------------------------------------------


@pytest.mark.parametrize("kind", ADMINS)
def test_it_shows_the_import_page_with_the_template_link(admin_client, kind):
    response = admin_client.get(url(kind, "import"))

    assert response.status_code == 200
    assert f'href="{url(kind, "import_template")}"' in response.text
    assert "Tải tệp mẫu (.xlsx)" in response.text
    required = ", ".join(importer_class(kind).required)
    assert f"Cột bắt buộc: {required}." in response.text


@pytest.mark.parametrize("kind", ADMINS)
def test_it_downloads_the_template_with_the_importer_headers(admin_client, kind):
    response = admin_client.get(url(kind, "import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment; ")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, example = list(sheet.iter_rows(max_row=2, values_only=True))
    importer = importer_class(kind)
    assert header == importer.headers()
    assert example[0] == importer.example[0]


@pytest.mark.parametrize(
    ("kind", "file_name"),
    [
        ("agencies", "mau-nhap-co-quan.xlsx"),
        ("directives", "mau-nhap-van-ban-chi-dao.xlsx"),
        ("findings", "mau-nhap-ton-tai-han-che.xlsx"),
    ],
)
def test_it_names_the_template_file_in_vietnamese(admin_client, kind, file_name):
    response = admin_client.get(url(kind, "import_template"))

    assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'


# Preview and confirm ---------------------------------------------------------


def test_it_previews_a_valid_file_without_writing(admin_client, world):
    before = row_counts()

    response = upload(admin_client, findings_book(finding_row(1), finding_row(2)))

    assert response.status_code == 200
    assert "Thêm mới: <strong>2</strong>" in response.text
    assert "Cập nhật: <strong>0</strong>" in response.text
    assert "Không thay đổi: <strong>0</strong>" in response.text
    assert 'value="Xác nhận nhập"' in response.text
    assert response.context["confirm_form"] is not None
    assert row_counts() == before


def test_it_imports_the_previewed_file_on_confirm(admin_client, world):
    preview = upload(admin_client, findings_book(finding_row(1), finding_row(2)))

    response = admin_client.post(
        url("findings", "process_import"), preview.context["confirm_form"].initial
    )

    assert response.status_code == 302
    assert response.url == url("findings", "changelist")
    assert sorted(Finding.objects.values_list("code", flat=True)) == ["KT-001", "KT-002"]
    assert RemediationTask.objects.count() == 2
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Đã nhập xong. 2 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi."]


def test_it_reports_an_error_found_at_confirm_instead_of_success(admin_client, world):
    preview = upload(admin_client, findings_book(finding_row(1)))
    world.delete()  # the file's agency disappears between preview and confirm

    response = admin_client.post(
        url("findings", "process_import"), preview.context["confirm_form"].initial
    )

    assert Finding.objects.count() == 0
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert "Dòng 2, cột “Cơ quan được kiểm tra”: không có cơ quan nào" in message.message


def test_it_shows_every_error_without_a_confirm_form(admin_client, world):
    before = row_counts()

    response = upload(
        admin_client, findings_book(finding_row(1), finding_row(2, agency="SKHONGCO"))
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert 'value="Xác nhận nhập"' not in response.text
    assert "Lỗi: không có dữ liệu nào được ghi" in response.text
    assert (
        "<tr><td>3</td><td>Cơ quan được kiểm tra</td>"
        "<td>không có cơ quan nào có mã hoặc tên “SKHONGCO”.</td></tr>"
    ) in response.text
    assert row_counts() == before


def test_it_refuses_a_csv_renamed_xlsx_with_a_form_error(admin_client, world):
    before = row_counts()
    data = csv_bytes([FindingImporter.headers(), finding_row(1)])

    response = upload(admin_client, data)

    assert response.status_code == 200
    [error] = response.context["form"].errors["import_file"]
    assert error.startswith("Tệp không phải là bảng tính Excel")
    assert "confirm_form" not in response.context
    assert row_counts() == before


def test_it_previews_a_sample_of_a_large_file(admin_client, world, settings):
    settings.IMPORT_PREVIEW_SAMPLE_ROWS = 5

    response = upload(admin_client, findings_book(*(finding_row(n) for n in range(1, 31))))

    assert response.status_code == 200
    assert "Tổng số dòng dữ liệu: <strong>30</strong>" in response.text
    assert "Thêm mới: <strong>30</strong>" in response.text
    assert "Hiện 5 dòng đầu trong 30 dòng." in response.text
    assert response.text.count('<tr class="new">') == 5
    assert "KT-005" in response.text
    assert "KT-006" not in response.text
    assert Finding.objects.count() == 0


# Access ------------------------------------------------------------------------


def test_it_sends_a_non_staff_user_to_the_admin_login(client):
    client.force_login(UserFactory())

    response = client.get(url("findings", "import"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_it_refuses_a_staff_user_without_the_model_permissions(client, world):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(url("findings", "import")).status_code == 403
    assert upload(client, findings_book(finding_row(1))).status_code == 403
    assert client.get(url("findings", "import_template")).status_code == 404
    assert Finding.objects.count() == 0


def test_it_lets_a_staff_user_with_the_model_permissions_import(client, world):
    user = UserFactory(is_staff=True)
    codenames = ["add_finding", "change_finding", "view_finding"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)

    preview = upload(client, findings_book(finding_row(1)))
    client.post(url("findings", "process_import"), preview.context["confirm_form"].initial)

    assert Finding.objects.get().code == "KT-001"


def test_it_accepts_only_post_on_process_import(admin_client):
    assert admin_client.get(url("findings", "process_import")).status_code == 405
