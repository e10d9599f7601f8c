"""Evidence files are hostile until a bounded check says otherwise.

A file is accepted by what its bytes are, not by its name or the type the
browser declared: PDF, Word (.doc/.docx), Excel (.xls/.xlsx), JPEG or PNG,
and its extension must agree with its content. Each check reads a bounded
amount: a signature, a zip's central directory, an OLE2 directory.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from typing import IO

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# kind -> (extensions, content type served)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "docx": (
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ((".doc",), "application/msword"),
    "xls": ((".xls",), "application/vnd.ms-excel"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "png": ((".png",), "image/png"),
}
ALLOWED_EXTENSIONS = tuple(ext for exts, _type in KINDS.values() for ext in exts)
# An Office zip holds a few dozen members; thousands is not a document.
MAX_ZIP_MEMBERS = 5000


def content_type(kind: str) -> str:
    return KINDS[kind][1]


def clean_name(name: str) -> str:
    """The original name, safe to store and to send back in a header."""
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    stem, ext = os.path.splitext(name)
    return (stem[: 200 - len(ext)] + ext) if name else "tai-lieu"


def _sniff_zip(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(names) > MAX_ZIP_MEMBERS or "[Content_Types].xml" not in names:
        return None
    # Macro-enabled documents (.docm/.xlsm renamed) carry code: refused.
    if any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _sniff_ole(file: IO[bytes]) -> str | None:
    try:
        ole = olefile.OleFileIO(file)
    except (OSError, ValueError, IndexError):  # olefile raises several on junk
        return None
    try:
        if ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR"):
            return None
        if ole.exists("WordDocument"):
            return "doc"
        if ole.exists("Workbook") or ole.exists("Book"):
            return "xls"
        return None
    finally:
        ole.close()


def sniff(file: IO[bytes]) -> str | None:
    """The kind of a file from its content, or None if it is none we accept."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"PK\x03\x04"):
            return _sniff_zip(file)
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return _sniff_ole(file)
        return None
    finally:
        file.seek(0)


def validate_evidence(file, *, name: str | None = None) -> str:
    """Check one uploaded file; return its kind or raise a Vietnamese
    ValidationError naming the file and what is wrong."""
    name = clean_name(name or getattr(file, "name", "") or "")
    limit = settings.EVIDENCE_MAX_FILE_SIZE
    size = file.size
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” dung lượng %(size)s, vượt giới hạn %(limit)s mỗi tệp.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    ext = os.path.splitext(name)[1].lower()
    kind = sniff(file)
    if kind is None:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không phải PDF, Word, Excel, JPEG hay PNG (kiểm tra theo nội "
                "dung tệp, không theo tên). Tài liệu kiểm chứng chỉ nhận các loại tệp này."
            )
            % {"name": name},
            code="bad_type",
        )
    if ext not in KINDS[kind][0]:
        raise ValidationError(
            _("Tệp “%(name)s” có nội dung %(kind)s nhưng phần mở rộng là “%(ext)s”.")
            % {"name": name, "kind": kind.upper(), "ext": ext or "—"},
            code="bad_extension",
        )
    return kind
