"""The task list's search (``q``): case, tone marks and Unicode form ignored."""

from __future__ import annotations

import datetime
import string
import unicodedata

import pytest
from django.urls import reverse

from remediation import filters
from remediation.models import Finding, RemediationTask
from remediation.search import search_key

from .factories import RemediationTaskFactory
from .pages import make_cast

pytestmark = pytest.mark.django_db

# Every Vietnamese letter, the vowels with every tone.
LETTERS = "bcdđghklmnpqrstvx" + "".join(
    unicodedata.normalize("NFC", vowel + tone)
    for vowel in "aăâeêioôơuưy"
    for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
)


@pytest.fixture
def cast():
    return make_cast(due_date=datetime.date(2019, 11, 30))


def found(client, q: str) -> str:
    response = client.get(reverse("home"), {"q": q})
    assert response.status_code == 200
    return response.text


def test_it_finds_a_title_typed_without_marks_or_in_capitals(client, cast):
    client.force_login(cast.coordinator)
    for q in ("khac phuc cham bao cao", "KHẮC PHỤC CHẬM", "Khắc  phục chậm"):
        text = found(client, q)
        assert cast.task.title in text, q
        assert cast.other.title not in text, q


def test_it_finds_the_start_of_a_finding_code_in_any_case(client, cast):
    client.force_login(cast.coordinator)
    text = found(client, "kt2019-stnmt")
    assert cast.task.title in text
    assert cast.other.title not in text
    assert cast.task.title not in found(client, "stnmt-01")  # not its start


def test_it_finds_a_finding_text_typed_without_marks(client, cast):
    task = RemediationTaskFactory(
        finding__agency=cast.lead,
        finding__description="Chưa niêm yết số điện thoại\nđường dây nóng",
        title="Niêm yết công khai",
    )
    client.force_login(cast.coordinator)
    text = found(client, "duong day nong")
    assert task.title in text
    assert cast.task.title not in text
    assert task.title in found(client, "so dien thoai duong day")  # across the line break


def test_it_finds_decomposed_text_stored_decomposed(client, cast):
    task = RemediationTaskFactory(title=unicodedata.normalize("NFD", "Rà soát thủ tục hành chính"))
    client.force_login(cast.coordinator)
    assert task.title in found(client, "rà soát thủ tục")


def test_it_keys_every_letter_the_same_in_python_and_the_database(cast):
    # Plain letters and digits too: the database maps them to themselves first.
    composed = LETTERS + LETTERS.upper() + string.ascii_letters + string.digits
    spaced = " Rà\tsoát\n\nthủ\u00a0tục  hành\r\nchính "
    for title in (composed, unicodedata.normalize("NFD", composed), spaced):
        task = RemediationTaskFactory(title=title)
        stored = RemediationTask.objects.values_list("title_key", flat=True).get(pk=task.pk)
        assert stored == search_key(title)
        assert stored.isascii() and stored == stored.lower()
    assert stored == "ra soat thu tuc hanh chinh"


def test_it_follows_a_title_and_a_finding_text_when_they_change(client, cast):
    cast.task.title = "Cập nhật cổng dịch vụ công"
    cast.task.save(update_fields=["title"])
    Finding.objects.filter(pk=cast.other.finding_id).update(description="Hồ sơ trễ hạn")
    client.force_login(cast.coordinator)
    assert cast.task.title in found(client, "cong dich vu")
    assert cast.other.title in found(client, "ho so tre han")
    assert cast.task.title not in found(client, "khac phuc cham")


def test_it_takes_percent_and_underscore_as_text(client, cast):
    hundred = RemediationTaskFactory(title="Đạt 100% hồ sơ trực tuyến")
    thousand = RemediationTaskFactory(title="Đạt 1000 hồ sơ trực tuyến")
    client.force_login(cast.coordinator)
    text = found(client, "100%")
    assert hundred.title in text
    assert thousand.title not in text
    assert hundred.title not in found(client, "đạt_100")


def test_it_refuses_a_term_without_three_letters_in_a_row(client, cast):
    client.force_login(cast.coordinator)
    text = found(client, "a b")
    assert "Nhập ít nhất 3 chữ hoặc số liền nhau để tìm kiếm." in text
    # An invalid filter filters nothing.
    assert cast.task.title in text
    assert cast.other.title in text


def test_it_finds_as_many_findings_as_match_past_the_list_of_ids(client, cast, monkeypatch):
    monkeypatch.setattr(filters, "SEARCH_FINDING_IDS", 1)
    tasks = [
        RemediationTaskFactory(finding__description=f"Chậm số hoá hồ sơ {n}", title=f"Việc {n}")
        for n in range(3)
    ]
    client.force_login(cast.coordinator)
    text = found(client, "cham so hoa")
    assert all(task.title in text for task in tasks)
    assert cast.task.title not in text


@pytest.mark.parametrize("scan_up_to", [0, filters.SEARCH_SCAN_UP_TO])
def test_it_searches_a_scope_by_its_rows_or_by_the_indexes_alike(
    client, cast, monkeypatch, scan_up_to
):
    monkeypatch.setattr(filters, "SEARCH_SCAN_UP_TO", scan_up_to)
    mine = RemediationTaskFactory(
        finding__agency=cast.lead,
        finding__description="Chưa số hoá hồ sơ",
        lead_agency=cast.lead,
        title="Việc của tôi",
    )
    theirs = RemediationTaskFactory(finding__description="Chưa số hoá hồ sơ", title="Việc khác")
    client.force_login(cast.officer)
    text = found(client, "so hoa ho so")
    assert mine.title in text
    assert theirs.title not in text
    text = found(client, "KHAC PHUC CHAM")
    assert cast.task.title in text
    assert mine.title not in text
    assert cast.task.title in found(client, "kt2019-stnmt")
    assert cast.other.title not in found(client, "nhiem vu cua co quan")
