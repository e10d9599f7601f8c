#!/usr/bin/env python
"""Benchmark of the findings import (run on PostgreSQL for the figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_tracker \
        .venv/bin/python bench/import_findings.py [--rows 100000] [--agencies 1200]

On a scratch test database it generates a findings workbook of N rows over
1,000+ agencies and reports, in one run:
  - the parse-only floor (python-calamine reading every row),
  - our import end to end (upload bytes -> rows in the database),
  - re-import of the same, unchanged file,
  - a plain django-import-export ModelResource with default options on the
    same model (on --baseline-rows rows: row by row it would take minutes),
  - the process's peak RSS.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DEBUG"] = "0"  # DEBUG would keep every query in memory

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from import_export import resources  # noqa: E402
from import_export.formats.base_formats import XLSX  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from agencies.models import Agency, AgencyKind, ReformArea, vietnamese_sort_key  # noqa: E402
from directives.models import Directive  # noqa: E402
from reform_tracker.imports.services import import_run  # noqa: E402
from reform_tracker.imports.workbook import open_sheet  # noqa: E402
from remediation.importers import FindingImporter as I  # noqa: E402
from remediation.models import Finding, Inspection, RemediationTask  # noqa: E402

OUT = ROOT / "bench" / "out"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(agencies: int) -> list[str]:
    Agency.objects.bulk_create(
        [
            Agency(
                code=f"CQ{i:05d}",
                name=f"UBND xã Số {i}",
                sort_key=vietnamese_sort_key(f"UBND xã Số {i}"),
                kind=AgencyKind.COMMUNE_PC,
            )
            for i in range(agencies)
        ]
    )
    Directive.objects.create(
        symbol="57/TB-UBND", number=57, year=2019, doc_type="TB", type_code="TB",
        issuer_code="UBND", issuer_name="UBND tỉnh", issue_date=datetime.date(2019, 6, 18),
        title="Kết luận Hội nghị sơ kết CCHC",
    )  # fmt: skip
    return [f"CQ{i:05d}" for i in range(agencies)]


def findings_rows(rows: int, codes: list[str]):
    areas = list(ReformArea.objects.values_list("name", flat=True))
    rng = random.Random(2019)
    for n in range(rows):
        yield [
            f"KT-{n:07d}",
            f"Kiểm tra công tác CCHC năm {2019 + n % 3}",
            codes[n % len(codes)],
            areas[n % len(areas)],
            f"Tỷ lệ hồ sơ TTHC tiếp nhận và xử lý trực tuyến mức độ 3, 4 còn thấp ({n})",
            "Nâng cao tỷ lệ hồ sơ TTHC được tiếp nhận và xử lý trực tuyến",
            datetime.date(2019, 11, 1) + datetime.timedelta(days=rng.randrange(60)),
            "",
            "57/TB-UBND" if n % 2 else "",
        ]


def workbook(rows: int, codes: list[str], out: Path) -> bytes:
    path = out / f"findings-{rows}-{len(codes)}.xlsx"
    if path.exists():  # generating 100,000 rows with openpyxl takes ~12 s
        return path.read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["UBND TỈNH TUYÊN QUANG"])
    sheet.append(["Kết quả kiểm tra công tác CCHC"])
    sheet.append(list(I.headers()))
    for row in findings_rows(rows, codes):
        sheet.append(row)
    book.save(path)
    return path.read_bytes()


def timed(label: str, rows: int, func):
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    print(f"{label:<48} {rows:>8} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s")
    return result, rows / seconds


def parse_only(data: bytes) -> int:
    sheet = open_sheet(data, required=I.required, optional=I.optional)
    return sum(1 for _ in sheet.rows)


def baseline(rows: int, codes: list[str]) -> float:
    """django-import-export's ModelResource, default options, same model."""

    class FindingModelResource(resources.ModelResource):
        class Meta:
            model = Finding
            import_id_fields = ["code"]

    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    area_ids = dict(ReformArea.objects.values_list("name", "pk"))
    inspection = Inspection.objects.create(name="Baseline", year=2019)
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "inspection", "agency", "reform_area", "description",
                  "required_action"])  # fmt: skip
    for row in findings_rows(rows, codes):
        sheet.append([f"B{row[0]}", inspection.pk, agency_ids[row[2]], area_ids[row[3]], row[4],
                      row[5]])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    def run():
        dataset = XLSX().create_dataset(data)
        result = FindingModelResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()

    _, rate = timed("django-import-export ModelResource (default)", rows, run)
    Finding.objects.filter(inspection=inspection).delete()
    inspection.delete()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=1200)
    parser.add_argument("--baseline-rows", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=OUT, help="where generated workbooks are kept")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Not the test suite's database: CI may be running it at the same time.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{old_name.rsplit('/', 1)[-1]}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        codes = seed(args.agencies)
        data = workbook(args.rows, codes, args.out)
        print(f"workbook: {len(data) / 1_048_576:.1f} MB")
        _, floor = timed("parse only (python-calamine)", args.rows, lambda: parse_only(data))
        summary, ours = timed("our import, end to end", args.rows,
                              lambda: import_run(kind="findings", data=data, dry_run=False))  # fmt: skip
        assert summary.ok and summary.created == args.rows, summary.errors[:5]
        assert RemediationTask.objects.count() == args.rows
        rss = peak_rss_mb()
        summary, again = timed("re-import, unchanged", args.rows,
                               lambda: import_run(kind="findings", data=data, dry_run=False))  # fmt: skip
        assert summary.unchanged == args.rows, summary.describe()
        base = baseline(args.baseline_rows, codes)
        print()
        print(f"end to end:          {ours:>10,.0f} rows/s  (target >= 20,000)")
        print(f"vs ModelResource:    {ours / base:>10.1f} x      (target >= 20)")
        print(f"unchanged re-import: {again:>10,.0f} rows/s  (target >= 50,000)")
        print(f"parse-only floor:    {floor:>10,.0f} rows/s")
        print(
            f"peak RSS after import: {rss:.0f} MB (target <= 300); at exit: {peak_rss_mb():.0f} MB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
