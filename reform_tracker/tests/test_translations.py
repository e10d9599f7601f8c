"""The interface catalogues (locale/): the English one is complete and agrees
with its compiled .mo, and the Vietnamese one carries django-import-export's
strings, which that package ships no Vietnamese catalogue for.

The source strings are Vietnamese, so `vi` needs no translation of its own.
locale/README.md tells how to regenerate the catalogues (`make messages`).
"""

import ast
import datetime
import gettext as gnu_gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import import_export
import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency, AgencyKind
from agencies.tests.factories import UserFactory
from remediation.models import DeadlineState, TaskStatus
from remediation.tests.factories import RemediationTaskFactory

# Aliases that makemessages (xgettext) does not take for markers: these tests
# look strings up, they add none to the catalogues.
lookup = translation.gettext
lookup_plural = translation.ngettext

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
VI_IMPORT_EXPORT_PO = LOCALE / "vi" / "LC_MESSAGES" / "import_export_vi.po"
IMPORT_EXPORT_PO = (
    Path(import_export.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
)


# A small .po reader: enough for what makemessages and msgcat write ----------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index -> text; 0 if singular
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _string(literal: str) -> str:
    # A .po string literal is a C string; Python's literal syntax reads the same escapes.
    return ast.literal_eval(literal)


def parse_po(path: Path) -> list[Entry]:
    """Every live (not obsolete) entry, the header (msgid "") excluded."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None and entry.msgid:
            entries.append(entry)
        entry, target = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            finish()
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
        elif match := _KEYWORD.match(line):
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = _string(literal)
            else:
                target = (keyword, None)
                setattr(entry, keyword, _string(literal))
        elif line.startswith('"') and target is not None:
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += _string(line)
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + _string(line))
        else:
            raise AssertionError(f"{path}: cannot read the line {line!r}")
    finish()
    return entries


def mo_catalog(path: Path) -> dict:
    """The compiled catalogue as Python's gettext reads it, without its header."""
    with path.with_suffix(".mo").open("rb") as mo:
        catalog = dict(gnu_gettext.GNUTranslations(mo)._catalog)
    catalog.pop("", None)
    return catalog


def po_catalog(entries: list[Entry]) -> dict:
    """What msgfmt would compile from these entries: translated, not fuzzy."""
    catalog = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not any(entry.msgstr.values()):
            continue
        if entry.msgid_plural is None:
            catalog[entry.key] = entry.msgstr[0]
        else:
            catalog.update({(entry.key, n): text for n, text in entry.msgstr.items()})
    return catalog


EN_ENTRIES = parse_po(EN_PO)
VI_IMPORT_EXPORT_ENTRIES = parse_po(VI_IMPORT_EXPORT_PO)


# Placeholders ------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{\{\s*\w+\s*\}\}|\{(\w*)(?:[!:][^{}]*)?\}")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def placeholders(text: str) -> Counter:
    """%-style, {{ var }}, {name} fields and HTML tags; {} and {0} both count as "{}"."""
    found = Counter(_PERCENT.findall(text)) + Counter(_TAG.findall(text))
    for match in _BRACES.finditer(text):
        name = match.group(1)
        if match.group(0).startswith("{{"):
            found[re.sub(r"\s+", "", match.group(0))] += 1
        else:
            found["{}" if name is None or name == "" or name.isdigit() else f"{{{name}}}"] += 1
    return found


def placeholder_mismatches(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        for n, text in entry.msgstr.items():
            source = entry.msgid if n == 0 or entry.msgid_plural is None else entry.msgid_plural
            if text and placeholders(text) != placeholders(source):
                problems.append(f"{source!r} -> {text!r}")
    return problems


# (a) English labels ------------------------------------------------------------


def test_english_shows_key_labels_in_english():
    with translation.override("en"):
        assert str(AgencyKind.COMMUNE_PC.label) == "Commune People's Committee"
        assert str(AgencyKind.DEPARTMENT.label) == "Department or board"
        assert str(TaskStatus.IN_PROGRESS.label) == "In progress"
        assert str(TaskStatus.COMPLETED.label) == "Completed"
        assert str(DeadlineState.OVERDUE.label) == "Overdue"
        assert str(DeadlineState.DUE_SOON.label) == "Due soon"
        assert str(DeadlineState.IN_TIME.label) == "Within the deadline"
        assert str(admin.site.site_header) == "Administrative reform remediation tracker"
        assert lookup("Hạn báo cáo") == "Report due date"
        assert str(Agency._meta.verbose_name_plural) == "agencies"
        assert lookup_plural("<strong>%(n)s</strong> lỗi", "<strong>%(n)s</strong> lỗi", 2) == (
            "<strong>%(n)s</strong> errors"
        )


def test_vietnamese_keeps_the_source_strings():
    with translation.override("vi"):
        assert str(AgencyKind.COMMUNE_PC.label) == "UBND xã"
        assert str(DeadlineState.OVERDUE.label) == "Quá hạn"
        assert str(admin.site.site_header) == "Theo dõi khắc phục tồn tại, hạn chế CCHC"


# (b) django-import-export in Vietnamese ---------------------------------------


def test_vietnamese_translates_import_export():
    with translation.override("vi"):
        assert lookup("Import") == "Nhập dữ liệu"
        assert lookup("Export") == "Xuất dữ liệu"
        assert lookup("Submit") == "Gửi"
        assert lookup("Confirm import") == "Xác nhận nhập"
        assert lookup("File to import") == "Tệp cần nhập"
        # Shared with Django admin's own catalogue: the same words as there.
        assert lookup("Delete") == "Xóa"
        assert lookup("Home") == "Trang chủ"


def test_vietnamese_import_finished_message_formats_every_value():
    message = "Import finished: {} new, {} updated, {} deleted and {} skipped {}."
    with translation.override("vi"):
        text = lookup(message).format(11, 12, 13, 14, "tồn tại, hạn chế")
    assert text != message
    assert all(value in text for value in ("11", "12", "13", "14", "tồn tại, hạn chế"))


def test_import_export_vietnamese_covers_every_string_of_the_package():
    ours = {entry.key for entry in VI_IMPORT_EXPORT_ENTRIES}
    theirs = {entry.key for entry in parse_po(IMPORT_EXPORT_PO)}
    assert theirs - ours == set(), "add these to locale/vi/LC_MESSAGES/import_export_vi.po"
    untranslated = [e.msgid for e in VI_IMPORT_EXPORT_ENTRIES if not all(e.msgstr.values())]
    assert untranslated == []


def test_import_export_vietnamese_is_merged_into_the_catalogue():
    merged = po_catalog(parse_po(VI_PO))
    missing = {
        key: text
        for key, text in po_catalog(VI_IMPORT_EXPORT_ENTRIES).items()
        if merged.get(key) != text
    }
    assert missing == {}, "run `make messages` (msgcat merges import_export_vi.po)"


# (c) every English entry translated -------------------------------------------


def test_english_catalogue_is_read():
    assert len(EN_ENTRIES) > 200
    assert any(entry.msgid_plural for entry in EN_ENTRIES)


def test_every_english_entry_is_translated_and_not_fuzzy():
    untranslated = [
        entry.msgid
        for entry in EN_ENTRIES
        if not entry.msgstr
        or not all(entry.msgstr.values())
        or (entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1])
    ]
    fuzzy = [entry.msgid for entry in EN_ENTRIES if "fuzzy" in entry.flags]
    assert untranslated == [], "translate these in locale/en/LC_MESSAGES/django.po"
    assert fuzzy == [], "review these and remove their `#, fuzzy` flag"


# (d) placeholders ----------------------------------------------------------------


def test_placeholders_are_recognised():
    assert placeholders("Dòng %(row)s, %(size).1f MB, %s, 100%%") == Counter(
        {"%(row)s": 1, "%(size).1f": 1, "%s": 1, "%%": 1}
    )
    assert placeholders("{{ n }} <strong>{}</strong> {0} {name}") == Counter(
        {"{{n}}": 1, "<strong>": 1, "</strong>": 1, "{}": 2, "{name}": 1}
    )


def test_english_keeps_every_placeholder():
    assert placeholder_mismatches(EN_ENTRIES) == []


def test_import_export_vietnamese_keeps_every_placeholder():
    assert placeholder_mismatches(VI_IMPORT_EXPORT_ENTRIES) == []


# (e) the compiled catalogues match their sources -------------------------------


@pytest.mark.parametrize("po", [EN_PO, VI_PO], ids=["en", "vi"])
def test_compiled_catalogue_matches_its_po(po):
    assert mo_catalog(po) == po_catalog(parse_po(po)), "run `make messages` to recompile"


def test_django_serves_every_english_translation():
    wrong = []
    with translation.override("en"):
        for entry in EN_ENTRIES:
            if entry.msgctxt is not None:
                served = {0: translation.pgettext(entry.msgctxt, entry.msgid)}
            elif entry.msgid_plural is None:
                served = {0: lookup(entry.msgid)}
            else:  # English plural forms: n == 1 is form 0, any other n form 1
                served = {
                    form: lookup_plural(entry.msgid, entry.msgid_plural, n)
                    for form, n in ((0, 1), (1, 2))
                }
            if served != entry.msgstr:
                wrong.append(entry.msgid)
    assert wrong == []


def test_django_serves_every_import_export_vietnamese_translation():
    wrong = []
    with translation.override("vi"):
        for entry in VI_IMPORT_EXPORT_ENTRIES:
            if entry.msgid_plural is None:
                served = lookup(entry.msgid)
            else:
                served = lookup_plural(entry.msgid, entry.msgid_plural, 2)
            if served != entry.msgstr[0]:
                wrong.append(entry.msgid)
    assert wrong == []


# Pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_in_english_keeps_day_first_dates(client):
    task = RemediationTaskFactory(finding__code="KT2019-07", due_date=datetime.date(2019, 11, 30))
    client.force_login(UserFactory(agency=task.lead_agency))

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("home")).text

    assert '<html lang="en">' in page
    assert "Administrative reform remediation tracker" in page
    assert "Remediation tasks" in page
    assert "Report due date" in page
    assert "Not started" in page
    assert "Log out" in page
    assert "30/11/2019" in page
    assert "Hạn báo cáo" not in page


@pytest.mark.django_db
def test_admin_export_page_is_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:agencies_agency_export")).text
    assert "Xuất dữ liệu" in page
    assert "Định dạng" in page
    assert ">Export<" not in page
