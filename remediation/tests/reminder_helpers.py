"""Shared set-up of the reminder tests: a lead agency with an officer and a
leader, Home Affairs with a coordinator, a monitoring department, and a sweep
run at 07:30 in Vietnam on a given day."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils import timezone

from agencies.models import Agency, Role, User
from agencies.tests.factories import AgencyFactory, UserFactory
from reform_tracker import celery_app
from remediation.models import RemediationTask, ReminderLog
from remediation.services.reminders import SweepSummary, reminders_sweep
from remediation.tests.factories import RemediationTaskFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.date(2019, 11, 30)


def day(value: str) -> datetime.date:
    return datetime.datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007


def at(on: datetime.date, hour: int = 7, minute: int = 30) -> datetime.datetime:
    return datetime.datetime(on.year, on.month, on.day, hour, minute, tzinfo=VN)


def run_tasks_eagerly(monkeypatch) -> None:
    """Digest tasks run in the test's process, in both CI passes."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@dataclass
class Scene:
    lead: Agency
    officer: User
    leader: User
    home_affairs: Agency
    coordinator: User
    monitor_agency: Agency
    monitor: User

    def task(self, **kwargs) -> RemediationTask:
        kwargs.setdefault("lead_agency", self.lead)
        kwargs.setdefault("monitoring_agency", self.monitor_agency)
        return RemediationTaskFactory(finding__agency=kwargs["lead_agency"], **kwargs)


def make_scene(monkeypatch) -> Scene:
    """Each test module's ``scene`` fixture (tasks run eagerly)."""
    run_tasks_eagerly(monkeypatch)
    lead = AgencyFactory(code="STNMT", name="Sở Tài nguyên và Môi trường",
                         official_email="stnmt@tuyenquang.example.vn")  # fmt: skip
    home_affairs = AgencyFactory(code="SNV", name="Sở Nội vụ")
    monitor_agency = AgencyFactory(code="STP", name="Sở Tư pháp",
                                   official_email="stp@tuyenquang.example.vn")  # fmt: skip
    return Scene(
        lead=lead,
        officer=UserFactory(username="canbo", agency=lead, role=Role.OFFICER),
        leader=UserFactory(username="lanhdao", agency=lead, role=Role.LEADER),
        home_affairs=home_affairs,
        coordinator=UserFactory(username="sonoivu", agency=home_affairs, role=Role.COORDINATOR),
        monitor_agency=monitor_agency,
        monitor=UserFactory(username="sotuphap", agency=monitor_agency, role=Role.MONITOR),
    )


def sweep(on: datetime.date, capture, *, hour: int = 7, minute: int = 30) -> SweepSummary:
    """The sweep as beat runs it on ``on`` (Vietnam time), digests delivered."""
    with time_machine.travel(at(on, hour, minute), tick=False), capture(execute=True):
        return reminders_sweep(as_of=timezone.localdate())


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def task_ids_in(message) -> list[int]:
    return [int(pk) for pk in re.findall(r"/nhiem-vu/(\d+)/", message.body)]


def thresholds_of(task: RemediationTask, key: str | None = None) -> list[int]:
    logs = ReminderLog.objects.filter(task=task)
    if key:
        logs = logs.filter(recipient_key=key)
    return sorted(set(logs.values_list("threshold", flat=True)))
