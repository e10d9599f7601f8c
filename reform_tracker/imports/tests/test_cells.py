import datetime
import unicodedata

import pytest

from reform_tracker.imports.engine import ImportSummary, RowError
from reform_tracker.imports.workbook import cell_date, cell_multiline, cell_text, header_key

JUNE_5 = datetime.date(2019, 6, 5)


@pytest.mark.parametrize(
    "value",
    [
        JUNE_5,
        datetime.datetime(2019, 6, 5, 0, 0),
        "05/06/2019",
        "5/6/2019",
        "05-06-2019",
        "05.06.2019",
        "05/06/2019 00:00",
        "2019-06-05",
        "ngày 05 tháng 6 năm 2019",
        "Ngày 5 tháng 06 năm 2019",
        "ngày 05/06/2019",
        "\uff10\uff15/06/2019",  # full-width digits (NFKC)
        43621,
        43621.0,
    ],
)
def test_it_reads_dates_day_first(value):
    assert cell_date(value) == JUNE_5


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/11/2019", "không tồn tại"),
        ("29/02/2019", "không tồn tại"),
        ("06/31/2019", "không tồn tại"),
        ("5/6/19", "dd/mm/yyyy"),
        ("hạn cuối năm", "dd/mm/yyyy"),
        (-1, "không phải là ngày"),
    ],
)
def test_it_refuses_impossible_or_unreadable_dates(value, words):
    with pytest.raises(ValueError, match=words):
        cell_date(value)


def test_it_matches_headers_whatever_the_normalisation_case_and_spaces():
    expected = header_key("Cơ quan được kiểm tra")
    assert header_key(unicodedata.normalize("NFD", "Cơ quan được kiểm tra")) == expected
    assert header_key("  CƠ QUAN   ĐƯỢC\u00a0KIỂM TRA ") == expected


def test_it_reads_cell_text_as_nfc():
    assert cell_text(unicodedata.normalize("NFD", " Sở  Tư pháp ")) == "Sở Tư pháp"
    assert cell_text(12.0) == "12"
    assert cell_text(None) == ""
    assert cell_text(JUNE_5) == "05/06/2019"


def test_it_keeps_line_breaks_of_multiline_cells():
    assert cell_multiline("- Một  ý\r\n- Ý   hai ") == "- Một ý\n- Ý hai"


def test_it_names_row_and_column_in_an_error():
    assert str(RowError(4, "Hạn báo cáo", "không được để trống.")) == (
        "Dòng 4, cột “Hạn báo cáo”: không được để trống."
    )
    assert str(RowError(4, "", "dòng trùng.")) == "Dòng 4: dòng trùng."
    assert str(RowError(None, "", "Tệp rỗng.")) == "Tệp rỗng."


def test_it_describes_a_summary_in_vietnamese():
    summary = ImportSummary(kind="findings", dry_run=False, total_rows=5, created=2, updated=1)
    summary.unchanged = 2
    assert summary.describe() == "5 dòng: 2 thêm mới, 1 cập nhật, 2 không đổi."


def test_it_round_trips_a_summary_with_errors():
    summary = ImportSummary(kind="agencies", dry_run=True, errors=[RowError(2, "Loại", "sai.")])
    again = ImportSummary.from_dict(summary.to_dict())
    assert again == summary
    assert not again.ok
