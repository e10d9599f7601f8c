from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, Criterion, ReformArea
from directives.models import Directive

from ..search import SearchKey


class Inspection(models.Model):
    """An inspection round (đợt kiểm tra CCHC)."""

    name = models.CharField(_("tên đợt kiểm tra"), max_length=255, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    leading_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì kiểm tra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_inspections",
    )
    inspected_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan được kiểm tra"), related_name="inspections", blank=True
    )
    conclusion = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản kết luận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concluded_inspections",
    )

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = pgettext_lazy("plural", "đợt kiểm tra")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A shortcoming found by an inspection (tồn tại, hạn chế)."""

    code = models.CharField(_("mã"), max_length=50)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("đợt kiểm tra"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    # Stays the originally inspected agency even after a successor takes over.
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan được kiểm tra"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    reform_area = models.ForeignKey(
        ReformArea,
        verbose_name=_("lĩnh vực CCHC"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("tiêu chí"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    description = models.TextField(_("tồn tại, hạn chế"))
    # Without case or tone marks, for the search (``search``), which reads it
    # from a trigram index on PostgreSQL.
    description_key = models.GeneratedField(
        expression=SearchKey("description"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("tồn tại, hạn chế (để tìm kiếm)"),
    )
    required_action = models.TextField(_("yêu cầu khắc phục"), blank=True)
    source_directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản chỉ đạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )

    class Meta:
        verbose_name = _("tồn tại, hạn chế")
        verbose_name_plural = pgettext_lazy("plural", "tồn tại, hạn chế")
        ordering = ["code"]
        # A constraint rather than unique=True: on PostgreSQL the latter adds a
        # second (LIKE) index that every bulk import would have to maintain.
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="finding_code_unique",
                violation_error_message=_("Đã có tồn tại, hạn chế với mã này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description[:80]}"
