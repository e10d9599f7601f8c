"""A task's deadline moved: the lead agency asks, Home Affairs decides.
Both go through the workflow's one gate (``_locked_move``)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import User

from ..models import ExtensionRequest, ExtensionState, NotificationKind, RemediationTask
from ..workflow import Action
from .notifications import coordinators
from .workflow import (
    WorkflowConflict,
    WorkflowError,
    _conflict,
    _leaders,
    _locked_move,
    _notify,
    _officers,
    _record,
)


def _date(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def task_request_extension(
    *,
    task: RemediationTask,
    user: User,
    requested_date: datetime.date,
    reason: str,
    expected_status: str | None = None,
) -> ExtensionRequest:
    if not reason.strip():
        raise WorkflowError(_("Cần nêu lý do đề nghị gia hạn."))
    try:
        with _locked_move(
            task=task, user=user, action=Action.REQUEST_EXTENSION, expected_status=expected_status
        ) as (locked, _m):
            current = locked.current_due_date
            if requested_date <= current:
                raise WorkflowError(
                    _("Ngày đề nghị gia hạn phải sau hạn hiện tại (%(date)s).")
                    % {"date": _date(current)}
                )
            if locked.extensions.filter(state=ExtensionState.PENDING).exists():
                raise _conflict(locked)
            extension = ExtensionRequest.objects.create(
                task=locked,
                requested_by=user,
                due_date_before=current,
                requested_date=requested_date,
                reason=reason.strip(),
            )
            locked.extension_pending = True
            locked.save(update_fields=["extension_pending", "updated_at"])
            _record(
                task=locked,
                user=user,
                action=Action.REQUEST_EXTENSION,
                target=None,
                comment=reason,
                extension=extension,
            )
            _notify(
                task=locked,
                actor=user,
                kind=NotificationKind.EXTENSION_REQUESTED,
                to=[coordinators(), _officers(locked)],
                comment=reason,
                date=_date(requested_date),
            )
    except IntegrityError as error:  # a second pending request raced this one
        raise WorkflowConflict(
            _("Nhiệm vụ này đã có một đề nghị gia hạn đang chờ quyết định.")
        ) from error
    return extension


def extension_decide(
    *, extension: ExtensionRequest, user: User, grant: bool, comment: str = ""
) -> ExtensionRequest:
    """Home Affairs grants (the task's extended date is set; the original
    due date stays) or refuses, with a comment."""
    action = Action.GRANT_EXTENSION if grant else Action.REFUSE_EXTENSION
    with _locked_move(task=extension.task, user=user, action=action, comment=comment) as (
        locked,
        _move,
    ):
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if extension.state != ExtensionState.PENDING:
            raise WorkflowConflict(_("Đề nghị gia hạn này đã được quyết định."))
        extension.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        extension.decided_by = user
        extension.decided_at = timezone.now()
        extension.decision_comment = comment.strip()
        extension.save()
        locked.extension_pending = False
        if grant:
            if extension.requested_date <= locked.due_date:
                raise WorkflowError(_("Ngày gia hạn phải sau hạn ban đầu."))
            locked.extended_due_date = extension.requested_date
        locked.save(update_fields=["extended_due_date", "extension_pending", "updated_at"])
        _record(
            task=locked,
            user=user,
            action=action,
            target=None,
            comment=comment,
            extension=extension,
        )
        _notify(
            task=locked,
            actor=user,
            kind=(
                NotificationKind.EXTENSION_GRANTED if grant else NotificationKind.EXTENSION_REFUSED
            ),
            to=[_officers(locked), _leaders(locked), [extension.requested_by]],
            comment=comment,
            date=_date(extension.requested_date),
        )
    return extension
