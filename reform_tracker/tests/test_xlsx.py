"""No .xlsx the product writes carries a live formula: admin exports,
import templates, and the helper later reports use."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from agencies.resources import AgencyResource
from agencies.tests.factories import AgencyFactory
from reform_tracker.imports.registry import importer_class
from reform_tracker.imports.services import import_run
from reform_tracker.imports.templates import template_workbook
from reform_tracker.xlsx import table_bytes, workbook_bytes
from remediation.resources import FindingResource, RemediationTaskResource
from remediation.tests.factories import FindingFactory, RemediationTaskFactory

HYPERLINK = '=HYPERLINK("http://x","y")'
RISKY = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def formulas(data):
    """Every <f> element and every cell openpyxl reads as a formula."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
    raw = [n for n in parts if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
    workbook = load_workbook(io.BytesIO(data))
    cells = [
        c.coordinate for s in workbook for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
    return raw + cells


def values(data):
    return load_workbook(io.BytesIO(data)).active


def export(client, name, resource):
    fields = {f"{resource.__name__.lower()}_{f}": "on" for f in resource().get_export_order()}
    response = client.post(reverse(name), {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("text", RISKY)
def test_it_writes_risky_text_as_text(text):
    data = table_bytes(["Mô tả"], [[text]])

    assert formulas(data) == []
    cell = values(data)["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_it_keeps_ordinary_values_as_they_are():
    data = table_bytes(["A", "B", "C"], [["Sở Nội vụ", 12, "a-b"]])

    row = [(c.value, c.data_type, c.quotePrefix) for c in values(data)[2]]
    assert row == [("Sở Nội vụ", "s", False), (12, "n", False), ("a-b", "s", False)]


def test_it_turns_formulas_already_in_a_workbook_into_text():
    workbook = Workbook()
    workbook.active["A1"] = "=1+1"  # openpyxl's own setter makes this a formula

    data = workbook_bytes(workbook)

    assert formulas(data) == []
    assert values(data)["A1"].value == "=1+1"


def test_it_writes_control_characters_the_way_excel_does():
    data = table_bytes(["A"], [["a\x00b\x1bc"], ["_x0041_ stays"]])

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[1:] == [["a\x00b\x1bc"], ["_x0041_ stays"]]


@pytest.mark.django_db
def test_it_exports_findings_and_tasks_without_formulas(admin_client):
    finding = FindingFactory(description=HYPERLINK, required_action="@cmd|' /C calc'!A0")
    RemediationTaskFactory(finding=finding, title="+SUM(1,2)")

    findings = export(admin_client, "admin:remediation_finding_export", FindingResource)
    tasks = export(
        admin_client, "admin:remediation_remediationtask_export", RemediationTaskResource
    )

    assert formulas(findings) == formulas(tasks) == []
    assert values(findings)["E2"].value == HYPERLINK
    assert values(findings)["F2"].value == "@cmd|' /C calc'!A0"
    assert values(tasks)["B2"].value == "+SUM(1,2)"


@pytest.mark.django_db
def test_it_exports_agencies_without_formulas(admin_client):
    AgencyFactory(code="X1", name=HYPERLINK)

    data = export(admin_client, "admin:agencies_agency_export", AgencyResource)

    assert formulas(data) == []
    assert values(data)["B2"].value == HYPERLINK


@pytest.mark.django_db
def test_it_exports_a_stored_control_character_and_names_its_row_on_reimport(admin_client):
    FindingFactory(code="KT-NUL", description="Chưa\x1bniêm yết")

    data = export(admin_client, "admin:remediation_finding_export", FindingResource)
    summary = import_run(kind="findings", data=data, dry_run=True)

    assert [(e.row, e.column) for e in summary.errors if "điều khiển" in e.message] == [
        (2, "Tồn tại, hạn chế")
    ]


@pytest.mark.django_db
def test_it_reimports_exported_formula_text_unchanged(admin_client):
    task = RemediationTaskFactory(finding=FindingFactory(description=HYPERLINK))
    task.title = task.finding.required_action
    task.save()

    data = export(admin_client, "admin:remediation_finding_export", FindingResource)
    summary = import_run(kind="findings", data=data, dry_run=True)

    assert summary.errors == []
    assert summary.unchanged == 1


@pytest.mark.parametrize("kind", ["agencies", "directives", "findings"])
def test_it_writes_templates_without_formulas(kind, monkeypatch):
    importer = importer_class(kind)
    monkeypatch.setattr(importer, "example", (HYPERLINK, *importer.example[1:]))

    data = template_workbook(importer)

    assert formulas(data) == []
    assert values(data)["A2"].value == HYPERLINK
