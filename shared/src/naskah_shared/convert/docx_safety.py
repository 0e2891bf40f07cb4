"""Is a DOCX self-contained? What LibreOffice would read from outside the package, or run, is refused.

A DOCX can point outside itself: a relationship with `TargetMode="External"` (a linked image, an
attached template, a hyperlinked sub-document, an OLE link), a field code (`INCLUDEPICTURE`,
`INCLUDETEXT`, `LINK`, `DDE`) that LibreOffice resolves on load, or an `altChunk` imported at load.
Converting such a file makes the server fetch URLs (server-side request forgery) or embed local files
(`file:///etc/passwd` as an "image") into a PDF someone downloads. It can also carry code: a
`vbaProject.bin` macro part, ActiveX controls, embedded OLE objects.

None of that has a place in an office template, so it is refused, not repaired: at template upload,
and again by the converter before LibreOffice opens any document (DESIGN §14: the converter reads
nothing outside the document). Hyperlinks (`w:hyperlink`, relationship type `hyperlink`) are
allowed: LibreOffice writes them to the PDF as links and never fetches them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from naskah_shared.convert.ports import ConversionError

# Relationship types that load, import or run something (ECMA-376 Part 1 §15 and [MS-DOCX]).
_FORBIDDEN_REL_TYPES = ("/oleObject", "/package", "/attachedTemplate", "/subDocument", "/aFChunk", "/frame",
                        "/vbaProject", "/wordVbaData", "/keyMapCustomizations", "/control", "/activeXControlBinary",
                        "/ui/extensibility", "/customUI", "/mailMergeSource", "/mailMergeHeaderSource",
                        "/recipientData", "/dataSource", "/externalLinkPath")
_HYPERLINK = "/relationships/hyperlink"
_FORBIDDEN_PARTS = re.compile(r"(?i)(vbaProject|vbaData|activeX/|embeddings/|customUI|\.docm$|\.dotm$)")
_FORBIDDEN_CONTENT_TYPES = re.compile(r"(?i)(macroEnabled|vbaProject|vbaData|activeX|oleObject|ms-office\.vba)")
# An absolute URL or a UNC / protocol-relative path: anything a Target could reach outside the zip.
_OUTSIDE = re.compile(r"(?i)^(?:[a-z][a-z0-9+.\-]*:|[\\/]{2})")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.S)
_ATTR = re.compile(rb'(\w+)\s*=\s*("[^"]*"|\'[^\']*\')')
# Elements that import or run something when the document loads.
_FORBIDDEN_ELEMENTS = re.compile(rb"<(?:w:altChunk|w:object|o:OLEObject|w:control|w:subDoc|w:attachedTemplate"
                                 rb"|w:frameset|w:mailMerge)\b")
_INSTR = re.compile(rb"<w:instrText\b[^>]*>([^<]*)</w:instrText>|\bw:instr=\"([^\"]*)\"", re.S)
_FIELDS = re.compile(r"(?i)\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDEAUTO|DDE|IMPORT)\b")
MAX_PART_SCAN = 64 * 1024 * 1024  # the zip checks before this bound the uncompressed size


class UnsafeDocument(ConversionError):
    """The DOCX reaches outside itself or carries code; `findings` says what (HTTP 422)."""

    def __init__(self, findings: list[str]) -> None:
        super().__init__("unsafe_document", "the document is not self-contained: " + "; ".join(findings[:5]))
        self.findings = findings


def docx_findings(data: bytes) -> list[str]:
    """What in `data` (a DOCX) would make LibreOffice read outside it or run code; [] when none."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return []  # not a zip: not this check's concern (LibreOffice refuses it as broken input)
    findings: list[str] = []
    with zf:
        infos = zf.infolist()
        findings += [f"part {i.filename} (macros, ActiveX or embedded objects)" for i in infos
                     if _FORBIDDEN_PARTS.search(i.filename)]
        budget = MAX_PART_SCAN
        for info in infos:
            name = info.filename
            if not (name.endswith((".rels", ".xml"))) or info.file_size > budget:
                continue
            budget -= info.file_size
            xml = zf.read(info)
            if name == "[Content_Types].xml":
                findings += [f"content type {m.group(0)}" for m in _FORBIDDEN_CONTENT_TYPES.finditer(
                    xml.decode("utf-8", "replace"))][:3]
            elif name.endswith(".rels"):
                findings += _relationship_findings(name, xml)
            else:
                findings += _xml_findings(name, xml)
    return findings


def _relationship_findings(name: str, xml: bytes) -> Iterable[str]:
    for rel in _RELATIONSHIP.finditer(xml):
        attrs = {k.decode(): v[1:-1].decode("utf-8", "replace") for k, v in _ATTR.findall(rel.group(0))}
        rel_type, target = attrs.get("Type", ""), attrs.get("Target", "").strip()
        if rel_type.endswith(_HYPERLINK):
            continue  # written to the PDF as a link, never fetched
        if any(rel_type.endswith(t) for t in _FORBIDDEN_REL_TYPES):
            yield f"{name}: relationship {rel_type.rsplit('/', 1)[-1]} to {target[:100]!r}"
        elif attrs.get("TargetMode", "").lower() == "external" or _OUTSIDE.match(target):
            yield f"{name}: external {rel_type.rsplit('/', 1)[-1]} relationship to {target[:100]!r}"


def _xml_findings(name: str, xml: bytes) -> Iterable[str]:
    if m := _FORBIDDEN_ELEMENTS.search(xml):
        yield f"{name}: element {m.group(0)[1:].decode()}"
    # A field code may be split over several runs: join the instruction texts of the part first.
    instructions = " ".join((a or b).decode("utf-8", "replace") for a, b in _INSTR.findall(xml))
    if field := _FIELDS.search(instructions):
        yield f"{name}: field {field.group(1).split()[0].upper()}"


def check_self_contained(data: bytes) -> None:
    """Raise `UnsafeDocument` when `data` reaches outside itself or carries code."""
    if findings := docx_findings(data):
        raise UnsafeDocument(findings)
