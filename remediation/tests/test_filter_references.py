"""A filter's document, inspection or agency typed as people know them (a
number, a name, a code), not as an id: past the select's cap it is a plain
input."""

import datetime
import re

import pytest

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory
from directives.tests.factories import DirectiveFactory

from .factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))
    return client


TITLES = ("Theo Thông báo 57", "Không theo văn bản nào", "Theo văn bản năm 2019", "Của đợt ấy",
          "Của đợt khác", "Của Sở", "Của nơi khác", "Một nhiệm vụ")  # fmt: skip


def titles(client, **params) -> set[str]:
    """The tasks' titles the list shows."""
    page = client.get("/", params).content.decode()
    return {title for title in TITLES if title in page}


def errors(client, **params) -> str:
    page = client.get("/", params).content.decode()
    match = re.search(r'<div class="form-errors"[^>]*>(.*?)</div>', page, re.S)
    return match.group(1) if match else ""


def test_it_reads_a_document_by_its_number(coordinator):
    notice = DirectiveFactory(number=57, type_code="TB", issuer_code="UBND")
    RemediationTaskFactory(title="Theo Thông báo 57", directive=notice)
    RemediationTaskFactory(title="Không theo văn bản nào", directive=None)

    assert titles(coordinator, van_ban=" 57/tb-ubnd ") == {"Theo Thông báo 57"}


def test_it_asks_for_the_date_of_a_number_used_in_two_years(coordinator):
    first = DirectiveFactory(number=57, issue_date=datetime.date(2019, 6, 18))
    DirectiveFactory(number=57, issue_date=datetime.date(2020, 3, 2))
    RemediationTaskFactory(title="Theo văn bản năm 2019", directive=first)

    message = errors(coordinator, van_ban=first.symbol)
    assert "18/06/2019, 02/03/2020" in message and "ghi kèm ngày" in message
    chosen = titles(coordinator, van_ban=f"{first.symbol} ngày 18/06/2019")
    assert chosen == {"Theo văn bản năm 2019"}


def test_it_reads_an_inspection_by_its_name_in_any_case(coordinator):
    inspection = InspectionFactory(name="Kiểm tra CCHC năm 2019 tại Sở Nội vụ")
    RemediationTaskFactory(title="Của đợt ấy", finding=FindingFactory(inspection=inspection))
    RemediationTaskFactory(title="Của đợt khác")

    assert titles(coordinator, dot="KIỂM TRA CCHC NĂM 2019 TẠI SỞ NỘI VỤ") == {"Của đợt ấy"}


def test_it_reads_an_agency_by_its_code_or_its_name(coordinator):
    agency = AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường")
    RemediationTaskFactory(title="Của Sở", lead_agency=agency)
    RemediationTaskFactory(title="Của nơi khác")

    assert titles(coordinator, co_quan="stnmt") == {"Của Sở"}
    assert titles(coordinator, co_quan="SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG") == {"Của Sở"}


def test_it_names_the_codes_of_agencies_sharing_a_name(coordinator):
    AgencyFactory(code="X1", name="UBND xã Hồng Thái")
    AgencyFactory(code="X2", name="UBND xã Hồng Thái")

    assert "(mã X1, X2)" in errors(coordinator, co_quan="UBND xã Hồng Thái")


@pytest.mark.parametrize(
    ("param", "text"),
    [("van_ban", "999/TB-UBND"), ("dot", "Đợt không có"), ("co_quan", "Sở không có")],
)
def test_it_names_what_it_cannot_find_and_filters_nothing_by_it(coordinator, param, text):
    RemediationTaskFactory(title="Một nhiệm vụ")

    assert f"“{text}”" in errors(coordinator, **{param: text})
    assert titles(coordinator, **{param: text}) == {"Một nhiệm vụ"}
