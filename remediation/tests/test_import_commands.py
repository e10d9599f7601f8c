import datetime
import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from agencies.models import Agency
from agencies.tests.factories import AgencyFactory
from directives.models import Directive
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.tests.workbooks import csv_bytes, row_counts, xlsx
from remediation.models import Finding, RemediationTask

AGENCIES = [
    ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên"],
    ["UBNDT", "UBND tỉnh Tuyên Quang", "UBND tỉnh", ""],
    ["SNV", "Sở Nội vụ", "Sở, ban, ngành", "UBNDT"],
]
DIRECTIVES = [
    ["Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu"],
    ["57/TB-UBND", datetime.date(2019, 6, 18), "UBND tỉnh Tuyên Quang", "Kết luận Hội nghị"],
    ["45/2016/QĐ-TTg", "19/10/2016", "Thủ tướng Chính phủ", "Tiếp nhận hồ sơ qua bưu chính"],
]
FINDING_HEADERS = [
    "Mã", "Đợt kiểm tra", "Cơ quan được kiểm tra", "Lĩnh vực CCHC", "Tồn tại, hạn chế",
    "Yêu cầu khắc phục", "Hạn báo cáo", "Cơ quan theo dõi", "Văn bản chỉ đạo",
]  # fmt: skip


def finding(code, agency="STNMT", due="30/11/2019"):
    return [
        code, "Kiểm tra công tác CCHC năm 2019", agency, "LV3",
        "Tỷ lệ hồ sơ trực tuyến còn thấp", "Nâng cao tỷ lệ hồ sơ trực tuyến", due, "", "57/TB-UBND",
    ]  # fmt: skip


@pytest.fixture
def findings_world(db):
    AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")
    DirectiveFactory(number=57, issue_date=datetime.date(2019, 6, 18))


def write(tmp_path, data, name="nhap.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def call(command, path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_imports_agencies_and_prints_a_summary(tmp_path):
    out, err = call("import_agencies", write(tmp_path, xlsx(AGENCIES)))
    assert "Đã nhập" in out
    assert "2 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi" in out
    assert err == ""
    assert Agency.objects.get(code="SNV").parent.code == "UBNDT"


@pytest.mark.django_db
def test_it_imports_directives_and_prints_a_summary(tmp_path):
    out, _err = call("import_directives", write(tmp_path, xlsx(DIRECTIVES)))
    assert "2 thêm mới, 0 cập nhật, 0 không đổi" in out
    assert Directive.objects.count() == 2


def test_it_imports_findings_and_prints_a_summary(tmp_path, findings_world):
    out, _err = call("import_findings", write(tmp_path, xlsx([FINDING_HEADERS, finding("KT-01")])))
    assert "1 thêm mới, 0 cập nhật, 0 không đổi" in out
    assert RemediationTask.objects.get().finding == Finding.objects.get(code="KT-01")


def test_it_counts_unchanged_and_updated_rows(tmp_path, findings_world):
    path = write(tmp_path, xlsx([FINDING_HEADERS, finding("KT-01"), finding("KT-02")]))
    call("import_findings", path)
    out, _err = call("import_findings", path)
    assert "0 thêm mới, 0 cập nhật, 2 không đổi" in out
    edited = xlsx([FINDING_HEADERS, finding("KT-01"), finding("KT-02", due="15/12/2019")])
    out, _err = call("import_findings", write(tmp_path, edited))
    assert "0 thêm mới, 1 cập nhật, 1 không đổi" in out


def test_it_writes_nothing_in_a_dry_run(tmp_path, findings_world):
    before = row_counts()
    path = write(tmp_path, xlsx([FINDING_HEADERS, finding("KT-01"), finding("KT-02")]))
    out, _err = call("import_findings", path, "--dry-run")
    assert "Kiểm tra (không ghi)" in out
    assert "2 thêm mới" in out
    assert row_counts() == before


def test_it_prints_every_error_and_fails(tmp_path, findings_world):
    before = row_counts()
    data = xlsx(
        [FINDING_HEADERS, finding("KT-01", agency="SKHONGCO"), finding("KT-02", due="31/11/2019")]
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 lỗi: không có dữ liệu nào được ghi"):
        call_command("import_findings", str(write(tmp_path, data)), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Dòng 2, cột “Cơ quan được kiểm tra”: ")
    assert lines[1].startswith("Dòng 3, cột “Hạn báo cáo”: ")
    assert row_counts() == before


@pytest.mark.django_db
def test_it_fails_on_a_file_that_is_not_a_workbook(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_agencies", str(write(tmp_path, csv_bytes(AGENCIES))), stderr=err)
    assert "không phải là bảng tính" in err.getvalue()


@pytest.mark.django_db
def test_it_fails_clearly_on_a_missing_file(tmp_path):
    missing = tmp_path / "khong-co.xlsx"
    with pytest.raises(CommandError, match="Không đọc được tệp") as error:
        call_command("import_directives", str(missing))
    assert str(missing) in str(error.value)


def test_it_exits_non_zero_from_the_shell(tmp_path, command_env):
    path = write(tmp_path, csv_bytes([FINDING_HEADERS, finding("KT-01")]))
    result = subprocess.run(
        [sys.executable, "manage.py", "import_findings", str(path)],
        cwd=settings.BASE_DIR,
        env=command_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "không phải là bảng tính" in result.stderr
    assert "không có dữ liệu nào được ghi" in result.stderr
    assert result.stdout == ""
