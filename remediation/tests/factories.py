import datetime
import hashlib

import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from agencies.tests.factories import AgencyFactory, ReformAreaFactory, UserFactory
from remediation.models import (
    Evidence,
    ExtensionRequest,
    ExtensionState,
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


class ExtensionRequestFactory(DjangoModelFactory):
    """A pending request to move the task's due date by a month."""

    class Meta:
        model = ExtensionRequest
        skip_postgeneration_save = True

    task = factory.SubFactory(RemediationTaskFactory)
    requested_by = factory.SubFactory(
        UserFactory, agency=factory.SelfAttribute("..task.lead_agency")
    )
    due_date_before = factory.LazyAttribute(lambda e: e.task.current_due_date)
    requested_date = factory.LazyAttribute(
        lambda e: e.task.current_due_date + datetime.timedelta(days=31)
    )
    reason = "Cần thêm thời gian lấy ý kiến các cơ quan phối hợp."

    @factory.post_generation
    def flag_the_task(obj, create, extracted, **kwargs):
        # The extension services keep the task's flag with its requests; a
        # request made here must too (Home Affairs' queue reads the flag).
        if create and obj.state == ExtensionState.PENDING:
            RemediationTask.objects.filter(pk=obj.task_id).update(extension_pending=True)
            obj.task.extension_pending = True


# The smallest file each sniffer accepts as a PDF.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class EvidenceFactory(DjangoModelFactory):
    """A PDF evidence file, stored in the private evidence storage."""

    class Meta:
        model = Evidence

    report = factory.SubFactory(RemediationReportFactory)
    file = factory.django.FileField(data=PDF_BYTES, filename="pdf.pdf")
    original_name = "Báo cáo kết quả.pdf"
    kind = "pdf"
    size = len(PDF_BYTES)
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(PDF_BYTES).hexdigest())
    uploaded_by = factory.SelfAttribute("report.submitted_by")
