"""The people and tasks the page tests act with.

One lead agency (its leader and officer), a supporting agency, a monitoring
department, Home Affairs, and an unrelated agency; ``task`` involves the
first three, ``other`` belongs to agencies none of them is part of.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Agency, AgencyKind, Role, User
from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.models import RemediationTask, ReportState, TaskStatus

from .factories import (
    PDF_BYTES,
    EvidenceFactory,
    ExtensionRequestFactory,
    RemediationReportFactory,
    RemediationTaskFactory,
)

ROLES = ("coordinator", "monitor", "leader", "officer", "supporter", "stranger", "anonymous")


@dataclass
class Cast:
    home_affairs: Agency
    lead: Agency
    support: Agency
    monitoring: Agency
    unrelated: Agency
    coordinator: User
    monitor: User
    leader: User
    officer: User
    supporter: User
    stranger: User
    task: RemediationTask
    other: RemediationTask

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def make_task(*, lead: Agency, monitoring: Agency | None, **kwargs) -> RemediationTask:
    return RemediationTaskFactory(
        finding__agency=lead,
        finding__reform_area=ReformAreaFactory(monitoring_agency=monitoring),
        **kwargs,
    )


def make_cast(**task_kwargs) -> Cast:
    agencies = {
        name: AgencyFactory(name=label, kind=AgencyKind.DEPARTMENT)
        for name, label in [
            ("home_affairs", "Sở Nội vụ"),
            ("lead", "Sở Tài nguyên và Môi trường"),
            ("support", "Sở Tài chính"),
            ("monitoring", "Sở Tư pháp"),
            ("unrelated", "Sở Y tế"),
        ]
    }
    people = {
        "coordinator": UserFactory(
            username="sonoivu",
            agency=agencies["home_affairs"],
            role=Role.COORDINATOR,
            last_name="Trần Thị",
            first_name="Điều Phối",
        ),
        "monitor": UserFactory(
            username="sotuphap",
            agency=agencies["monitoring"],
            role=Role.MONITOR,
            last_name="Lê Văn",
            first_name="Theo Dõi",
        ),
        "leader": UserFactory(
            username="lanhdao",
            agency=agencies["lead"],
            role=Role.LEADER,
            last_name="Phạm Văn",
            first_name="Lãnh Đạo",
        ),
        "officer": UserFactory(
            username="canbo",
            agency=agencies["lead"],
            role=Role.OFFICER,
            last_name="Nguyễn Thu",
            first_name="Hà",
        ),
        "supporter": UserFactory(
            username="phoihop",
            agency=agencies["support"],
            role=Role.OFFICER,
            last_name="Đỗ Văn",
            first_name="Phối Hợp",
        ),
        "stranger": UserFactory(
            username="nguoingoai",
            agency=agencies["unrelated"],
            role=Role.OFFICER,
            last_name="Hoàng Văn",
            first_name="Ngoài",
        ),
    }
    task = make_task(
        lead=agencies["lead"],
        monitoring=agencies["monitoring"],
        title="Khắc phục chậm báo cáo định kỳ CCHC",
        finding__code="KT2019-STNMT-01",
        **task_kwargs,
    )
    task.supporting_agencies.add(agencies["support"])
    other = make_task(
        lead=AgencyFactory(name="UBND huyện Sơn Dương", kind=AgencyKind.DISTRICT_PC),
        monitoring=AgencyFactory(name="Sở Thông tin và Truyền thông"),
        title="Nhiệm vụ của cơ quan khác",
        **task_kwargs,
    )
    return Cast(**agencies, **people, task=task, other=other)


def put_in_state(task: RemediationTask, state: str, cast: Cast) -> dict:
    """Bring ``task`` to a matrix state; returns the ids the state adds."""
    made: dict = {}
    if state in ("submitted", "awaiting"):
        report_state = (
            ReportState.SUBMITTED if state == "submitted" else ReportState.AWAITING_APPROVAL
        )
        task.status = TaskStatus.SUBMITTED if state == "submitted" else TaskStatus.AWAITING_APPROVAL
        task.save(update_fields=["status"])
        report = RemediationReportFactory(task=task, state=report_state)
        made["evidence"] = EvidenceFactory(report=report).pk
    elif state == "pending":
        made["ext"] = ExtensionRequestFactory(task=task).pk
    return made


def pdf(name: str = "bao-cao.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
