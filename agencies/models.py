from __future__ import annotations

import datetime
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def normalize_text(value: str) -> str:
    """NFC with collapsed spaces: workbooks and browsers send NFD too."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def match_key(value: str) -> str:
    """Case- and Unicode-insensitive key for matching names and headers."""
    return normalize_text(value).casefold()


# The Vietnamese alphabet (with the Latin letters it lacks, for foreign
# names); ă, â, đ, ê, ô, ơ, ư are letters of their own.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Marks that make a letter of the alphabet (breve, circumflex, horn)…
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# …and the tones, in dictionary order after the level tone: huyền, hỏi,
# ngã, sắc, nặng.
TONES = "\u0300\u0309\u0303\u0301\u0323"
# Letters are mapped past every digit, space and punctuation mark, in
# alphabet order; the code points are private (U+E000…) and never shown.
_LETTER_AT = {letter: chr(0xE000 + i) for i, letter in enumerate(ALPHABET)}


def vietnamese_sort_key(value: str) -> str:
    """Dictionary order of Vietnamese names as a plain string, equal in
    Python's ``sorted``, PostgreSQL's ``COLLATE "C"`` and SQLite: word by
    word, by letters of the alphabet ("Đ" after "D", "Ư" after "U"), then
    by the word's tone; case and Unicode form ignored. A word ends with its
    tone as a control character (1 to 6), below every character of a name
    and above nothing (PostgreSQL's text cannot hold NUL)."""
    words = []
    for word in normalize_text(value).casefold().split(" "):
        letters, tone = [], 0
        for char in unicodedata.normalize("NFD", word):
            if unicodedata.combining(char) and letters:
                if char in LETTER_MARKS:
                    letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
                elif char in TONES:
                    tone = 1 + TONES.index(char)
                continue
            letters.append(char)
        words.append("".join(_LETTER_AT.get(char, char) for char in letters) + chr(1 + tone))
    return " ".join(words)


class AgencyKind(models.TextChoices):
    PROVINCIAL_PC = "provincial_pc", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT_PC = "district_pc", _("UBND huyện")
    COMMUNE_PC = "commune_pc", _("UBND xã")
    PUBLIC_UNIT = "public_unit", _("Đơn vị sự nghiệp")


class AgencyQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> AgencyQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self) -> AgencyQuerySet:
        return self.valid_on(timezone.localdate())

    def sort_keys_refresh(self) -> None:
        """Write ``sort_key`` for agencies inserted by raw SQL (``save`` and
        the importer write it themselves)."""
        agencies = list(self.only("pk", "name"))
        for agency in agencies:
            agency.sort_key = vietnamese_sort_key(agency.name)
        self.model.objects.bulk_update(agencies, ["sort_key"], batch_size=2000)

    def subtree_ids(self, root_id: int) -> list[int]:
        """The agency and every unit under it (a district and its communes),
        one query per level of the tree."""
        found, level = [root_id], [root_id]
        while level:
            level = [pk for pk in self.filter(parent_id__in=level).values_list("pk", flat=True)]
            level = [pk for pk in level if pk not in found]  # a cycle in bad data must end
            found.extend(level)
        return found


class Agency(models.Model):
    code = models.CharField(_("mã cơ quan"), max_length=50, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255, db_index=True)
    # ``vietnamese_sort_key(name)``, kept by ``save`` and the importer: the
    # dashboard orders agencies by it in SQL and in Python alike.
    sort_key = models.CharField(max_length=520, editable=False, default="")
    kind = models.CharField(_("loại"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Reminders go here when the agency has no user account to reach.
    official_email = models.EmailField(_("hộp thư công vụ"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        through="AgencySuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        # Vietnamese nouns have no plural form; the "plural" context gives
        # English its own string ("agencies") for every model.
        verbose_name_plural = pgettext_lazy("plural", "cơ quan")
        ordering = ["code"]
        # The dashboard looks up thousands of agencies by id for what orders
        # them: from the index alone.
        indexes = [
            models.Index(
                fields=["id"], include=["kind", "parent", "sort_key"], name="agency_order_keys"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.code = normalize_text(self.code)
        self.name = normalize_text(self.name)
        self.sort_key = vietnamese_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class AgencySuccession(models.Model):
    """One agency's work passing to another (merger, split, abolition)."""

    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan cũ"),
        on_delete=models.PROTECT,
        related_name="succession_out",
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan kế thừa"),
        on_delete=models.PROTECT,
        related_name="succession_in",
    )
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = pgettext_lazy("plural", "kế thừa cơ quan")
        ordering = ["-effective_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="agency_succession_unique"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="agency_succession_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class ReformArea(models.Model):
    """A CCHC area (lĩnh vực) of the PAR Index."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    monitoring_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan theo dõi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitored_areas",
    )

    class Meta:
        verbose_name = _("lĩnh vực CCHC")
        verbose_name_plural = pgettext_lazy("plural", "lĩnh vực CCHC")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A criterion (tiêu chí) or sub-criterion (tiêu chí thành phần).

    Criteria belong to one year's index, since the PAR Index changes yearly.
    """

    area = models.ForeignKey(
        ReformArea, verbose_name=_("lĩnh vực"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tiêu chí cha"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    year = models.PositiveSmallIntegerField(_("năm áp dụng"))
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    max_score = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "tiêu chí")
        ordering = ["year", "area__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="criterion_year_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Chuyên viên Sở Nội vụ (điều phối)")
    MONITOR = "monitor", _("Cơ quan theo dõi lĩnh vực")
    LEADER = "leader", _("Lãnh đạo cơ quan")
    OFFICER = "officer", _("Cán bộ cơ quan")
    ADMIN = "admin", _("Quản trị hệ thống")


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.OFFICER)

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("plural", "người dùng")

    @property
    def display_name(self) -> str:
        """Vietnamese order: family name first (Nguyễn Thu Hà)."""
        return " ".join(f"{self.last_name} {self.first_name}".split()) or self.username

    @property
    def sees_all_agencies(self) -> bool:
        return self.is_superuser or self.role in {Role.COORDINATOR, Role.ADMIN}
