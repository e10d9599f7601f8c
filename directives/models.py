from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency, normalize_text

from .docnumbers import OFFICIAL_LETTER, TYPE_CODES, DocumentNumber, parse_document_number


class DocumentType(models.TextChoices):
    NOTICE = "TB", _("Thông báo")
    PLAN = "KH", _("Kế hoạch")
    DECISION = "QĐ", _("Quyết định")
    DIRECTIVE = "CT", _("Chỉ thị")
    RESOLUTION = "NQ", _("Nghị quyết")
    DECREE = "NĐ", _("Nghị định")
    CIRCULAR = "TT", _("Thông tư")
    REPORT = "BC", _("Báo cáo")
    GUIDANCE = "HD", _("Hướng dẫn")
    PROGRAMME = "CTr", _("Chương trình")
    SCHEME = "ĐA", _("Đề án")
    OFFICIAL_LETTER = OFFICIAL_LETTER, _("Công văn")
    OTHER = "KHAC", _("Văn bản khác")


def document_type_for(type_code: str) -> str:
    if type_code in DocumentType.values:
        return type_code
    return DocumentType.OTHER if type_code in TYPE_CODES else DocumentType.OFFICIAL_LETTER


class Directive(models.Model):
    """A directing document (văn bản chỉ đạo)."""

    symbol = models.CharField(_("số ký hiệu"), max_length=100, db_index=True)
    number = models.PositiveIntegerField(_("số"))
    year = models.PositiveSmallIntegerField(_("năm"))
    doc_type = models.CharField(_("loại văn bản"), max_length=10, choices=DocumentType.choices)
    type_code = models.CharField(_("ký hiệu loại"), max_length=10, blank=True)
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=50)
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    issuer = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ban hành (trong hệ thống)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_directives",
    )
    issue_date = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=1000)
    summary = models.TextField(_("tóm tắt nội dung"), blank=True)
    file = models.FileField(_("tệp văn bản"), upload_to="directives/%Y/", blank=True)
    related = models.ManyToManyField(
        "self",
        verbose_name=_("văn bản liên quan"),
        through="DirectiveLink",
        through_fields=("source", "target"),
        symmetrical=False,
        related_name="referenced_by",
        blank=True,
    )

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = pgettext_lazy("plural", "văn bản chỉ đạo")
        ordering = ["-issue_date", "-number"]
        constraints = [
            # Numbering restarts on 1 January.
            models.UniqueConstraint(
                fields=["number", "type_code", "issuer_code", "year"],
                name="directive_number_unique_per_year",
                violation_error_message=_("Đã có văn bản cùng số, ký hiệu trong năm này."),
            )
        ]

    def __str__(self) -> str:
        return self.symbol

    DERIVED_FIELDS = ("number", "year", "doc_type", "type_code", "issuer_code")

    def clean_fields(self, exclude=None) -> None:
        # The derived fields come from the symbol, so fill them before Django
        # checks them; a bad symbol is reported once, by clean().
        exclude = set(exclude or ())
        try:
            self.apply_number(parse_document_number(self.symbol))
        except ValidationError:
            exclude.update(self.DERIVED_FIELDS)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        try:
            parsed = parse_document_number(self.symbol)
        except ValidationError as error:
            raise ValidationError({"symbol": error.messages}) from error
        if self.issue_date and parsed.year and parsed.year != self.issue_date.year:
            raise ValidationError(
                {
                    "issue_date": _(
                        "Năm ban hành (%(date_year)s) khác năm trong số ký hiệu (%(year)s)."
                    )
                    % {"date_year": self.issue_date.year, "year": parsed.year}
                }
            )
        self.apply_number(parsed)
        # The derived fields are not on forms, so Django would skip the
        # per-year uniqueness check for them: run it here on the full values.
        self.validate_constraints()

    def apply_number(self, parsed: DocumentNumber) -> None:
        self.symbol = str(parsed)
        self.number = parsed.number
        self.type_code = parsed.type_code
        self.issuer_code = parsed.issuer
        self.doc_type = document_type_for(parsed.type_code)
        if self.issue_date:
            self.year = parsed.year or self.issue_date.year
        self.title = normalize_text(self.title)
        self.issuer_name = normalize_text(self.issuer_name)


class LinkKind(models.TextChoices):
    IMPLEMENTS = "implements", _("Triển khai thực hiện")
    CITES = "cites", _("Căn cứ, trích dẫn")
    AMENDS = "amends", _("Sửa đổi, bổ sung")
    REPLACES = "replaces", _("Thay thế")


class DirectiveLink(models.Model):
    source = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản được dẫn chiếu"),
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    kind = models.CharField(_("quan hệ"), max_length=20, choices=LinkKind.choices)

    class Meta:
        verbose_name = _("liên kết văn bản")
        verbose_name_plural = pgettext_lazy("plural", "liên kết văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="directive_link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="directive_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"
