"""An agency's report on its remediation (báo cáo kết quả khắc phục), written
for it from its tasks and their latest report versions, in the same
administrative form as the province synthesis."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, User

from ..models import RemediationTask, ReportState
from . import docx_layout as layout


def _latest_report(task: RemediationTask):
    """The newest version that left the drafting officer (prefetched, newest first)."""
    return next(iter(task.sent_reports), None)


def _evidence_names(task: RemediationTask) -> list[str]:
    seen, names = set(), []
    for report in reversed(task.sent_reports):
        for evidence in report.evidence.all():
            key = (evidence.original_name, evidence.sha256)
            if key not in seen:
                seen.add(key)
                names.append(evidence.original_name)
    return names


def _due_text(task: RemediationTask) -> str:
    text = _("hạn %(date)s") % {"date": task.due_date.strftime("%d/%m/%Y")}
    if task.extended_due_date:
        text += _(", gia hạn đến %(date)s") % {"date": task.extended_due_date.strftime("%d/%m/%Y")}
    return text


def _status_text(task: RemediationTask, today: datetime.date) -> str:
    parts = [task.get_status_display(), str(task.deadline_state(today).label), _due_text(task)]
    if task.completed_on:
        parts.append(
            _("hoàn thành ngày %(date)s") % {"date": task.completed_on.strftime("%d/%m/%Y")}
        )
    return "; ".join(parts)


def _reason(task: RemediationTask) -> str:
    """Why a task is not done yet, from what the agency itself wrote."""
    extension = next(iter(task.sorted_extensions), None)
    if extension is not None:
        return _("đã đề nghị gia hạn đến %(date)s (%(state)s): %(reason)s") % {
            "date": extension.requested_date.strftime("%d/%m/%Y"),
            "state": extension.get_state_display().lower(),
            "reason": extension.reason,
        }
    report = _latest_report(task)
    if report is None:
        return _("chưa báo cáo kết quả khắc phục.")
    if report.state == ReportState.RETURNED:
        return _("báo cáo lần %(version)s được Sở Nội vụ trả lại, yêu cầu bổ sung.") % {
            "version": report.version
        }
    return _("đạt %(progress)s%% theo báo cáo lần %(version)s: %(content)s") % {
        "progress": report.progress,
        "version": report.version,
        "content": report.content,
    }


def _directives_text(tasks: Sequence[RemediationTask]) -> str:
    documents = {}
    for task in tasks:
        for directive in (task.finding and task.finding.source_directive, task.directive):
            if directive is not None:
                documents[directive.pk] = directive
    return "; ".join(
        _("%(kind)s số %(symbol)s ngày %(date)s của %(issuer)s")
        % {
            "kind": directive.get_doc_type_display(),
            "symbol": directive.symbol,
            "date": directive.issue_date.strftime("%d/%m/%Y"),
            "issuer": directive.issuer_name,
        }
        for directive in sorted(documents.values(), key=lambda d: d.issue_date)[:3]
    )


def _signer(agency: Agency, user: User) -> tuple[list[str], str]:
    if agency.kind in (AgencyKind.DISTRICT_PC, AgencyKind.COMMUNE_PC, AgencyKind.PROVINCIAL_PC):
        title = [_("TM. ỦY BAN NHÂN DÂN"), _("CHỦ TỊCH")]
    else:
        title = [_("GIÁM ĐỐC")]
    return title, user.display_name if user.agency_id == agency.pk else ""


def agency_document(
    *, agency: Agency, tasks: Sequence[RemediationTask], user: User, today: datetime.date
) -> bytes:
    document = layout.new_document()
    years = sorted({t.finding.inspection.year for t in tasks if t.finding})
    summary = _("Kết quả khắc phục tồn tại, hạn chế qua kiểm tra công tác cải cách hành chính")
    if len(years) == 1:
        summary += _(" năm %(year)s") % {"year": years[0]}
    layout.heading(
        document,
        superior=agency.parent.name if agency.parent else settings.REPORT_SUPERIOR_BODY,
        issuer=agency.name,
        symbol=f"BC-{agency.code}",
        place=settings.REPORT_PLACE,
        day=today,
        title=_("Báo cáo"),
        summary=summary,
    )
    basis = _directives_text(tasks)
    intro = _("%(agency)s báo cáo kết quả khắc phục tồn tại, hạn chế như sau:") % {
        "agency": agency.name
    }
    if basis:
        intro = _("Thực hiện %(basis)s, ") % {"basis": basis} + intro
    layout.body(document, intro)
    layout.body(document, _("I. KẾT QUẢ KHẮC PHỤC"), bold=True)
    if not tasks:
        layout.body(document, _("Cơ quan không có tồn tại, hạn chế phải khắc phục."))
    for number, task in enumerate(tasks, start=1):
        finding = task.finding
        shortcoming = finding.description if finding else task.directive_item or task.title
        code = f" ({finding.code})" if finding else ""
        layout.body(document, f"{number}. {shortcoming}{code}", bold=True)
        if finding and finding.required_action:
            layout.body(
                document, _("Yêu cầu khắc phục: %(text)s") % {"text": finding.required_action}
            )
        report = _latest_report(task)
        done = report.content if report else _("chưa có báo cáo kết quả.")
        layout.body(document, _("Kết quả thực hiện: %(text)s") % {"text": done})
        layout.body(document, _("Tình trạng: %(text)s.") % {"text": _status_text(task, today)})
        names = _evidence_names(task)
        evidence = "; ".join(names) if names else _("chưa có")
        layout.body(document, _("Tài liệu kiểm chứng: %(names)s.") % {"names": evidence})
    layout.body(document, _("II. NHỮNG NỘI DUNG CHƯA HOÀN THÀNH VÀ NGUYÊN NHÂN"), bold=True)
    remaining = [
        task
        for task in tasks
        if task.deadline_state(today).value not in ("completed_on_time", "completed_late")
    ]
    if not remaining:
        layout.body(document, _("Các tồn tại, hạn chế đã được khắc phục xong."))
    for task in remaining:
        code = f" ({task.finding.code})" if task.finding else ""
        layout.body(
            document,
            _("- %(title)s%(code)s: %(status)s. Nguyên nhân: %(reason)s")
            % {
                "title": task.title,
                "code": code,
                "status": _status_text(task, today),
                "reason": _reason(task),
            },
        )
    layout.body(
        document,
        _("Trên đây là báo cáo kết quả khắc phục tồn tại, hạn chế của %(agency)s./.")
        % {"agency": agency.name},
    )
    title, signer = _signer(agency, user)
    layout.closing(
        document,
        recipients=[_("UBND tỉnh (b/c);"), _("Sở Nội vụ (tổng hợp);"), _("Lưu: VT.")],
        signer_title=title,
        signer=signer,
    )
    return layout.to_bytes(document)
