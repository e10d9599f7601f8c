import datetime

import pytest
from django.core.exceptions import ValidationError

from directives.models import Directive


def make(symbol: str, issue_date: datetime.date) -> Directive:
    directive = Directive(symbol=symbol, issue_date=issue_date, issuer_name="UBND tỉnh", title="x")
    directive.full_clean()
    directive.save()
    return directive


@pytest.mark.django_db
def test_it_derives_type_number_and_year_from_the_symbol():
    directive = make("57/TB-UBND", datetime.date(2019, 6, 18))
    assert (directive.number, directive.year, directive.doc_type, directive.issuer_code) == (
        57,
        2019,
        "TB",
        "UBND",
    )


@pytest.mark.django_db
def test_it_refuses_the_same_number_twice_in_one_year():
    make("57/TB-UBND", datetime.date(2019, 6, 18))
    with pytest.raises(ValidationError) as error:
        make("57/TB-UBND", datetime.date(2019, 9, 1))
    assert "Đã có văn bản cùng số" in str(error.value)


@pytest.mark.django_db
def test_it_allows_the_same_number_in_another_year():
    make("57/TB-UBND", datetime.date(2019, 6, 18))
    make("57/TB-UBND", datetime.date(2020, 6, 18))
    assert Directive.objects.filter(symbol="57/TB-UBND").count() == 2


@pytest.mark.django_db
def test_it_refuses_a_year_that_contradicts_the_issue_date():
    with pytest.raises(ValidationError) as error:
        make("45/2016/QĐ-TTg", datetime.date(2017, 1, 2))
    assert "issue_date" in error.value.message_dict
