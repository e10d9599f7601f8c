"""Each downloadable template is accepted by its own importer."""

import datetime

import pytest

from agencies.models import AgencyKind
from agencies.tests.factories import AgencyFactory
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.registry import importer_class
from reform_tracker.imports.services import import_run
from reform_tracker.imports.templates import template_workbook
from remediation.demo import load_demo_scenario
from remediation.models import Finding

pytestmark = pytest.mark.django_db


def dry_run(kind):
    return import_run(kind=kind, data=template_workbook(importer_class(kind)), dry_run=True)


def test_it_accepts_the_agencies_template():
    AgencyFactory(code="UBNDT", kind=AgencyKind.PROVINCIAL_PC)
    summary = dry_run("agencies")
    assert summary.errors == []
    assert summary.created == 1


def test_it_accepts_the_directives_template():
    summary = dry_run("directives")
    assert summary.errors == []
    assert summary.created == 1


def test_it_accepts_the_findings_template():
    AgencyFactory(code="STNMT")
    AgencyFactory(code="VPUBND")
    DirectiveFactory(number=57, issue_date=datetime.date(2019, 6, 18))
    summary = dry_run("findings")
    assert summary.errors == []
    assert summary.created == 1
    assert summary.sample[0]["values"][6] == "30/11/2019"


@pytest.mark.parametrize(
    ("kind", "created", "unchanged"),
    [("agencies", 0, 1), ("directives", 0, 1), ("findings", 1, 0)],
)
def test_it_imports_each_example_row_into_the_demo_without_changing_a_demo_row(
    kind, created, unchanged
):
    load_demo_scenario()
    findings = {f.code: f.agency.code for f in Finding.objects.select_related("agency")}

    summary = import_run(kind=kind, data=template_workbook(importer_class(kind)), dry_run=False)

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (created, 0, unchanged)
    stored = {f.code: f.agency.code for f in Finding.objects.select_related("agency")}
    assert {code: stored[code] for code in findings} == findings


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        ("agencies", ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên", "Hộp thư công vụ"]),
        ("directives", ["Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu"]),
        (
            "findings",
            [
                "Mã", "Đợt kiểm tra", "Cơ quan được kiểm tra", "Lĩnh vực CCHC",
                "Tồn tại, hạn chế", "Yêu cầu khắc phục", "Hạn báo cáo", "Cơ quan theo dõi",
                "Văn bản chỉ đạo",
            ],
        ),
    ],
)  # fmt: skip
def test_it_keeps_the_headers_of_the_contract(kind, headers):
    assert list(importer_class(kind).headers()) == headers
