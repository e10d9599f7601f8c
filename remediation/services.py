from __future__ import annotations

import datetime

from django.db import transaction

from agencies.models import AgencySuccession

from .models import RemediationTask


@transaction.atomic
def tasks_transfer_to_successor(*, succession: AgencySuccession) -> int:
    """Hand the predecessor's open tasks to its successor (mergers, the 2025
    abolition of districts). Completed tasks, and every finding, keep the
    original agency: that is the history. Returns the number of tasks moved."""
    old, new = succession.predecessor, succession.successor
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
    if old.valid_to is None:
        old.valid_to = succession.effective_date - datetime.timedelta(days=1)
        old.save(update_fields=["valid_to"])
    return len(moved)
