"""Every text cell an importer reads: Excel's length limit, no control
characters, errors stored within bounds, in the caller's language."""

import json
import random

import pytest
from django.utils import translation

from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.checks import MAX_STORED_ERRORS, ErrorLog
from reform_tracker.imports.engine import RowError
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import (
    finding_row,
    findings_book,
    row_counts,
    with_cell_xml,
)
from remediation.models import Finding

pytestmark = pytest.mark.django_db

DESCRIPTION = "Tồn tại, hạn chế"


@pytest.fixture
def world():
    return AgencyFactory(code="STNMT")


def run(data, *, dry_run=False):
    return import_run(kind="findings", data=data, dry_run=dry_run)


def with_description(text):
    row = finding_row(1)
    row[4] = text
    return findings_book(finding_row(2), row)


def inline_description(xml_text):
    """Row 2's description as raw inline-string XML (for _xHHHH_ escapes)."""
    data = findings_book(finding_row(1))
    return with_cell_xml(data, "E2", f'<c r="E2" t="inlineStr"><is><t>{xml_text}</t></is></c>')


def test_it_refuses_text_over_excels_cell_limit(world):
    before = row_counts()

    summary = run(inline_description("đ" * 40_000))  # openpyxl would cut it

    [error] = summary.errors
    assert (error.row, error.column) == (2, DESCRIPTION)
    assert error.message == "dài 40000 ký tự, vượt quá giới hạn 32767 ký tự của một ô Excel."
    assert row_counts() == before


def test_it_accepts_text_at_excels_cell_limit(world):
    summary = run(with_description("đ" * 32_767))

    assert summary.errors == []
    assert len(Finding.objects.get(code="KT-001").description) == 32_767


@pytest.mark.parametrize(("escape", "code"), [("_x0000_", "U+0000"), ("_x001B_", "U+001B")])
def test_it_refuses_control_characters_arriving_as_escapes(world, escape, code):
    before = row_counts()

    summary = run(inline_description(f"Chưa niêm yết{escape} công khai"))

    [error] = summary.errors
    assert (error.row, error.column) == (2, DESCRIPTION)
    assert str(error) == (
        f"Dòng 2, cột “{DESCRIPTION}”: chứa ký tự điều khiển không được phép "
        f"(mã {code}, ở ký tự thứ 14); hãy xoá ký tự này."
    )
    assert row_counts() == before


def test_it_refuses_a_control_character_in_a_one_line_cell(world):
    data = with_cell_xml(
        findings_book(finding_row(1)),
        "A2",
        '<c r="A2" t="inlineStr"><is><t>KT_x0007_1</t></is></c>',
    )

    [error] = run(data).errors

    assert (error.row, error.column) == (2, "Mã")


def test_it_keeps_tabs_and_line_breaks(world):
    summary = run(inline_description("Dòng một_x000D_\nDòng\thai"))

    assert summary.errors == []
    assert Finding.objects.get().description == "Dòng một\nDòng hai"


def test_it_stores_the_first_errors_and_counts_the_rest(world):
    rows = [finding_row(n, agency="SKHONGCO") for n in range(1, MAX_STORED_ERRORS + 51)]

    summary = run(findings_book(*rows), dry_run=True)

    assert len(summary.errors) == MAX_STORED_ERRORS
    assert summary.errors_omitted == 50
    assert summary.error_count == MAX_STORED_ERRORS + 50
    assert [e.row for e in summary.errors[:2]] == [2, 3]
    assert summary.errors[-1].row == MAX_STORED_ERRORS + 1
    assert not summary.ok
    assert len(json.dumps(summary.to_dict())) < 200_000


def test_it_keeps_the_errors_of_the_lowest_rows_whatever_the_order():
    log = ErrorLog()
    rows = list(range(1, 3 * MAX_STORED_ERRORS + 1))
    random.Random(9).shuffle(rows)

    for row in rows:
        log.append(RowError(row, "Mã", "sai."))
    log.finish()

    assert [e.row for e in log] == list(range(1, MAX_STORED_ERRORS + 1))
    assert log.omitted == 2 * MAX_STORED_ERRORS


def test_it_cuts_a_long_message():
    log = ErrorLog()

    log.append(RowError(2, "Hạn báo cáo", "“" + "9" * 5000 + "” không phải là ngày."))

    assert len(log[0].message) == 501
    assert log[0].message.endswith("…")


def test_it_cuts_long_text_in_the_sample(world):
    summary = run(with_description("x" * 5000), dry_run=True)

    values = summary.sample[1]["values"]
    assert values[4] == "x" * 200 + "…"


def test_it_gives_cell_and_file_errors_in_the_callers_language(world):
    data = findings_book(finding_row(1), finding_row(1), finding_row(3, agency=""))

    with translation.override("en"):
        summary = run(data)
        expected_empty = translation.gettext("không được để trống.")
        expected_duplicate = translation.gettext("mã “%(code)s” trùng với dòng %(first)s.") % {
            "code": "KT-001",
            "first": 2,
        }

    assert expected_empty != "không được để trống."  # the test means something
    messages = {(e.row, e.message) for e in summary.errors}
    assert (4, expected_empty) in messages
    assert (3, expected_duplicate) in messages
