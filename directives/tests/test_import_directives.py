import datetime
import unicodedata

import pytest

from agencies.tests.factories import AgencyFactory
from directives.models import Directive, DocumentType
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import row_counts, xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu"]
PROVINCE = "UBND tỉnh Tuyên Quang"
NOTICE = [
    "57/TB-UBND",
    datetime.date(2019, 6, 18),
    PROVINCE,
    "Kết luận tại Hội nghị sơ kết công tác cải cách hành chính giai đoạn 2016-2018",
]
DECISION = [
    "45/2016/QĐ-TTg",
    "19/10/2016",
    "Thủ tướng Chính phủ",
    "Về việc tiếp nhận hồ sơ, trả kết quả giải quyết TTHC qua dịch vụ bưu chính công ích",
]


def run(*rows, headers=HEADERS, dry_run=False):
    data = xlsx([headers, *rows])
    return import_run(kind="directives", data=data, dry_run=dry_run)


def only_error(*rows, **kwargs):
    before = row_counts()
    summary = run(*rows, **kwargs)
    assert len(summary.errors) == 1, [str(e) for e in summary.errors]
    assert row_counts() == before
    return summary.errors[0]


def test_it_creates_directives():
    summary = run(NOTICE, DECISION)
    assert summary.errors == []
    assert summary.created == 2
    notice = Directive.objects.get(symbol="57/TB-UBND")
    assert (notice.number, notice.year, notice.doc_type) == (57, 2019, DocumentType.NOTICE)
    assert notice.issue_date == datetime.date(2019, 6, 18)
    assert notice.issuer_name == PROVINCE
    decision = Directive.objects.get(symbol="45/2016/QĐ-TTg")
    assert (decision.number, decision.year, decision.type_code) == (45, 2016, "QĐ")
    assert decision.issuer_code == "TTg"
    assert decision.issue_date == datetime.date(2016, 10, 19)


def test_it_links_the_issuer_by_name():
    province = AgencyFactory(code="UBNDT", name=PROVINCE)
    run([*NOTICE[:2], unicodedata.normalize("NFD", PROVINCE), NOTICE[3]])
    directive = Directive.objects.get()
    assert directive.issuer == province
    assert directive.issuer_name == PROVINCE


def test_it_keeps_the_issuer_as_text_when_unknown_or_ambiguous():
    AgencyFactory(code="CH-YN", name="UBND xã Yên Nguyên")
    AgencyFactory(code="HY-YN", name="UBND xã Yên Nguyên")
    run(NOTICE, ["12/KH-UBND", "05/03/2019", "UBND xã Yên Nguyên", "Kế hoạch CCHC năm 2019"])
    assert list(Directive.objects.values_list("issuer", flat=True)) == [None, None]
    assert Directive.objects.get(number=12).issuer_name == "UBND xã Yên Nguyên"


@pytest.fixture
def stored_decision():
    return DirectiveFactory(
        number=45,
        issue_date=datetime.date(2016, 10, 19),
        normative=True,
        type_code="QĐ",
        issuer_code="TTg",
        issuer_name=DECISION[2],
        title=DECISION[3],
    )


def test_it_reads_an_nfd_row_as_the_stored_one(stored_decision):
    # Đ has no decomposition; the issuer name and title do.
    summary = run([unicodedata.normalize("NFD", str(value)) for value in DECISION])
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    "symbol",
    ["45/2016/Q\u00d0-TTg", "45/2016/qđ-ttg", " 45 / 2016 / QĐ-TTg ", "45/2016/QĐ\u2013TTg"],
    ids=["eth-lookalike", "lower-case", "spaces", "en-dash"],
)
def test_it_reads_variants_of_a_symbol_as_the_stored_one(stored_decision, symbol):
    summary = run([symbol, *DECISION[1:]])
    assert summary.errors == []
    assert (summary.created, summary.unchanged) == (0, 1)


def test_it_reads_nfd_headers():
    summary = run(NOTICE, headers=[unicodedata.normalize("NFD", h) for h in HEADERS])
    assert summary.errors == []
    assert summary.created == 1


def test_it_keeps_the_same_number_in_two_years_apart():
    summary = run(NOTICE, ["57/TB-UBND", "02/03/2020", PROVINCE, "Thông báo năm 2020"])
    assert summary.created == 2
    assert sorted(Directive.objects.values_list("year", flat=True)) == [2019, 2020]


@pytest.mark.parametrize("symbol", ["57 TB UBND", "TB-UBND", "0/TB-UBND", "45/2016/XYZ-TTg"])
def test_it_refuses_a_malformed_number(symbol):
    error = only_error(NOTICE, [symbol, *NOTICE[1:]])
    assert (error.row, error.column) == (3, "Số ký hiệu")
    assert symbol in error.message


def test_it_refuses_a_year_in_the_number_unlike_the_issue_date():
    error = only_error(["45/2016/QĐ-TTg", "19/10/2017", *DECISION[2:]])
    assert (error.row, error.column) == (2, "Ngày ban hành")
    assert "2016" in error.message
    assert "2017" in error.message


def test_it_refuses_a_duplicate_number_in_one_file():
    error = only_error(NOTICE, DECISION, ["57/tb-ubnd", "20/06/2019", PROVINCE, "Bản trùng"])
    assert (error.row, error.column) == (4, "Số ký hiệu")
    assert "dòng 2" in error.message


def test_it_refuses_an_impossible_issue_date():
    error = only_error(["57/TB-UBND", "31/11/2019", *NOTICE[2:]])
    assert (error.row, error.column) == (2, "Ngày ban hành")
    assert "31/11/2019" in error.message


def test_it_refuses_an_empty_title():
    error = only_error([*NOTICE[:3], ""])
    assert (error.row, error.column) == (2, "Trích yếu")


@pytest.mark.parametrize(
    ("values", "column"),
    [
        (["57/TB-" + "U" * 51, *NOTICE[1:]], "Số ký hiệu"),
        ([*NOTICE[:2], "UBND " * 52, NOTICE[3]], "Cơ quan ban hành"),
        ([*NOTICE[:3], "Về việc " * 126], "Trích yếu"),
    ],
    ids=["issuer-code", "issuer", "title"],
)
def test_it_refuses_text_longer_than_its_column(values, column):
    error = only_error(values)
    assert (error.row, error.column) == (2, column)


def test_it_refuses_a_missing_required_column():
    error = only_error(NOTICE[:3], headers=HEADERS[:3])
    assert "Trích yếu" in error.message


def test_it_changes_nothing_when_the_same_file_is_imported_again():
    run(NOTICE, DECISION)
    summary = run(NOTICE, DECISION)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert Directive.objects.count() == 2


def test_it_updates_an_edited_row():
    run(NOTICE, DECISION)
    summary = run([*NOTICE[:3], "Trích yếu đã sửa"], DECISION)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    assert Directive.objects.get(number=57).title == "Trích yếu đã sửa"
    assert Directive.objects.count() == 2


def test_it_writes_nothing_in_a_dry_run():
    summary = run(NOTICE, DECISION, dry_run=True)
    assert summary.created == 2
    assert not Directive.objects.exists()
