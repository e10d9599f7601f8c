"""Forms of the workflow pages: they convert and validate input, nothing more.
Whether the user may act, and the act itself, belong to ``services``.

Every action form carries ``expected_status``, the task status the page was
rendered for: the service compares it under the row lock, so a user who acted
on a stale page gets a conflict instead of overwriting someone else's move.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .evidence import ALLOWED_EXTENSIONS, validate_evidence
from .filters import TaskFilterForm
from .widgets import QuickSelect
from .workflow import TaskStatus

COMMENT_ROWS = 4


def _comment_field(label, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}),
        error_messages={"required": _("Cần nhập ý kiến.")},
    )


class WorkflowForm(forms.Form):
    expected_status = forms.ChoiceField(
        choices=TaskStatus.choices, required=False, widget=forms.HiddenInput
    )

    def expected(self) -> str | None:
        return self.cleaned_data.get("expected_status") or None


# Reports ---------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; each checked by its content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limit = settings.EVIDENCE_MAX_FILES
        if len(files) > limit:
            raise ValidationError(
                _("Chỉ được gửi tối đa %(limit)s tệp mỗi lần báo cáo (bạn chọn %(count)s tệp).")
                % {"limit": limit, "count": len(files)},
                code="too_many",
            )
        errors = []
        for upload in files:
            try:
                validate_evidence(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return files


class ReportForm(WorkflowForm):
    content = forms.CharField(
        label=_("Kết quả khắc phục"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Cần nhập kết quả khắc phục.")},
    )
    progress = forms.IntegerField(
        label=_("Tiến độ (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Cần nhập tiến độ (từ 0 đến 100%)."),
            "invalid": _("Tiến độ phải là số nguyên từ 0 đến 100."),
            "min_value": _("Tiến độ phải từ 0 đến 100%%."),
            "max_value": _("Tiến độ phải từ 0 đến 100%%."),
        },
    )
    evidence = EvidenceField(
        label=_("Tài liệu kiểm chứng"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    draft = forms.BooleanField(required=False, widget=forms.HiddenInput)


# Decisions -------------------------------------------------------------------


class DecisionForm(WorkflowForm):
    """A choice between two moves; ``needs_comment`` lists those that must be explained."""

    needs_comment: tuple[str, ...] = ()
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Cần chọn một quyết định."),
            "invalid_choice": _("Quyết định không hợp lệ."),
        },
    )
    comment = _comment_field(_("Ý kiến"))

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision in self.needs_comment and not (data.get("comment") or "").strip():
            self.add_error(
                "comment",
                ValidationError(
                    _("Cần nhập ý kiến khi “%(decision)s”.")
                    % {"decision": dict(self.fields["decision"].choices)[decision]},
                    code="required",
                ),
            )
        return data


class ReviewForm(DecisionForm):
    """Home Affairs: accept the submitted report, or return it with a comment."""

    needs_comment = ("return",)
    # The report version the reviewer read: a newer one means a stale review.
    report = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("accept", _("Chấp nhận, nhiệm vụ hoàn thành")),
            ("return", _("Trả lại, yêu cầu bổ sung")),
        ]


class ApprovalForm(DecisionForm):
    """The agency leader: send the report on to Home Affairs, or back to the officer."""

    needs_comment = ("send_back",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("approve", _("Phê duyệt, gửi Sở Nội vụ")),
            ("send_back", _("Trả lại cán bộ")),
        ]


class ExtensionDecisionForm(DecisionForm):
    needs_comment = ("refuse",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("grant", _("Đồng ý gia hạn")),
            ("refuse", _("Không đồng ý gia hạn")),
        ]


class CommentForm(forms.Form):
    comment = _comment_field(_("Ý kiến"), required=True)


class ExtensionRequestForm(WorkflowForm):
    requested_date = forms.DateField(
        label=_("Đề nghị gia hạn đến ngày"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": _("Cần nhập ngày đề nghị gia hạn."),
            "invalid": _("Ngày đề nghị gia hạn không hợp lệ (nhập theo dạng dd/mm/yyyy)."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}),
        error_messages={"required": _("Cần nêu lý do đề nghị gia hạn.")},
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class ReassignForm(WorkflowForm):
    lead_agency = AgencyChoiceField(
        label=_("Cơ quan chủ trì"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Cần chọn cơ quan chủ trì."),
            "invalid_choice": _("Cơ quan chủ trì không hợp lệ."),
        },
    )
    monitoring_agency = AgencyChoiceField(
        label=_("Cơ quan theo dõi"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("(Không có)"),
        error_messages={"invalid_choice": _("Cơ quan theo dõi không hợp lệ.")},
    )
    supporting_agencies = AgencyMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Cơ quan phối hợp không hợp lệ: %(value)s.")},
    )
    comment = _comment_field(_("Ghi chú"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_agency", "monitoring_agency", "supporting_agencies"):
            self.fields[name].queryset = agencies


# Lists -----------------------------------------------------------------------


class TaskListFilterForm(TaskFilterForm):
    """The shared task filters, with choice lists for the page's selects.
    ``options`` maps a field name to (value, label) pairs; a field whose
    list is missing, or None (too long to list), keeps its plain input."""

    def __init__(self, *args, options: dict[str, list[tuple] | None], **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in options.items():
            if choices is None:  # too many to list: the id is typed (or comes from a link)
                self.fields[name].widget.attrs.setdefault("placeholder", _("Mã số"))
                continue
            self.fields[name].widget = QuickSelect(choices=[("", _("Tất cả")), *choices])
        for name in ("thoi_han", "cap"):
            self.fields[name].widget = QuickSelect(choices=self.fields[name].choices)
        self.fields["trang_thai"].widget = forms.CheckboxSelectMultiple(
            choices=self.fields["trang_thai"].choices
        )
        for name in ("tu_ngay", "den_ngay", "ngay"):
            self.fields[name].widget = forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"}
            )
        self.fields["q"].widget.attrs["placeholder"] = _("Mã hoặc nội dung")


class IdListField(forms.Field):
    """Repeated integer ids (``?id=1&id=2``); junk is refused."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(v) for v in (value or [])]
        except (TypeError, ValueError) as error:
            raise ValidationError(_("Mã thông báo không hợp lệ."), code="invalid") from error


class MarkReadForm(forms.Form):
    id = IdListField(required=False)
    next = forms.CharField(required=False, max_length=300)
