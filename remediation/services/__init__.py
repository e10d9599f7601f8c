"""Domain writes. Every change of a task's state goes through ``workflow``."""

from .assignment import task_reassign
from .extensions import extension_decide, task_request_extension
from .notifications import notification_mark_read, notify
from .succession import SuccessionNotYetEffective, tasks_transfer_to_successor
from .workflow import (
    REVIEW_DECISIONS,
    ActionNotAllowed,
    WorkflowConflict,
    WorkflowError,
    task_approve,
    task_comment,
    task_review,
    task_send_back,
    task_submit_report,
)

__all__ = [
    "REVIEW_DECISIONS",
    "ActionNotAllowed",
    "SuccessionNotYetEffective",
    "WorkflowConflict",
    "WorkflowError",
    "extension_decide",
    "notification_mark_read",
    "notify",
    "task_approve",
    "task_comment",
    "task_reassign",
    "task_request_extension",
    "task_review",
    "task_send_back",
    "task_submit_report",
    "tasks_transfer_to_successor",
]
