import pytest
from django.core.exceptions import ValidationError

from directives.docnumbers import OFFICIAL_LETTER, parse_document_number


@pytest.mark.parametrize(
    ("raw", "number", "year", "type_code", "issuer"),
    [
        ("57/TB-UBND", 57, None, "TB", "UBND"),
        ("41/KH-UBND", 41, None, "KH", "UBND"),
        ("45/2016/QĐ-TTg", 45, 2016, "QĐ", "TTg"),
        ("30/2020/NĐ-CP", 30, 2020, "NĐ", "CP"),
        ("12/ĐA-UBND", 12, None, "ĐA", "UBND"),
        ("07/QyĐ-SNV", 7, None, "QyĐ", "SNV"),
        ("3/CTr-UBND", 3, None, "CTr", "UBND"),
        (" 57 / tb-ubnd ", 57, None, "TB", "UBND"),
    ],
)
def test_it_parses_valid_numbers(raw, number, year, type_code, issuer):
    parsed = parse_document_number(raw)
    assert (parsed.number, parsed.year, parsed.type_code, parsed.issuer) == (
        number,
        year,
        type_code,
        issuer,
    )


def test_it_parses_official_letters_without_type_code():
    parsed = parse_document_number("1234/UBND-NC")
    assert parsed.type_code == OFFICIAL_LETTER
    assert parsed.issuer == "UBND-NC"
    assert str(parsed) == "1234/UBND-NC"


def test_it_reads_the_eth_lookalike_as_d_with_stroke():
    assert parse_document_number("45/2016/Q\u00d0-TTg").type_code == "QĐ"


def test_it_reads_decomposed_unicode():
    import unicodedata

    assert parse_document_number(unicodedata.normalize("NFD", "45/2016/QĐ-TTg")).type_code == "QĐ"


def test_it_renders_the_canonical_symbol():
    assert str(parse_document_number("45/2016/qđ-ttg")) == "45/2016/QĐ-TTg"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "57",
        "57/TB",
        "TB-UBND",
        "/TB-UBND",
        "57/TB-",
        "0/TB-UBND",
        "57/2016/XYZ-UBND",
        "5a/TB-UBND",
    ],
)
def test_it_rejects_malformed_numbers_in_vietnamese(raw):
    with pytest.raises(ValidationError) as error:
        parse_document_number(raw)
    assert "Số ký hiệu" in error.value.messages[0]
