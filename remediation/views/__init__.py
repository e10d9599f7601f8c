"""The pages of the remediation workflow, one module per area; every task
URL goes through ``access.task_view`` (scope, then method, then permission)."""

from .evidence import evidence_download
from .extensions import extension_decision, extension_request, reassign
from .notifications import notifications, notifications_mark_read
from .queue import review_queue
from .reports import approve, report, review
from .tasks import home, task_comment_view, task_detail

__all__ = [
    "approve",
    "evidence_download",
    "extension_decision",
    "extension_request",
    "home",
    "notifications",
    "notifications_mark_read",
    "reassign",
    "report",
    "review",
    "review_queue",
    "task_comment_view",
    "task_detail",
]
