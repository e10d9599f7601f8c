"""The demo tasks' history: report versions, events and extension requests
that lead to each task's status, as the workflow service would have written
them (officer submits, leader approves, Sở Nội vụ returns or accepts).

History is written here directly rather than replayed through the services:
it happened in 2019, and replaying would stamp it with today's date and send
notifications. ``tests/test_load_demo.py`` checks every step against
``workflow.TRANSITIONS``. Rows are keyed (report: task and version; event:
task, action and time; extension: task and request time), so a second load
writes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from agencies.models import User

from ..models import (
    ExtensionRequest,
    ExtensionState,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskEvent,
)
from ..workflow import Action, TaskStatus
from .upsert import upsert

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
COORDINATOR = "sonoivu"
# The day the last step of a task not completed was taken.
LAST_STEP = datetime.date(2019, 11, 28)
RETURN_COMMENT = (
    "Báo cáo chưa kèm tài liệu kiểm chứng (số liệu hồ sơ theo từng tháng); đề nghị bổ sung."
)

# A step: action, who (officer, leader or coordinator of the lead agency), report version.
Step = tuple[str, str, int]
SUBMITTED = [(Action.SUBMIT, "officer", 1), (Action.APPROVE, "leader", 1)]
PATHS: dict[str, list[Step]] = {
    TaskStatus.OPEN: [],
    TaskStatus.IN_PROGRESS: [(Action.SAVE_DRAFT, "officer", 1)],
    TaskStatus.AWAITING_APPROVAL: [(Action.SUBMIT, "officer", 1)],
    TaskStatus.SUBMITTED: SUBMITTED,
    TaskStatus.RETURNED: [*SUBMITTED, (Action.RETURN, "coordinator", 1)],
    TaskStatus.COMPLETED: [*SUBMITTED, (Action.ACCEPT, "coordinator", 1)],
}
# A task returned once, then resubmitted and accepted: two versions side by side.
OVERRIDES: dict[str, list[Step]] = {
    "KT2019-04": [
        *SUBMITTED,
        (Action.RETURN, "coordinator", 1),
        (Action.SUBMIT, "officer", 2),
        (Action.APPROVE, "leader", 2),
        (Action.ACCEPT, "coordinator", 2),
    ],
}
# What each step does to the task and to its report version.
STATUS_AFTER = {
    (Action.SAVE_DRAFT, "officer"): TaskStatus.IN_PROGRESS,
    (Action.SUBMIT, "officer"): TaskStatus.AWAITING_APPROVAL,
    (Action.APPROVE, "leader"): TaskStatus.SUBMITTED,
    (Action.RETURN, "coordinator"): TaskStatus.RETURNED,
    (Action.ACCEPT, "coordinator"): TaskStatus.COMPLETED,
}
REPORT_AFTER = {
    Action.SAVE_DRAFT: ReportState.DRAFT,
    Action.SUBMIT: ReportState.AWAITING_APPROVAL,
    Action.APPROVE: ReportState.SUBMITTED,
    Action.RETURN: ReportState.RETURNED,
    Action.ACCEPT: ReportState.ACCEPTED,
}
COMMENTS = {Action.RETURN: RETURN_COMMENT, Action.ACCEPT: "Đạt yêu cầu."}

# What the agencies reported, by shortcoming.
REPORT_TEXT = {
    "direction": "Đã ban hành kế hoạch tuyên truyền CCHC năm 2019; giao nhiệm vụ CCHC cho "
    "từng bộ phận, kiểm tra hằng quý.",
    "reports": "Đã phân công công chức đầu mối; các báo cáo định kỳ quý IV gửi đúng hạn.",
    "online": "Đã rà soát, đăng ký cung cấp dịch vụ công trực tuyến mức độ 3, 4; tổ chức "
    "hướng dẫn người dân nộp hồ sơ trực tuyến.",
    "postal": "Đã niêm yết, hướng dẫn nhận kết quả TTHC qua dịch vụ bưu chính công ích tại "
    "Bộ phận một cửa.",
    "autonomy": "Đã trình phương án giao tự chủ cho các đơn vị sự nghiệp công lập trực thuộc.",
    "iso": "Đã cập nhật quy trình ISO 9001 theo các TTHC sửa đổi; đánh giá nội bộ tháng 11.",
    "legal": "Đã rà soát 46 văn bản quy phạm pháp luật thuộc lĩnh vực quản lý; đề xuất sửa "
    "đổi 3 văn bản.",
}
DRAFT_PROGRESS = 40

# Extension requests: finding code -> (requested on, requested date, reason,
# decided on, decision comment); every one here was granted.
EXTENSIONS = {
    "KT2019-14": (
        datetime.date(2019, 11, 20),
        datetime.date(2019, 12, 15),
        "Chờ kết quả rà soát văn bản của các phòng chuyên môn và UBND các xã.",
        datetime.date(2019, 11, 22),
        "Đồng ý gia hạn đến 15/12/2019.",
    ),
}


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LOCAL)


def steps_for(code: str, status: str) -> list[Step]:
    return OVERRIDES.get(code, PATHS[status])


def load_history(*, findings: Sequence[tuple], users: dict[str, User]) -> dict[str, int]:
    """Write the history of every demo task; return the counts written."""
    tasks = {t.finding.code: t for t in RemediationTask.objects.select_related("finding")}
    counts = {"reports": 0, "events": 0, "extensions": 0}
    for code, kind, agency_code, status, completed_on in findings:
        task = tasks[code]
        people = {
            "officer": users[f"canbo.{agency_code.lower()}"],
            "leader": users[f"lanhdao.{agency_code.lower()}"],
            "coordinator": users[COORDINATOR],
        }
        if code in EXTENSIONS:
            counts["events"] += _extension(task, people, *EXTENSIONS[code])
            counts["extensions"] += 1
        steps = steps_for(code, status)
        last = completed_on or LAST_STEP
        first = last - datetime.timedelta(days=len(steps) - 1)
        times = [at(first + datetime.timedelta(days=n), 9 + n) for n in range(len(steps))]
        reports = _reports(task, steps, times, people, kind)
        current = TaskStatus.OPEN
        for (action, role, version), when in zip(steps, times, strict=True):
            after = STATUS_AFTER[(action, role)]
            _event(task, action, people[role], when, current, after, COMMENTS.get(action, ""),
                   report=reports[version])  # fmt: skip
            current = after
        counts["reports"] += len(reports)
        counts["events"] += len(steps)
    return counts


def _reports(task, steps, times, people, kind) -> dict[int, RemediationReport]:
    """Each version as its last step left it: created by its first step,
    submitted (if it was) by its submit step."""
    versions: dict[int, dict] = {}
    for (action, role, version), when in zip(steps, times, strict=True):
        values = versions.setdefault(
            version,
            {"submitted_by": people[role], "created_at": when, "submitted_at": None,
             "content": REPORT_TEXT[kind] + (" Bổ sung tài liệu kiểm chứng." if version > 1 else ""),
             "progress": DRAFT_PROGRESS},
        )  # fmt: skip
        if action == Action.SUBMIT:
            values.update(submitted_by=people[role], submitted_at=when, progress=100)
        values["state"] = REPORT_AFTER[action]
    return {
        version: upsert(RemediationReport, {"task": task, "version": version}, values)
        for version, values in versions.items()
    }


def _event(task, action, actor, when, before, after, comment, *, report=None, extension=None):
    upsert(
        TaskEvent,
        {"task": task, "action": action, "created_at": when},
        {
            "actor": actor,
            "from_status": before,
            "to_status": after,
            "comment": comment,
            "report": report,
            "extension": extension,
        },
    )


def _extension(task, people, requested_on, requested_date, reason, decided_on, comment) -> int:
    """A granted request and its two events, before the task's other steps
    (its status was still open)."""
    requested_at, decided_at = at(requested_on, 10), at(decided_on, 15)
    extension = upsert(
        ExtensionRequest,
        {"task": task, "requested_at": requested_at},
        {
            "requested_by": people["officer"],
            "due_date_before": task.due_date,
            "requested_date": requested_date,
            "reason": reason,
            "state": ExtensionState.GRANTED,
            "decided_by": people["coordinator"],
            "decided_at": decided_at,
            "decision_comment": comment,
        },
    )
    for action, actor, when, text in (
        (Action.REQUEST_EXTENSION, people["officer"], requested_at, reason),
        (Action.GRANT_EXTENSION, people["coordinator"], decided_at, comment),
    ):
        _event(task, action, actor, when, TaskStatus.OPEN, TaskStatus.OPEN, text,
               extension=extension)  # fmt: skip
    return 2
