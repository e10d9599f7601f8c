"""The commands' --as-of, read as the pages read a date (``DayField``)."""

import datetime

import pytest
import time_machine
from django.core.management import CommandError

from remediation.management.commands._dates import as_of_date

DAY = datetime.date(2019, 11, 29)


@pytest.mark.parametrize(
    "value",
    ["29/11/2019", "29/11/2019 ", "29-11-2019", "29.11.2019", "2019-11-29", "２９/１１/２０１９"],
)
def test_it_reads_the_forms_a_page_reads(value):
    assert as_of_date(value) == DAY


@time_machine.travel(datetime.datetime(2019, 11, 29, 23, 30, tzinfo=datetime.UTC))
def test_it_is_today_in_vietnam_without_a_value():
    assert as_of_date(None) == datetime.date(2019, 11, 30)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11/29/2019", ""),
        ("31/11/2019", ""),
        ("01/01/1800", " Ngày 01/01/1800 nằm ngoài khoảng 01/01/1900 – 31/12/2199."),
    ],
)
def test_it_refuses_a_date_a_page_would_not_read_in_vietnamese(value, reason):
    with pytest.raises(CommandError) as error:
        as_of_date(value)
    assert str(error.value) == (
        f"--as-of: “{value}” không phải là ngày hợp lệ; ghi theo dạng dd/mm/yyyy, "
        f"ví dụ 29/11/2019.{reason}"
    )
