"""The admin's .xlsx export of findings and tasks."""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Role
from agencies.tests.factories import AgencyFactory, UserFactory
from directives.tests.factories import DirectiveFactory
from reform_tracker.imports.services import import_run
from remediation.importers import FindingImporter
from remediation.models import TaskStatus
from remediation.resources import FindingResource, RemediationTaskResource
from remediation.tests.factories import FindingFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINDINGS_EXPORT = "admin:remediation_finding_export"
TASKS_EXPORT = "admin:remediation_remediationtask_export"
TODAY = datetime.date(2019, 11, 20)


def finding_with_task(*, monitor=None, directive=None, due=datetime.date(2019, 11, 30), **kwargs):
    """A finding and its one task, as an import of its row would store them."""
    finding = FindingFactory(source_directive=directive, **kwargs)
    return RemediationTaskFactory(
        finding=finding,
        title=finding.required_action or finding.description,
        monitoring_agency=monitor,
        directive=directive,
        due_date=due,
    )


def export(client, view, resource):
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(reverse(view), {"format": "0", "resource": "0", **fields})


def rows_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment; filename=")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_it_exports_findings_under_the_import_headers(admin_client):
    monitor = AgencyFactory(code="VPUBND")
    directive = DirectiveFactory(number=57)
    task = finding_with_task(monitor=monitor, directive=directive, code="KT2019-01")
    finding = task.finding

    header, *rows = rows_of(export(admin_client, FINDINGS_EXPORT, FindingResource))

    assert header == FindingImporter.headers()
    assert rows == [
        (
            "KT2019-01",
            finding.inspection.name,
            finding.agency.code,
            finding.reform_area.name,
            finding.description,
            finding.required_action,
            "30/11/2019",
            "VPUBND",
            "57/TB-UBND",
        )
    ]


def test_it_reimports_its_export_as_unchanged(admin_client):
    monitor = AgencyFactory(code="VPUBND")
    directive = DirectiveFactory(number=57)
    finding_with_task(monitor=monitor, directive=directive)
    finding_with_task(due=datetime.date(2020, 1, 5))
    finding_with_task(required_action="")
    data = export(admin_client, FINDINGS_EXPORT, FindingResource).content

    summary = import_run(kind="findings", data=data, dry_run=True)

    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 3)


def test_it_exports_tasks_with_vietnamese_status_and_deadline_labels(admin_client, time_machine):
    time_machine.move_to(datetime.datetime(2019, 11, 20, 9, tzinfo=datetime.UTC))
    overdue = finding_with_task(due=datetime.date(2019, 11, 1))
    done = finding_with_task(due=datetime.date(2019, 11, 30))
    done.status, done.completed_on = TaskStatus.COMPLETED, datetime.date(2019, 11, 10)
    done.save()

    header, *rows = rows_of(export(admin_client, TASKS_EXPORT, RemediationTaskResource))

    assert header[5:7] == ("Trạng thái", "Tình trạng thời hạn")
    by_code = {row[0]: row for row in rows}
    assert by_code[overdue.finding.code][4:8] == (
        "01/11/2019",
        "Chưa thực hiện",
        "Quá hạn",
        None,
    )
    assert by_code[done.finding.code][4:8] == (
        "30/11/2019",
        "Hoàn thành",
        "Hoàn thành đúng hạn",
        "10/11/2019",
    )


@pytest.mark.parametrize("count", [5, 25])
def test_it_exports_findings_in_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries, count
):
    monitor = AgencyFactory(code="VPUBND")
    directive = DirectiveFactory(number=57)
    for _n in range(count):
        finding_with_task(monitor=monitor, directive=directive)

    with django_assert_max_num_queries(6):
        rows = rows_of(export(admin_client, FINDINGS_EXPORT, FindingResource))

    assert len(rows) == count + 1


def test_it_links_the_findings_changelist_to_the_export(admin_client):
    response = admin_client.get(reverse("admin:remediation_finding_changelist"))

    assert f'href="{reverse(FINDINGS_EXPORT)}?"' in response.text


def test_it_refuses_the_export_to_staff_without_the_view_permission(client):
    finding_with_task()
    client.force_login(UserFactory(is_staff=True))

    assert export(client, FINDINGS_EXPORT, FindingResource).status_code == 403


def test_it_exports_findings_to_staff_with_the_view_permission(client):
    finding_with_task()
    user = UserFactory(is_staff=True, role=Role.COORDINATOR)
    user.user_permissions.add(Permission.objects.get(codename="view_finding"))
    client.force_login(user)

    assert len(rows_of(export(client, FINDINGS_EXPORT, FindingResource))) == 2


def test_it_exports_to_agency_staff_only_the_tasks_they_see(client):
    own = finding_with_task(code="KT-RIENG")
    finding_with_task(code="KT-KHAC")
    user = UserFactory(is_staff=True, agency=own.lead_agency)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_finding", "view_remediationtask"])
    )
    client.force_login(user)

    _header, *findings = rows_of(export(client, FINDINGS_EXPORT, FindingResource))
    _header, *tasks = rows_of(export(client, TASKS_EXPORT, RemediationTaskResource))
    assert [row[0] for row in findings] == ["KT-RIENG"]
    assert [row[0] for row in tasks] == ["KT-RIENG"]
