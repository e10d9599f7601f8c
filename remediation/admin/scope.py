"""The admin shows staff what the site shows them: the one scope rule."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from ..selectors import tasks_visible_to


class ScopedAdminMixin:
    """For a ModelAdmin of tasks or of what hangs off a task.

    Administrators and Home Affairs see everything; any other staff user sees
    the rows of the tasks ``tasks_visible_to`` gives them, so the admin is no
    way around the agency scope.
    """

    # The lookup from this model to its task's id ("pk" on tasks themselves).
    task_lookup = "task"

    def get_queryset(self, request) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.sees_all_agencies:
            return queryset
        return self.scoped(queryset, request.user)

    def scoped(self, queryset: QuerySet, user) -> QuerySet:
        visible = tasks_visible_to(user=user).order_by().values("pk")
        return queryset.filter(**{f"{self.task_lookup}__in": visible})


class ReadOnlyHistoryMixin:
    """History is written by the workflow service only: never added, edited or
    deleted here (the delete rule also blocks deleting a task that has history,
    since Django asks for the right to delete each related row)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def evidence_url(evidence_id: int) -> str:
    """The scope-checked download view (/tai-lieu/<id>/), never the
    storage's URL: evidence lives outside MEDIA_URL."""
    return reverse("evidence_download", args=[evidence_id])


def task_page_url(task_id: int) -> str:
    return reverse("task_detail", args=[task_id])
