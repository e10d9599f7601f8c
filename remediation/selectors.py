from __future__ import annotations

from django.db.models import QuerySet

from agencies.models import User

from .models import RemediationTask


def task_list_for_user(*, user: User) -> QuerySet[RemediationTask]:
    """The tasks a user may see: all for Home Affairs and admins, else their agency's."""
    tasks = RemediationTask.objects.with_deadline_state().select_related(
        "lead_agency", "monitoring_agency", "finding", "finding__reform_area", "directive"
    )
    if user.sees_all_agencies:
        return tasks
    if user.agency_id is None:
        return tasks.none()
    return tasks.for_agency(user.agency)
