"""Django's admin in Vietnamese: locale/vi/LC_MESSAGES/django_admin_vi.po (merged
into django.po by `make messages`) and djangojs.po give Vietnamese for the admin
strings that Django's own `vi` catalogues lack or word otherwise ("History" is
"Bản ghi nhớ" there, "Show counts" is missing), and the admin pages show it.
"""

import json
import re
from pathlib import Path

import django
import pytest
from django.urls import reverse
from django.utils import translation

from agencies.tests.factories import AgencyFactory
from reform_tracker.tests.test_translations import (
    LOCALE,
    VI_PO,
    lookup,
    mo_catalog,
    parse_po,
    placeholder_mismatches,
    po_catalog,
)

VI_MESSAGES = LOCALE / "vi" / "LC_MESSAGES"
VI_ADMIN_PO = VI_MESSAGES / "django_admin_vi.po"
VI_JS_PO = VI_MESSAGES / "djangojs.po"
DJANGO = Path(django.__file__).parent
# The apps whose strings the admin shows; their `en` catalogue lists every msgid.
ADMIN_APPS = ("contrib/admin", "contrib/auth", "contrib/contenttypes", "contrib/sessions")

VI_ADMIN_ENTRIES = parse_po(VI_ADMIN_PO)
VI_JS_ENTRIES = parse_po(VI_JS_PO)


def lacking_in_django_vi(app: str, domain: str) -> set[str]:
    """Msgids of ``app`` that Django's own `vi` catalogue does not translate."""
    locale = DJANGO / app / "locale"
    translated = po_catalog(parse_po(locale / "vi" / "LC_MESSAGES" / f"{domain}.po"))
    return {
        entry.key
        for entry in parse_po(locale / "en" / "LC_MESSAGES" / f"{domain}.po")
        if entry.key not in translated and (entry.key, 0) not in translated
    }


def served(entry) -> str:
    """What Django's `vi` gives for ``entry`` (the first plural form: vi has one)."""
    if entry.msgid_plural is not None:
        return translation.ngettext(entry.msgid, entry.msgid_plural, 2)
    if entry.msgctxt is not None:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return lookup(entry.msgid)


# Catalogues ---------------------------------------------------------------------


def test_it_overrides_django_admin_wording_in_vietnamese():
    with translation.override("vi"):
        assert lookup("Show counts") == "Hiện số lượng"
        assert lookup("Hide counts") == "Ẩn số lượng"
        assert lookup("Skip to main content") == "Chuyển đến nội dung chính"
        # Django's own vi catalogue says "Bản ghi nhớ" (a memo).
        assert lookup("History") == "Lịch sử"


def test_it_covers_every_admin_string_django_vietnamese_lacks():
    ours = {entry.key for entry in VI_ADMIN_ENTRIES}
    lacking = set().union(*(lacking_in_django_vi(app, "django") for app in ADMIN_APPS))
    assert lacking - ours == set(), "add these to locale/vi/LC_MESSAGES/django_admin_vi.po"
    js_lacking = lacking_in_django_vi("contrib/admin", "djangojs")
    assert js_lacking - {entry.key for entry in VI_JS_ENTRIES} == set(), (
        "add these to locale/vi/LC_MESSAGES/djangojs.po"
    )


@pytest.mark.parametrize("entries", [VI_ADMIN_ENTRIES, VI_JS_ENTRIES], ids=["django", "djangojs"])
def test_every_admin_entry_is_translated_with_its_placeholders(entries):
    assert [entry.msgid for entry in entries if not all(entry.msgstr.values())] == []
    assert placeholder_mismatches(entries) == []


def test_admin_vietnamese_is_merged_into_the_catalogue():
    merged = po_catalog(parse_po(VI_PO))
    missing = {
        key: text for key, text in po_catalog(VI_ADMIN_ENTRIES).items() if merged.get(key) != text
    }
    assert missing == {}, "run `make messages` (msgcat merges django_admin_vi.po)"


def test_merge_keeps_the_catalogues_own_header():
    # msgcat --use-first takes the first file's header: django.po must come first.
    header = VI_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Project-Id-Version: reform-tracker\\n"' in header
    assert "POT-Creation-Date" in header


def test_compiled_javascript_catalogue_matches_its_po():
    assert mo_catalog(VI_JS_PO) == po_catalog(VI_JS_ENTRIES), "run `make messages`"


def test_django_serves_every_admin_vietnamese_translation():
    with translation.override("vi"):
        wrong = [entry.msgid for entry in VI_ADMIN_ENTRIES if served(entry) != entry.msgstr[0]]
    assert wrong == []


# Pages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_page_in_vietnamese_shows_history(admin_client):
    agency = AgencyFactory()
    page = admin_client.get(reverse("admin:agencies_agency_change", args=[agency.pk])).text

    assert re.search(r'class="historylink">\s*Lịch sử\s*</a>', page)
    assert "Chuyển đến nội dung chính" in page
    assert "Bản ghi nhớ" not in page
    assert ">History<" not in page
    assert "Skip to main content" not in page


@pytest.mark.django_db
def test_admin_history_page_in_vietnamese_names_itself(admin_client):
    agency = AgencyFactory()
    page = admin_client.get(reverse("admin:agencies_agency_history", args=[agency.pk])).text

    assert re.search(r"&rsaquo;\s*Lịch sử", page)
    assert "History" not in page


@pytest.mark.django_db
def test_admin_changelist_with_filters_in_vietnamese_shows_counts_link(admin_client):
    AgencyFactory()
    url = reverse("admin:agencies_agency_changelist")

    page = admin_client.get(url).text
    assert 'id="changelist-filter"' in page  # the list has filters
    assert "Hiện số lượng" in page
    assert "Show counts" not in page

    with_counts = admin_client.get(url, {"_facets": "True"}).text
    assert "Ẩn số lượng" in with_counts
    assert "Hide counts" not in with_counts


@pytest.mark.django_db
def test_admin_javascript_catalogue_in_vietnamese(admin_client):
    script = admin_client.get(reverse("admin:jsi18n")).text
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))

    assert catalog["Choose all %s"] == "Chọn tất cả %s"
    assert catalog["Sunday"] == "Chủ nhật"
    assert catalog["abbrev. day Sunday\x04Sun"] == "CN"
