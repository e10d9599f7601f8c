"""Agencies are ordered by a stored Vietnamese sort key (the dashboard
orders by it in SQL and in Python alike)."""

import unicodedata

import pytest

from agencies.models import Agency, vietnamese_sort_key
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.services import import_run
from reform_tracker.imports.tests.workbooks import xlsx


def ordered(*names):
    return sorted(names, key=vietnamese_sort_key)


def test_it_puts_each_vietnamese_letter_after_its_base():
    assert ordered("Đông", "Em", "Dương") == ["Dương", "Đông", "Em"]
    assert ordered("Ưng", "Vân", "Uy") == ["Uy", "Ưng", "Vân"]
    assert ordered("Ân", "Ăn", "An", "Bắc") == ["An", "Ăn", "Ân", "Bắc"]
    assert ordered("Ơn", "Ôn", "On") == ["On", "Ôn", "Ơn"]


def test_it_orders_by_letters_before_tones():
    assert ordered("Bác", "Bà", "Bạc", "Ba") == ["Ba", "Bà", "Bác", "Bạc"]
    assert ordered("Ba Bể", "Bà") == ["Ba Bể", "Bà"]  # a shorter name first


def test_it_ignores_case_and_unicode_form():
    name = "Ủy ban nhân dân xã Đồng Quý"
    assert vietnamese_sort_key(unicodedata.normalize("NFD", name)) == vietnamese_sort_key(name)
    assert vietnamese_sort_key(name.upper()) == vietnamese_sort_key(name)


@pytest.mark.django_db
def test_it_is_kept_when_an_agency_is_saved_or_renamed():
    agency = AgencyFactory(name="Sở Nội vụ")
    agency.name = "Đài Phát thanh"
    agency.save(update_fields=["name"])
    assert Agency.objects.get(pk=agency.pk).sort_key == vietnamese_sort_key("Đài Phát thanh")


@pytest.mark.django_db
def test_it_is_written_by_the_import_for_new_and_renamed_agencies():
    AgencyFactory(code="SNV", name="Sở Nội vụ")
    rows = [
        ["Mã cơ quan", "Tên cơ quan", "Loại", "Cơ quan cấp trên"],
        ["SNV", "Sở Nội vụ tỉnh", "Sở, ban, ngành", ""],
        ["UBNDT", "Ủy ban nhân dân tỉnh", "UBND tỉnh", ""],
    ]
    assert import_run(kind="agencies", data=xlsx(rows), dry_run=False).errors == []
    for agency in Agency.objects.filter(code__in=["SNV", "UBNDT"]):
        assert agency.sort_key == vietnamese_sort_key(agency.name)


@pytest.mark.django_db
def test_it_is_written_for_agencies_inserted_without_it():
    agency = AgencyFactory(name="Ủy ban nhân dân xã Đồng Quý")
    Agency.objects.filter(pk=agency.pk).update(sort_key="")
    Agency.objects.filter(pk=agency.pk).sort_keys_refresh()
    assert Agency.objects.get(pk=agency.pk).sort_key == vietnamese_sort_key(agency.name)
