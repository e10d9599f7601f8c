"""A bounded look at a workbook before calamine opens it.

calamine builds each sheet it opens as one dense block spanning the cells that
hold values, and gives every cell its own copy of a shared string. A few
kilobytes can therefore ask it for hundreds of gigabytes (one value at
XFD1048576), and an abort in native code kills the whole process. So before
calamine sees a file this module reads the zip's central directory, then
streams every part through a byte-capped decompressor and an expat parser
(constant memory), and refuses with a Vietnamese message naming the limit
passed:

- ``IMPORT_MAX_UNCOMPRESSED_SIZE``: bytes after decompression, and also the
  text the cells hold once shared strings are copied into each of them;
- ``IMPORT_MAX_COMPRESSION_RATIO``: uncompressed / compressed, per part;
- ``IMPORT_MAX_CELLS``: rows x columns of the area holding values, per sheet.
  Formatting alone does not count, so a sheet styled down to row 1,048,576
  with a few real rows passes.

With ``stop_after_rows`` it stops as soon as a sheet has that many rows with
values: the web request counts rows this way to choose between inline and
Celery without reading a whole workbook.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate

from django.conf import settings
from django.utils.translation import gettext as _

from .sheet_scan import (
    Collect,
    OdsContent,
    SharedStrings,
    SheetFacts,
    XlsxSheet,
    refuse_doctype,
)
from .workbook import WorkbookError, check_file

CHUNK = 64 * 1024
MB = 1_048_576
# Below this, a part's compression ratio cannot hurt (a small, repetitive theme).
RATIO_FLOOR = MB
MAX_PARTS = 5_000


@dataclass(frozen=True)
class Limits:
    uncompressed: int
    ratio: int
    cells: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_SIZE,
            ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            cells=settings.IMPORT_MAX_CELLS,
        )


@dataclass
class WorkbookFacts:
    sheets: list[SheetFacts] = field(default_factory=list)
    stopped: bool = False  # a sheet reached stop_after_rows

    @property
    def most_rows(self) -> int:
        return max((sheet.value_rows for sheet in self.sheets), default=0)


class _Enough(Exception):
    """A sheet has reached the number of rows the caller asked for."""


def check_workbook(data: bytes, *, stop_after_rows: int | None = None) -> WorkbookFacts:
    """Everything checked before calamine may open ``data``, with the limits
    in settings; WorkbookError with a Vietnamese message otherwise."""
    check_file(data, max_size=settings.IMPORT_MAX_FILE_SIZE)
    return inspect_workbook(data, stop_after_rows=stop_after_rows)


def inspect_workbook(
    data: bytes, *, limits: Limits | None = None, stop_after_rows: int | None = None
) -> WorkbookFacts:
    """Facts about a zip workbook (.xlsx, .xlsm, .ods); WorkbookError if any
    limit is passed or the file is malformed."""
    limits = limits or Limits.from_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
    with archive:
        reader = _ZipReader(archive, limits, stop_after_rows)
        try:
            reader.check_directory()
            reader.scan()
        except _Enough:
            reader.facts.stopped = True
    return reader.facts


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _ZipReader:
    def __init__(self, archive: zipfile.ZipFile, limits: Limits, stop_after_rows: int | None):
        self.archive = archive
        self.limits = limits
        self.stop_after_rows = stop_after_rows
        self.facts = WorkbookFacts()
        self.total = 0  # bytes decompressed so far, over all parts
        self.expanded = 0  # text the cells expand to (shared strings copied)

    # The central directory -------------------------------------------------

    def check_directory(self) -> None:
        infos = self.archive.infolist()
        if len(infos) > MAX_PARTS:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được."))
        names = {info.filename for info in infos}
        if any(name.endswith(".bin") and "workbook" in name for name in names):
            raise WorkbookError(
                _("Tệp .xlsb (Excel nhị phân) không được hỗ trợ: hãy lưu lại thành tệp .xlsx.")
            )
        declared = sum(info.file_size for info in infos)
        if declared > self.limits.uncompressed:
            self.too_large(declared)
        for info in infos:
            self.check_ratio(info, info.file_size)

    def too_large(self, size: int) -> None:
        raise WorkbookError(
            _(
                "Tệp giải nén ra %(size).1f MB, vượt giới hạn %(limit).1f MB "
                "(IMPORT_MAX_UNCOMPRESSED_SIZE). Hãy bỏ các trang tính, hình ảnh "
                "không cần thiết hoặc chia nhỏ tệp."
            )
            % {"size": size / MB, "limit": self.limits.uncompressed / MB}
        )

    def check_ratio(self, info: zipfile.ZipInfo, size: int) -> None:
        if size <= RATIO_FLOOR:
            return
        ratio = size / max(info.compress_size, 1)
        if ratio > self.limits.ratio:
            raise WorkbookError(
                _(
                    "Tệp bị nén bất thường: phần “%(part)s” giải nén ra gấp %(ratio)s lần, "
                    "vượt giới hạn %(limit)s lần (IMPORT_MAX_COMPRESSION_RATIO). "
                    "Hãy mở tệp bằng Excel, lưu lại rồi tải lên lại."
                )
                % {"part": info.filename, "ratio": int(ratio), "limit": self.limits.ratio}
            )

    # The parts -------------------------------------------------------------

    def scan(self) -> None:
        """Every part once, shared strings first (cells refer to them)."""
        infos = [info for info in self.archive.infolist() if not info.is_dir()]
        roots = {info.filename: self.root_element(info) for info in infos}
        tables = [info for info in infos if roots[info.filename] == "sst"]
        if len(tables) > 1:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được."))
        string_sizes = self.parse(tables[0], SharedStrings()).sizes if tables else []
        names = self.sheet_names()
        for info in infos:
            root = roots[info.filename]
            if root == "sst":
                continue
            if root in {"worksheet", "dialogsheet", "macrosheet"}:
                name = names.get(info.filename, info.filename)
                self.parse(info, XlsxSheet(self, SheetFacts(name), string_sizes))
            elif root == "document-content":
                self.parse(info, OdsContent(self))
            else:
                self.parse(info, None)

    def root_element(self, info: zipfile.ZipInfo) -> str | None:
        """The local name of a part's root element, from its first bytes."""
        found: list[str] = []

        def start(name, attrs):
            found.append(name.rpartition(":")[2])
            raise _Enough

        parser = ParserCreate()
        parser.StartElementHandler = start
        try:
            with self.archive.open(info) as stream:
                parser.Parse(stream.read(4096), False)
        except _Enough:
            return found[0]
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            pass
        except (NotImplementedError, ValueError) as error:  # encrypted or exotic zip
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
        return None

    def sheet_names(self) -> dict[str, str]:
        """Part name -> sheet name, from xl/workbook.xml and its relationships."""
        try:
            workbook = self.archive.getinfo("xl/workbook.xml")
            rels = self.archive.getinfo("xl/_rels/workbook.xml.rels")
        except KeyError:
            return {}
        targets = self.parse(rels, Collect("Relationship", "Id", "Target")).found
        sheets = self.parse(workbook, Collect("sheet", "r:id", "name")).found
        names = {}
        for rel_id, name in sheets.items():
            target = targets.get(rel_id, "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            names[part] = name
        return names

    def parse(self, info: zipfile.ZipInfo, handler):
        """Stream one part through expat (or only count its bytes), capped."""
        parser = None
        if handler is not None:
            parser = ParserCreate()
            parser.buffer_text = True
            parser.ordered_attributes = True
            handler.attach(parser)
            parser.StartDoctypeDeclHandler = refuse_doctype
        size = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if self.total > self.limits.uncompressed:
                        self.too_large(self.total)
                    self.check_ratio(info, size)
                    if parser is not None:
                        parser.Parse(chunk, False)
                if parser is not None:
                    parser.Parse(b"", True)
        except (ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
            raise WorkbookError(
                _("Tệp Excel bị hỏng, không đọc được (phần “%(part)s”).") % {"part": info.filename}
            ) from error
        except (NotImplementedError, ValueError) as error:
            raise WorkbookError(_("Tệp Excel bị hỏng, không đọc được.")) from error
        if handler is not None:
            handler.finish()
        return handler

    # Called by the sheet handlers ------------------------------------------

    def add_expanded(self, size: int) -> None:
        self.expanded += size
        if self.expanded > self.limits.uncompressed:
            raise WorkbookError(
                _(
                    "Các ô của tệp chứa hơn %(limit).1f MB chữ, tính cả chữ dùng chung "
                    "được chép vào từng ô dùng nó (IMPORT_MAX_UNCOMPRESSED_SIZE). "
                    "Hãy chia nhỏ tệp."
                )
                % {"limit": self.limits.uncompressed / MB}
            )

    def sheet_done(self, sheet: SheetFacts) -> None:
        self.facts.sheets.append(sheet)
        self.check_extent(sheet)

    def row_done(self, sheet: SheetFacts) -> None:
        if self.stop_after_rows is not None and sheet.value_rows > self.stop_after_rows:
            self.facts.sheets.append(sheet)
            raise _Enough

    def check_extent(self, sheet: SheetFacts) -> None:
        if sheet.cells <= self.limits.cells:
            return
        raise WorkbookError(
            _(
                "Trang tính “%(sheet)s” có dữ liệu trải từ ô %(first)s đến ô %(last)s "
                "(%(rows)s dòng × %(columns)s cột = %(cells)s ô), vượt giới hạn %(limit)s ô "
                "(IMPORT_MAX_CELLS). Hãy xoá các ô có dữ liệu nằm xa bảng "
                "(ví dụ ô %(last)s) hoặc chia nhỏ tệp."
            )
            % {
                "sheet": sheet.name,
                "first": f"{column_letters(sheet.left)}{sheet.top + 1}",
                "last": f"{column_letters(sheet.right)}{sheet.bottom + 1}",
                "rows": sheet.rows,
                "columns": sheet.columns,
                "cells": sheet.cells,
                "limit": self.limits.cells,
            }
        )
