"""The people around one task, and a task moved along the workflow through
the real services (no status written by hand)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Agency, Role, User
from agencies.tests.factories import AgencyFactory, UserFactory
from remediation import services
from remediation.models import RemediationTask

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class People:
    agency: Agency
    officer: User
    leader: User
    monitor_agency: Agency
    monitor: User
    coordinator: User
    stranger: User  # an officer of an unrelated agency


def people(agency: Agency | None = None, monitor_agency: Agency | None = None) -> People:
    agency = agency or AgencyFactory(name="Sở Tài nguyên và Môi trường")
    monitor_agency = monitor_agency or AgencyFactory(name="Sở Tư pháp")
    home_affairs = AgencyFactory(name="Sở Nội vụ")
    return People(
        agency=agency,
        officer=UserFactory(agency=agency, role=Role.OFFICER),
        leader=UserFactory(agency=agency, role=Role.LEADER),
        monitor_agency=monitor_agency,
        monitor=UserFactory(agency=monitor_agency, role=Role.MONITOR),
        coordinator=UserFactory(agency=home_affairs, role=Role.COORDINATOR),
        stranger=UserFactory(role=Role.OFFICER),
    )


def submit(task: RemediationTask, who: People, *, content: str = "Đã khắc phục.") -> None:
    """The agency's leader submits: straight to Home Affairs, whatever
    REPORT_LEADER_APPROVAL says."""
    services.task_submit_report(
        task=task, user=who.leader, content=content, progress=100, files=[pdf()]
    )
