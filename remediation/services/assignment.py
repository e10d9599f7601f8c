"""Home Affairs changes who leads, monitors or supports an open task,
through the workflow's one gate (``_locked_move``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from agencies.models import Agency, User

from ..models import NotificationKind, RemediationTask
from ..workflow import Action
from .workflow import WorkflowError, _leaders, _locked_move, _notify, _officers, _record


def task_reassign(
    *,
    task: RemediationTask,
    user: User,
    lead_agency: Agency,
    monitoring_agency: Agency | None,
    supporting_agencies: Sequence[Agency],
    comment: str = "",
    expected_status: str | None = None,
) -> RemediationTask:
    """Home Affairs changes who leads, monitors or supports an open task."""
    with _locked_move(
        task=task, user=user, action=Action.REASSIGN, expected_status=expected_status
    ) as (locked, _move):
        before = _assignment(locked)
        locked.lead_agency = lead_agency
        locked.monitoring_agency = monitoring_agency
        locked.save(update_fields=["lead_agency", "monitoring_agency", "updated_at"])
        locked.supporting_agencies.set([a for a in supporting_agencies if a.pk != lead_agency.pk])
        after = _assignment(locked)
        if before == after:
            raise WorkflowError(_("Không có thay đổi nào về cơ quan được phân công."))
        note = _("Trước: %(before)s. Sau: %(after)s.") % {"before": before, "after": after}
        _record(
            task=locked,
            user=user,
            action=Action.REASSIGN,
            target=None,
            comment=f"{comment.strip()}\n{note}".strip(),
        )
        _notify(
            task=locked,
            actor=user,
            kind=NotificationKind.REASSIGNED,
            to=[_officers(locked), _leaders(locked)],
            comment=comment,
        )
    return locked


def _assignment(task: RemediationTask) -> str:
    supporting = ", ".join(sorted(a.name for a in task.supporting_agencies.all())) or "—"
    return _("chủ trì %(lead)s; theo dõi %(monitor)s; phối hợp %(support)s") % {
        "lead": task.lead_agency.name,
        "monitor": task.monitoring_agency.name if task.monitoring_agency_id else "—",
        "support": supporting,
    }
