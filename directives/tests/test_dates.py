import datetime

import pytest
from django.utils import formats, translation

from directives.forms import DirectiveForm


def form_with(issue_date: str) -> DirectiveForm:
    return DirectiveForm(
        data={
            "symbol": "57/TB-UBND",
            "issue_date": issue_date,
            "issuer_name": "UBND tỉnh Tuyên Quang",
            "title": "Kết luận Hội nghị sơ kết CCHC",
        }
    )


@pytest.mark.django_db
def test_it_reads_day_first_dates():
    form = form_with("05/06/2019")
    assert form.is_valid(), form.errors
    assert form.save().issue_date == datetime.date(2019, 6, 5)


@pytest.mark.django_db
def test_it_reads_dates_without_leading_zeros():
    form = form_with("5/6/2019")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["issue_date"] == datetime.date(2019, 6, 5)


@pytest.mark.django_db
def test_it_rejects_an_impossible_date_in_vietnamese():
    form = form_with("31/11/2019")
    assert not form.is_valid()
    assert form.errors["issue_date"] == ["Nhập một ngày hợp lệ."]


@pytest.mark.django_db
def test_it_reads_day_first_dates_in_english_too():
    with translation.override("en"):
        form = form_with("05/06/2019")
        assert form.is_valid(), form.errors
        assert form.cleaned_data["issue_date"] == datetime.date(2019, 6, 5)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_displays_dates_as_dd_mm_yyyy(language):
    with translation.override(language):
        assert formats.date_format(datetime.date(2019, 6, 5), "SHORT_DATE_FORMAT") == "05/06/2019"
        assert formats.localize(datetime.date(2019, 6, 5)) == "05/06/2019"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
