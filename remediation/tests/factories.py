import datetime

import factory
from factory.django import DjangoModelFactory

from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.models import (
    Finding,
    Inspection,
    RemediationReport,
    RemediationTask,
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


class RemediationReportFactory(DjangoModelFactory):
    class Meta:
        model = RemediationReport

    task = factory.SubFactory(RemediationTaskFactory)
    submitted_by = factory.SubFactory(
        UserFactory, agency=factory.SelfAttribute("..task.lead_agency")
    )
    content = "Đã khắc phục, gửi kèm tài liệu kiểm chứng."
