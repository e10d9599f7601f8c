"""The import command's memory stays under 600 MB on each hostile workbook.

Each import runs in a subprocess whose address space is capped with
RLIMIT_AS (stricter than resident memory): if a change lets a file through
to calamine again, that subprocess fails or aborts, and the test fails
instead of the test runner being killed.
"""

import resource
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from reform_tracker.imports.tests.hostile import (
    duplicate_rows,
    far_value,
    huge_cell,
    ods_repeated,
    shared_string_copies,
    spread_rows,
)
from reform_tracker.imports.tests.workbooks import finding_row, findings_book, with_cell_xml
from remediation.importers import FindingImporter

LIMIT = 600 * 1_048_576
HEADERS = list(FindingImporter.headers())
VALUES = [str(v) for v in finding_row(1)[:6]] + ["30/11/2019"]


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def import_command(env, tmp_path, data, **extra_env):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(data)
    return subprocess.run(
        [sys.executable, "manage.py", "import_findings", str(path)],
        cwd=settings.BASE_DIR,
        env={**env, **extra_env},
        preexec_fn=limit_memory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


HOSTILE = {
    "value-at-XFD1048576": lambda: far_value(findings_book(finding_row(1))),
    "300-MB-cell": lambda: huge_cell(HEADERS, VALUES, column=4, size=300 * 1_048_576),
    "1048575-duplicate-rows": lambda: duplicate_rows(HEADERS, VALUES, 1_048_575),
    "values-spread-over-4.8-million-cells": lambda: spread_rows(HEADERS, 300_000),
    "shared-string-copied-100000-times": lambda: shared_string_copies(HEADERS, 30_000, 100_000),
    "ods-value-repeated": lambda: ods_repeated(rows=1_048_576, columns=16_384),
    "40000-character-cell": lambda: with_cell_xml(
        findings_book(finding_row(1)),
        "E2",
        f'<c r="E2" t="inlineStr"><is><t>{"đ" * 40_000}</t></is></c>',
    ),
    "nul-escape": lambda: with_cell_xml(
        findings_book(finding_row(1)), "E2", '<c r="E2" t="inlineStr"><is><t>a_x0000_</t></is></c>'
    ),
}


@pytest.mark.parametrize("build", HOSTILE.values(), ids=HOSTILE.keys())
def test_it_refuses_a_hostile_file_within_600_mb(command_env, tmp_path, build):
    result = import_command(command_env, tmp_path, build())

    assert result.returncode == 1, result.stderr[-2000:]
    assert "không có dữ liệu nào được ghi" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_would_catch_a_file_reaching_calamine(command_env, tmp_path):
    # The guard itself: with the cell limit lifted, calamine asks for 512 GiB
    # and the capped subprocess dies, not the test runner.
    data = far_value(findings_book(finding_row(1)))

    result = import_command(command_env, tmp_path, data, IMPORT_MAX_CELLS=str(10**12))

    assert result.returncode in (-signal.SIGABRT, -signal.SIGKILL, 1)
    assert "không có dữ liệu nào được ghi" not in result.stderr
