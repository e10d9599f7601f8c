"""Inspections, findings, tasks, reports and their history."""

from ..deadlines import DUE_SOON_DAYS, DeadlineState, deadline_state
from ..workflow import OPEN_STATUSES, TRANSITIONS, Action, TaskStatus
from .events import ExtensionRequest, ExtensionState, TaskEvent
from .exports import DashboardSnapshot, ExportFormat, ExportJob, ExportKind, ExportStatus
from .inspections import Finding, Inspection
from .notifications import Notification, NotificationKind
from .obligations import ReportingCycleTask, ReportingFrequency, ReportingObligation, ReportPeriod
from .reminders import ReminderLog
from .reports import Evidence, RemediationReport, ReportState, evidence_storage
from .tasks import RemediationTask, RemediationTaskQuerySet

__all__ = [
    "DUE_SOON_DAYS",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Action",
    "DashboardSnapshot",
    "DeadlineState",
    "Evidence",
    "ExportFormat",
    "ExportJob",
    "ExportKind",
    "ExportStatus",
    "ExtensionRequest",
    "ExtensionState",
    "Finding",
    "Inspection",
    "Notification",
    "NotificationKind",
    "RemediationReport",
    "RemediationTask",
    "RemediationTaskQuerySet",
    "ReminderLog",
    "ReportPeriod",
    "ReportState",
    "ReportingCycleTask",
    "ReportingFrequency",
    "ReportingObligation",
    "TaskEvent",
    "TaskStatus",
    "deadline_state",
    "evidence_storage",
]
