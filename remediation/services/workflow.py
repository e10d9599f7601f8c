"""Every change of a task's state goes through here.

``_locked_move`` is the one gate: in a transaction it locks the task's row,
looks the action up in ``workflow.TRANSITIONS`` for the user's capacities on
the task, and refuses what the table does not allow. The functions below (and
those of ``extensions`` and ``assignment``) are that gate plus what each
action writes; each records a ``TaskEvent``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Role, User

from ..evidence import clean_name, validate_evidence
from ..models import (
    Evidence,
    ExtensionRequest,
    NotificationKind,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskEvent,
)
from ..workflow import TRANSITIONS, Action, Move, TaskStatus, capacities, find_move, moves_for
from .notifications import agency_users, coordinators, notify


class WorkflowError(Exception):
    """A refused action; ``message`` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ActionNotAllowed(WorkflowError):
    """The user may never do this to this task (HTTP 403)."""


class WorkflowConflict(WorkflowError):
    """Someone else changed the task first (HTTP 409); the form is kept."""


def conflict_message(task: RemediationTask) -> str:
    return _(
        "Nhiệm vụ vừa được người khác cập nhật (trạng thái hiện tại: %(status)s). "
        "Nội dung bạn nhập vẫn được giữ trong biểu mẫu; hãy xem lại nhiệm vụ rồi gửi lại "
        "nếu vẫn cần."
    ) % {"status": task.get_status_display()}


def _conflict(task: RemediationTask) -> WorkflowConflict:
    return WorkflowConflict(conflict_message(task))


def _check(
    *, task: RemediationTask, user: User, action: str, expected_status: str | None, comment: str
) -> Move:
    held = capacities(user=user, task=task)
    move = find_move(action=action, status=task.status, held=held)
    if move is None:
        could_ever = any(held & m.actors for _key, m in moves_for(action))
        if not could_ever:
            raise ActionNotAllowed(
                _("Bạn không có quyền “%(action)s” đối với nhiệm vụ này.")
                % {"action": Action(action).label}
            )
        raise _conflict(task)
    if expected_status and expected_status != task.status:
        raise _conflict(task)
    if move.comment_required and not comment.strip():
        raise WorkflowError(
            _("Cần nhập ý kiến khi “%(action)s”.") % {"action": Action(action).label}
        )
    return move


@contextmanager
def _locked_move(
    *,
    task: RemediationTask,
    user: User,
    action: str,
    expected_status: str | None = None,
    comment: str = "",
) -> Iterator[tuple[RemediationTask, Move]]:
    with transaction.atomic():
        locked = (
            RemediationTask.objects.select_for_update(of=("self",))
            .select_related("lead_agency", "finding")
            .get(pk=task.pk)
        )
        move = _check(
            task=locked, user=user, action=action, expected_status=expected_status, comment=comment
        )
        yield locked, move


def _record(
    *,
    task: RemediationTask,
    user: User | None,
    action: str,
    target: str | None,
    comment: str = "",
    report: RemediationReport | None = None,
    extension: ExtensionRequest | None = None,
) -> TaskEvent:
    before = task.status
    if target and target != before:
        task.status = target
        # Completion is the local (Asia/Ho_Chi_Minh) date of acceptance.
        task.completed_on = timezone.localdate() if target == TaskStatus.COMPLETED else None
        task.save(update_fields=["status", "completed_on", "updated_at"])
    return TaskEvent.objects.create(
        task=task,
        actor=user,
        action=action,
        from_status=before,
        to_status=task.status,
        comment=comment.strip(),
        report=report,
        extension=extension,
    )


def _label(task: RemediationTask) -> str:
    return task.finding.code if task.finding_id else f"#{task.pk}"


def _notify(
    *,
    task: RemediationTask,
    actor: User,
    kind: NotificationKind,
    to: Sequence,
    comment: str = "",
    **params,
) -> None:
    users = [user for group in to for user in group]
    notify(
        users=users,
        kind=kind,
        task=task,
        exclude=actor,
        params={
            "task": _label(task),
            "actor": actor.display_name,
            "comment": comment.strip(),
            **params,
        },
    )


def _officers(task: RemediationTask):
    return agency_users(task.lead_agency_id, [Role.OFFICER])


def _leaders(task: RemediationTask):
    return agency_users(task.lead_agency_id, [Role.LEADER])


# Reports ------------------------------------------------------------------


def _store_evidence(
    *, report: RemediationReport, user: User, files: Sequence[UploadedFile], stored: list
) -> None:
    for upload in files:
        kind = validate_evidence(upload)  # again here: the admin and API come this way too
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = Evidence(
            report=report,
            original_name=clean_name(upload.name),
            kind=kind,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=user,
        )
        evidence.file.save(f"{kind}.{kind}", upload, save=False)
        stored.append(evidence.file)
        evidence.save()


@contextmanager
def _evidence_cleanup() -> Iterator[list]:
    """Files written for a transaction that then fails are deleted: a refused
    or conflicting submission leaves nothing behind."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def task_submit_report(
    *,
    task: RemediationTask,
    user: User,
    content: str,
    progress: int,
    files: Sequence[UploadedFile] = (),
    draft: bool = False,
    expected_status: str | None = None,
) -> RemediationReport:
    """Save a draft, or submit a report version (to the leader or to Home
    Affairs, as the workflow table says). A draft is completed by the
    submission; a submitted version is never edited again."""
    if not content.strip():
        raise WorkflowError(_("Cần nhập kết quả khắc phục."))
    if not 0 <= progress <= 100:
        raise WorkflowError(_("Tiến độ phải từ 0 đến 100%."))
    action = Action.SAVE_DRAFT if draft else Action.SUBMIT
    with (
        _evidence_cleanup() as stored,
        _locked_move(task=task, user=user, action=action, expected_status=expected_status) as (
            locked,
            move,
        ),
    ):
        report = locked.reports.filter(state=ReportState.DRAFT).first()
        if report is None:
            latest = locked.reports.aggregate(v=Max("version"))["v"] or 0
            report = RemediationReport(task=locked, version=latest + 1, submitted_by=user)
        report.content = content.strip()
        report.progress = progress
        report.submitted_by = user
        if not draft:
            report.submitted_at = timezone.now()
            report.state = (
                ReportState.AWAITING_APPROVAL
                if move.target == TaskStatus.AWAITING_APPROVAL
                else ReportState.SUBMITTED
            )
        report.save()
        _store_evidence(report=report, user=user, files=files, stored=stored)
        _record(task=locked, user=user, action=action, target=move.target, report=report)
        if move.target == TaskStatus.AWAITING_APPROVAL:
            _notify(
                task=locked,
                actor=user,
                kind=NotificationKind.SUBMITTED_FOR_APPROVAL,
                to=[_leaders(locked), _officers(locked)],
            )
        elif move.target == TaskStatus.SUBMITTED:
            _notify(
                task=locked,
                actor=user,
                kind=NotificationKind.SUBMITTED,
                to=[coordinators(), _officers(locked)],
            )
    return report


def _latest_report(task: RemediationTask, state: str) -> RemediationReport:
    report = task.reports.filter(state=state).order_by("-version").first()
    if report is None:  # the status says there is one: the data was edited by hand
        raise WorkflowError(_("Không tìm thấy báo cáo đang chờ xử lý của nhiệm vụ này."))
    return report


# What deciding on a waiting report does, per action: the report state it
# must be in, the state it moves to, the notification, and who gets it.
REPORT_DECISIONS = {
    Action.APPROVE: (
        ReportState.AWAITING_APPROVAL,
        ReportState.SUBMITTED,
        NotificationKind.APPROVED,
    ),
    Action.SEND_BACK: (
        ReportState.AWAITING_APPROVAL,
        ReportState.SENT_BACK,
        NotificationKind.SENT_BACK,
    ),
    Action.ACCEPT: (ReportState.SUBMITTED, ReportState.ACCEPTED, NotificationKind.ACCEPTED),
    Action.RETURN: (ReportState.SUBMITTED, ReportState.RETURNED, NotificationKind.RETURNED),
}


def _report_recipients(action: str, task: RemediationTask) -> list:
    if action == Action.APPROVE:
        return [coordinators(), _officers(task)]
    if action == Action.SEND_BACK:
        return [_officers(task)]
    return [_officers(task), _leaders(task)]


def _decide_report(
    *,
    task: RemediationTask,
    user: User,
    action: str,
    comment: str,
    expected_status: str | None,
    expected_report: int | None = None,
) -> RemediationTask:
    waiting, decided, kind = REPORT_DECISIONS[action]
    with _locked_move(
        task=task, user=user, action=action, expected_status=expected_status, comment=comment
    ) as (locked, move):
        report = _latest_report(locked, waiting)
        if expected_report and report.pk != expected_report:
            raise _conflict(locked)
        report.state = decided
        report.save(update_fields=["state"])
        _record(
            task=locked,
            user=user,
            action=action,
            target=move.target,
            comment=comment,
            report=report,
        )
        _notify(
            task=locked,
            actor=user,
            kind=kind,
            to=_report_recipients(action, locked),
            comment=comment,
        )
    return locked


def task_approve(
    *, task: RemediationTask, user: User, comment: str = "", expected_status: str | None = None
) -> RemediationTask:
    """The agency leader sends the officer's report on to Home Affairs."""
    return _decide_report(
        task=task,
        user=user,
        action=Action.APPROVE,
        comment=comment,
        expected_status=expected_status,
    )


def task_send_back(
    *, task: RemediationTask, user: User, comment: str, expected_status: str | None = None
) -> RemediationTask:
    """The agency leader returns the report to the officer, with a comment."""
    return _decide_report(
        task=task,
        user=user,
        action=Action.SEND_BACK,
        comment=comment,
        expected_status=expected_status,
    )


REVIEW_DECISIONS = {"accept": Action.ACCEPT, "return": Action.RETURN}


def task_review(
    *,
    task: RemediationTask,
    user: User,
    decision: str,
    comment: str = "",
    expected_status: str | None = None,
    expected_report: int | None = None,
) -> RemediationTask:
    """Home Affairs accepts the submitted report (the task is completed
    today) or returns it with a comment. ``expected_report`` is the version
    the reviewer read: a newer one means they reviewed something stale."""
    action = REVIEW_DECISIONS.get(decision)
    if action is None:
        raise WorkflowError(_("Quyết định không hợp lệ: chọn chấp nhận hoặc trả lại."))
    return _decide_report(
        task=task,
        user=user,
        action=action,
        comment=comment,
        expected_status=expected_status,
        expected_report=expected_report,
    )


def task_comment(*, task: RemediationTask, user: User, comment: str) -> TaskEvent:
    with _locked_move(task=task, user=user, action=Action.COMMENT, comment=comment) as (
        locked,
        _move,
    ):
        event = _record(task=locked, user=user, action=Action.COMMENT, target=None, comment=comment)
        _notify(
            task=locked,
            actor=user,
            kind=NotificationKind.COMMENTED,
            to=[_officers(locked), _leaders(locked)],
            comment=comment,
        )
    return event


__all__ = [
    "REVIEW_DECISIONS",
    "TRANSITIONS",
    "ActionNotAllowed",
    "WorkflowConflict",
    "WorkflowError",
    "conflict_message",
    "task_approve",
    "task_comment",
    "task_review",
    "task_send_back",
    "task_submit_report",
]
