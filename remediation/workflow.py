"""The remediation workflow: statuses, actions and the one table that says
who may do what, from which status, to which status.

Every change of a task goes through ``services.task_perform`` (or one of the
small services built on it), which looks the action up here. Pages show the
actions ``allowed_actions`` returns, so what a page offers and what the
service accepts cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from agencies.models import User

    from .models import RemediationTask


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo phê duyệt")
    SUBMITTED = "submitted", _("Đã gửi Sở Nội vụ, chờ xem xét")
    RETURNED = "returned", _("Yêu cầu bổ sung")
    COMPLETED = "completed", _("Hoàn thành")


OPEN_STATUSES = tuple(s for s in TaskStatus if s != TaskStatus.COMPLETED)
# Statuses in which the agency still has to act (draft, submit, resubmit).
AGENCY_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


class Action(models.TextChoices):
    """Everything a person can do to a task; recorded on each ``TaskEvent``."""

    SAVE_DRAFT = "save_draft", _("Lưu nháp báo cáo")
    SUBMIT = "submit", _("Gửi báo cáo")
    APPROVE = "approve", _("Phê duyệt, gửi Sở Nội vụ")
    SEND_BACK = "send_back", _("Trả lại cán bộ")
    ACCEPT = "accept", _("Chấp nhận, hoàn thành")
    RETURN = "return", _("Trả lại, yêu cầu bổ sung")
    COMMENT = "comment", _("Ý kiến")
    REQUEST_EXTENSION = "request_extension", _("Đề nghị gia hạn")
    GRANT_EXTENSION = "grant_extension", _("Đồng ý gia hạn")
    REFUSE_EXTENSION = "refuse_extension", _("Không đồng ý gia hạn")
    REASSIGN = "reassign", _("Phân công lại cơ quan")
    TRANSFER = "transfer", _("Chuyển cho cơ quan kế thừa")


class Capacity(models.TextChoices):
    """What a user is to one task: roles are per agency, so the same officer
    is ``lead_officer`` on their agency's task and only a reader on another's."""

    LEAD_OFFICER = "lead_officer", _("Cán bộ cơ quan chủ trì")
    LEAD_LEADER = "lead_leader", _("Lãnh đạo cơ quan chủ trì")
    MONITOR = "monitor", _("Cơ quan theo dõi")
    COORDINATOR = "coordinator", _("Sở Nội vụ")
    READER = "reader", _("Người xem")


C = Capacity
S = TaskStatus
ANY_STATUS = frozenset(TaskStatus)


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    actors: frozenset[str]
    # None: the action records an event but leaves the status as it is.
    target: str | None = None
    # Submit goes to the leader first only when REPORT_LEADER_APPROVAL is on.
    needs_approval_setting: bool | None = None
    comment_required: bool = False


AGENCY = frozenset({C.LEAD_OFFICER, C.LEAD_LEADER})

# The one workflow table.
TRANSITIONS: dict[str, Move] = {
    Action.SAVE_DRAFT: Move(frozenset(AGENCY_STATUSES), AGENCY, target=S.IN_PROGRESS),
    # An officer's submission waits for the leader when approval is on...
    f"{Action.SUBMIT}:approval": Move(
        frozenset(AGENCY_STATUSES),
        frozenset({C.LEAD_OFFICER}),
        target=S.AWAITING_APPROVAL,
        needs_approval_setting=True,
    ),
    # ...and goes straight to Home Affairs when it is off, or from the leader.
    f"{Action.SUBMIT}:direct": Move(
        frozenset(AGENCY_STATUSES),
        frozenset({C.LEAD_OFFICER}),
        target=S.SUBMITTED,
        needs_approval_setting=False,
    ),
    f"{Action.SUBMIT}:leader": Move(
        frozenset(AGENCY_STATUSES), frozenset({C.LEAD_LEADER}), target=S.SUBMITTED
    ),
    Action.APPROVE: Move(
        frozenset({S.AWAITING_APPROVAL}), frozenset({C.LEAD_LEADER}), target=S.SUBMITTED
    ),
    Action.SEND_BACK: Move(
        frozenset({S.AWAITING_APPROVAL}),
        frozenset({C.LEAD_LEADER}),
        target=S.RETURNED,
        comment_required=True,
    ),
    Action.ACCEPT: Move(frozenset({S.SUBMITTED}), frozenset({C.COORDINATOR}), target=S.COMPLETED),
    Action.RETURN: Move(
        frozenset({S.SUBMITTED}),
        frozenset({C.COORDINATOR}),
        target=S.RETURNED,
        comment_required=True,
    ),
    Action.COMMENT: Move(
        ANY_STATUS,
        frozenset({C.LEAD_OFFICER, C.LEAD_LEADER, C.MONITOR, C.COORDINATOR}),
        comment_required=True,
    ),
    Action.REQUEST_EXTENSION: Move(frozenset(OPEN_STATUSES), AGENCY),
    Action.GRANT_EXTENSION: Move(frozenset(OPEN_STATUSES), frozenset({C.COORDINATOR})),
    Action.REFUSE_EXTENSION: Move(
        frozenset(OPEN_STATUSES), frozenset({C.COORDINATOR}), comment_required=True
    ),
    Action.REASSIGN: Move(frozenset(OPEN_STATUSES), frozenset({C.COORDINATOR})),
}


def capacities(*, user: User, task: RemediationTask) -> frozenset[str]:
    """The capacities in which ``user`` may act on ``task`` (the caller has
    already checked that the user sees the task)."""
    from agencies.models import Role

    found: set[str] = set()
    if user.sees_all_agencies:
        found.add(C.COORDINATOR)
    agency_id = user.agency_id
    if agency_id is not None and agency_id == task.lead_agency_id:
        if user.role == Role.LEADER:
            found.add(C.LEAD_LEADER)
        elif user.role == Role.OFFICER:
            found.add(C.LEAD_OFFICER)
    if agency_id is not None and agency_id == task.monitoring_agency_id:
        found.add(C.MONITOR)
    return frozenset(found or {C.READER})


def approval_required() -> bool:
    return bool(getattr(settings, "REPORT_LEADER_APPROVAL", True))


def moves_for(action: str) -> list[tuple[str, Move]]:
    """The table rows of an action (``submit`` has three)."""
    return [(key, m) for key, m in TRANSITIONS.items() if key.split(":")[0] == action]


def find_move(*, action: str, status: str, held: frozenset[str]) -> Move | None:
    """The row that lets someone with ``held`` capacities do ``action`` from
    ``status``, honouring REPORT_LEADER_APPROVAL; None if there is none."""
    approval = approval_required()
    for _key, move in moves_for(action):
        if move.needs_approval_setting is not None and move.needs_approval_setting != approval:
            continue
        if status in move.sources and held & move.actors:
            return move
    return None


EXTENSION_DECISIONS = frozenset({Action.GRANT_EXTENSION, Action.REFUSE_EXTENSION})


def allowed_actions(*, user: User, task: RemediationTask, pending_extension: bool) -> set[str]:
    """What ``user`` may do to ``task`` now: what the task page offers.

    Extensions are asked one at a time: a request is possible only when none
    is pending, a decision only when one is.
    """
    held = capacities(user=user, task=task)
    allowed = {
        action
        for action in Action
        if find_move(action=action, status=task.status, held=held) is not None
    }
    if pending_extension:
        allowed.discard(Action.REQUEST_EXTENSION)
    else:
        allowed -= EXTENSION_DECISIONS
    return allowed
