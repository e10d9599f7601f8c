"""The on-time rate, shown to one decimal the same way on every page and report."""

from decimal import Decimal

from remediation.dashboard.rows import Counts
from remediation.reports.formal import percent
from remediation.reports.xlsx import counts_values


def counts(on_time: int, decided: int) -> Counts:
    return Counts(total=decided, completed_on_time=on_time, overdue=decided - on_time)


def test_it_rounds_a_rate_half_up_as_a_spreadsheet_shows_it():
    # 49 of 400: 12.25 %, which Python's own rounding makes 12.2.
    assert counts(49, 400).rate_shown == Decimal("12.3")
    assert counts(1, 400).rate_shown == Decimal("0.3")
    assert counts(2, 3).rate_shown == Decimal("66.7")


def test_it_has_no_rate_without_a_decided_task():
    assert Counts(total=3, in_time=3).rate_shown is None
    assert percent(None) == "–"


def test_it_writes_the_rate_with_the_language_s_decimal_separator():
    assert percent(counts(49, 400).rate_shown) == "12,3"
    assert percent(counts(49, 400).rate_shown, ".") == "12.3"


def test_it_exports_the_rate_the_page_shows():
    assert counts_values(counts(49, 400))[-1] == 12.3
