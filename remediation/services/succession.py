from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencySuccession, ReformArea, User

from ..models import Action, RemediationTask, TaskEvent


class SuccessionNotYetEffective(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def tasks_transfer_to_successor(*, succession: AgencySuccession, user: User | None = None) -> int:
    """Hand the predecessor's open tasks to its successor (mergers, the 2025
    abolition of districts). Completed tasks, and every finding, keep the
    original agency: that is the history. Returns the number of tasks moved.

    A succession that has not yet taken effect is refused: until then the
    predecessor still exists and still does its work.
    """
    today = timezone.localdate()
    if succession.effective_date > today:
        raise SuccessionNotYetEffective(
            _("Kế thừa %(old)s → %(new)s có hiệu lực từ %(date)s: chưa thể chuyển nhiệm vụ.")
            % {
                "old": succession.predecessor,
                "new": succession.successor,
                "date": succession.effective_date.strftime("%d/%m/%Y"),
            }
        )
    old, new = succession.predecessor, succession.successor
    # The reform areas it monitored pass on too, or new findings would be
    # monitored by an agency that no longer exists.
    ReformArea.objects.filter(monitoring_agency=old).update(monitoring_agency=new)
    open_tasks = RemediationTask.objects.open()
    moved = set(open_tasks.for_agency(old).values_list("pk", flat=True))
    open_tasks.filter(lead_agency=old).update(lead_agency=new)
    open_tasks.filter(monitoring_agency=old).update(monitoring_agency=new)
    Supporting = RemediationTask.supporting_agencies.through
    supported = Supporting.objects.filter(agency=old, remediationtask__in=open_tasks)
    task_ids = set(supported.values_list("remediationtask_id", flat=True))
    supported.delete()
    Supporting.objects.bulk_create(
        [Supporting(remediationtask_id=pk, agency=new) for pk in task_ids],
        ignore_conflicts=True,  # the successor may already support the task
    )
    note = _("Chuyển từ %(old)s sang %(new)s (%(basis)s)") % {
        "old": old.name,
        "new": new.name,
        "basis": succession.legal_basis or succession.effective_date.strftime("%d/%m/%Y"),
    }
    TaskEvent.objects.bulk_create(
        TaskEvent(task_id=pk, actor=user, action=Action.TRANSFER, comment=note) for pk in moved
    )
    if old.valid_to is None:
        old.valid_to = succession.effective_date - datetime.timedelta(days=1)
        old.save(update_fields=["valid_to"])
    return len(moved)
