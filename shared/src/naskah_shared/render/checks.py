"""The checks an uploaded DOCX template passes before it is parsed: a zip that is a DOCX and no zip bomb,
read from the central directory before anything is decompressed, and self-contained (convert/docx_safety.py)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from naskah_shared.convert.docx_safety import docx_findings
from naskah_shared.render.ports import TemplateError, TemplateErrorCode

Code = TemplateErrorCode


@dataclass(frozen=True)
class ZipLimits:
    """Limits read from the zip central directory before extraction."""

    max_entries: int = 1000
    max_uncompressed: int = 64 * 1024 * 1024
    max_ratio: float = 100.0  # per entry above `ratio_floor` bytes, and for the whole archive
    ratio_floor: int = 1024 * 1024


def check_contained(data: bytes) -> None:
    """Refuse a template that reaches outside itself or carries code (docx_safety.py)."""
    if findings := docx_findings(data):
        raise TemplateError(Code.UNSAFE_TEMPLATE, "the template is not self-contained: " + "; ".join(findings[:5]),
                            {"findings": findings[:20]})


def check_zip(data: bytes, *, max_bytes: int, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse what is too large, not a DOCX, or a zip bomb, without decompressing anything."""
    if len(data) > max_bytes:
        raise TemplateError(Code.TOO_LARGE, f"template is {len(data)} bytes; the limit is {max_bytes}",
                            {"size": len(data), "max_bytes": max_bytes})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise TemplateError(Code.NOT_DOCX, f"not a DOCX file (not a zip archive: {exc})") from exc
    names = {i.filename for i in infos}
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        raise TemplateError(Code.NOT_DOCX, "not a DOCX file (no word/document.xml)")
    if len(infos) > limits.max_entries:
        raise TemplateError(Code.ZIP_BOMB, f"archive has {len(infos)} entries (limit {limits.max_entries})",
                            {"entries": len(infos)})
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.max_uncompressed:
        raise TemplateError(Code.ZIP_BOMB, f"archive expands to {total} bytes (limit {limits.max_uncompressed})",
                            {"uncompressed": total})
    for i in infos:
        if i.file_size > limits.ratio_floor and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise TemplateError(Code.ZIP_BOMB, f"entry {i.filename} expands {i.file_size // max(i.compress_size, 1)}×",
                                {"entry": i.filename, "uncompressed": i.file_size, "compressed": i.compress_size})
    if total > limits.ratio_floor and total > limits.max_ratio * max(packed, 1):
        raise TemplateError(Code.ZIP_BOMB, f"archive expands {total // max(packed, 1)}×",
                            {"uncompressed": total, "compressed": packed})
