import datetime

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.models import (
    Finding,
    Inspection,
    RemediationReport,
    RemediationTask,
    ReportState,
    TaskStatus,
)


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    name = factory.Sequence(lambda n: f"Kiểm tra công tác CCHC thử nghiệm {n}")
    year = 2019
    leading_agency = factory.SubFactory(AgencyFactory)


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    code = factory.Sequence(lambda n: f"KT-TEST-{n:03d}")
    inspection = factory.SubFactory(InspectionFactory)
    agency = factory.SubFactory(AgencyFactory)
    reform_area = factory.SubFactory(ReformAreaFactory)
    description = "Báo cáo định kỳ về CCHC còn chậm."
    required_action = "Thực hiện nghiêm túc chế độ thông tin, báo cáo định kỳ về CCHC."


class RemediationTaskFactory(DjangoModelFactory):
    """A task answering a finding, led by the inspected agency, due 30/11/2019."""

    class Meta:
        model = RemediationTask

    finding = factory.SubFactory(FindingFactory)
    title = factory.Sequence(lambda n: f"Nhiệm vụ khắc phục thử nghiệm {n}")
    lead_agency = factory.SelfAttribute("finding.agency")
    monitoring_agency = factory.SelfAttribute("finding.reform_area.monitoring_agency")
    due_date = datetime.date(2019, 11, 30)
    status = TaskStatus.OPEN
    completed_on = None


def _next_version(report) -> int:
    return (report.task.reports.aggregate(v=Max("version"))["v"] or 0) + 1


class RemediationReportFactory(DjangoModelFactory):
    """A submitted report version (the next one of its task)."""

    class Meta:
        model = RemediationReport

    task = factory.SubFactory(RemediationTaskFactory)
    version = factory.LazyAttribute(_next_version)
    state = ReportState.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    progress = 100
    submitted_by = factory.SubFactory(
        UserFactory, agency=factory.SelfAttribute("..task.lead_agency")
    )
    content = "Đã khắc phục, gửi kèm tài liệu kiểm chứng."
