"""What incremental updates after a signature changed, in the terms a reader of the document needs.

pyHanko's difference analysis (``pyhanko.sign.diff_analysis``) says whether the changes are permitted
(ISO 32000-2 clause 12.8.2.2, DocMDP) and at which level; it does not say *what* a forbidden change did.
This module compares the revision the signature covers with the last one, page by page, so that shadow
attacks (Mainka et al., NDSS 2021: hide, replace, hide-and-replace) and incremental saving attacks read
as "page 1's content changed", "an annotation added on page 1", "a page replaced", "the document catalog
replaced" rather than as a generic failure. It reads at most ``max_pages`` pages of each revision.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from signature_service.service_layer.ports import Modification


class ModificationCode(enum.StrEnum):
    SIGNATURE_ADDED = "signature_added"
    TIMESTAMP_ADDED = "timestamp_added"
    VALIDATION_DATA_ADDED = "validation_data_added"
    FORM_FILLED = "form_filled"
    ANNOTATION_ADDED = "annotation_added"
    PAGE_CONTENT_CHANGED = "page_content_changed"
    PAGE_ADDED = "page_added"
    PAGE_REMOVED = "page_removed"
    PAGE_REPLACED = "page_replaced"
    CATALOG_REPLACED = "catalog_replaced"
    OBJECT_REPLACED = "object_replaced"
    NOT_ANALYSED = "not_analysed"


# English and Indonesian wording; {n} is a 1-based page number, {name} a field name, {what} an object
_WORDS: dict[ModificationCode, tuple[str, str, bool]] = {
    ModificationCode.SIGNATURE_ADDED: ("another signature added", "tanda tangan lain ditambahkan", True),
    ModificationCode.TIMESTAMP_ADDED: ("a document timestamp added", "cap waktu dokumen ditambahkan", True),
    ModificationCode.VALIDATION_DATA_ADDED: ("validation data (certificates, OCSP, CRL) added",
                                             "data validasi (sertifikat, OCSP, CRL) ditambahkan", True),
    ModificationCode.FORM_FILLED: ("form field {name!r} filled in", "isian formulir {name!r} diisi", True),
    ModificationCode.ANNOTATION_ADDED: ("an annotation added on page {n}", "anotasi ditambahkan di halaman {n}",
                                        False),
    ModificationCode.PAGE_CONTENT_CHANGED: ("page {n}'s content changed", "isi halaman {n} diubah", False),
    ModificationCode.PAGE_ADDED: ("a page added", "halaman ditambahkan", False),
    ModificationCode.PAGE_REMOVED: ("a page removed", "halaman dihapus", False),
    ModificationCode.PAGE_REPLACED: ("page {n} replaced by another page", "halaman {n} diganti dengan halaman lain",
                                     False),
    ModificationCode.CATALOG_REPLACED: ("the document catalog replaced (the file points to a new document)",
                                        "katalog dokumen diganti (berkas menunjuk ke dokumen baru)", False),
    ModificationCode.OBJECT_REPLACED: ("an object replaced ({what})", "objek diganti ({what})", False),
    ModificationCode.NOT_ANALYSED: ("not compared: {what}", "tidak dibandingkan: {what}", False),
}


def modification(code: ModificationCode, **values: object) -> Modification:
    english, indonesian, allowed = _WORDS[code]
    values.setdefault("what", "")
    return Modification(code.value, english.format(**values), indonesian.format(**values), allowed)


@dataclass
class _Page:
    ref: tuple[int, int] | None
    contents: set[tuple[int, int]]
    annots: set[tuple[int, int]]
    xobjects: set[tuple[int, int]]


def _ref(obj: object) -> tuple[int, int] | None:
    if isinstance(obj, generic.IndirectObject):
        return obj.idnum, obj.generation
    if isinstance(obj, generic.Reference):
        return obj.idnum, obj.generation
    return None


def _refs(value: object) -> set[tuple[int, int]]:
    """The indirect references directly in ``value`` (an array or a single reference)."""
    out: set[tuple[int, int]] = set()
    raw = value
    if isinstance(value, generic.IndirectObject):
        ref = _ref(value)
        if ref:
            out.add(ref)
        raw = value.get_object()
    if isinstance(raw, generic.ArrayObject):
        for item in raw:
            ref = _ref(item)
            if ref:
                out.add(ref)
    return out


def page_list(root: generic.DictionaryObject, limit: int) -> tuple[list[_Page], bool]:
    """The pages in order (at most ``limit``; True when there were more), walking /Kids without /Count."""
    out: list[_Page] = []
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [root.raw_get("/Pages")]
    while stack:
        if len(out) >= limit:
            return out, True
        node_ref = stack.pop()
        ref = _ref(node_ref)
        if ref is not None:
            if ref in seen:  # a cycle in the page tree
                continue
            seen.add(ref)
        node = node_ref.get_object() if isinstance(node_ref, generic.IndirectObject) else node_ref
        if not isinstance(node, generic.DictionaryObject):
            continue
        if "/Kids" in node:
            kids = node["/Kids"]
            if isinstance(kids, generic.ArrayObject):
                stack.extend(reversed([kids.raw_get(i) for i in range(len(kids))]))
            continue
        resources = node.get("/Resources")
        xobjects: set[tuple[int, int]] = set()
        if isinstance(resources, generic.DictionaryObject) and isinstance(resources.get("/XObject"),
                                                                           generic.DictionaryObject):
            xo = resources["/XObject"]
            xobjects = {r for k in xo for r in [_ref(xo.raw_get(k))] if r}
        out.append(_Page(ref, _refs(node.raw_get("/Contents")) if "/Contents" in node else set(),
                         _refs(node.raw_get("/Annots")) if "/Annots" in node else set(), xobjects))
    return out, False


def describe(reader: PdfFileReader, signed_revision: int, *, max_pages: int) -> list[Modification]:
    """Every change after ``signed_revision`` up to the last revision; empty when there is none."""
    last = reader.xrefs.total_revisions - 1
    if signed_revision >= last:
        return []
    before = reader.get_historical_resolver(signed_revision)
    after = reader.get_historical_resolver(last)
    changed: set[tuple[int, int]] = set()
    for rev in range(signed_revision + 1, last + 1):
        changed |= {(r.idnum, r.generation) for r in reader.xrefs.explicit_refs_in_revision(rev)}
    existed = {ref for ref in changed
               if reader.xrefs.get_historical_ref(generic.Reference(*ref), signed_revision) is not None}
    out: list[Modification] = []
    explained: set[tuple[int, int]] = set()

    root_before, root_after = _ref(before.trailer_view.raw_get("/Root")), _ref(after.trailer_view.raw_get("/Root"))
    if root_before != root_after:
        out.append(modification(ModificationCode.CATALOG_REPLACED))
    explained.add(root_after or (0, 0))
    # the document information dictionary and the XMP metadata may be updated by any signer (pyHanko's
    # MetadataUpdateRule); they are not what the reader sees on the page
    explained |= {r for r in [_ref(after.trailer_view.get_value_as_reference("/Info", optional=True)),
                              _ref(after.root.get_value_as_reference("/Metadata", optional=True))] if r}

    pages_before, more_before = page_list(before.root, max_pages)
    pages_after, more_after = page_list(after.root, max_pages)
    if more_before or more_after:
        out.append(modification(ModificationCode.NOT_ANALYSED, what=f"pages after the first {max_pages}"))
    out += _compare_pages(after, pages_before, pages_after, existed, explained)
    out += _additions(after, changed, existed, explained)
    out += _form_fields(before, after, explained)

    for ref in sorted(existed - explained):
        obj = after.get_object(generic.Reference(*ref))
        what = f"object {ref[0]}"
        if isinstance(obj, generic.DictionaryObject) and "/Type" in obj:
            what += f", {obj['/Type']}"
        out.append(modification(ModificationCode.OBJECT_REPLACED, what=what))
        if len(out) > 50:  # enough to make the point; a file rewriting everything does not need a list
            out.append(modification(ModificationCode.NOT_ANALYSED, what="further replaced objects"))
            break
    return _unique(out)


def _compare_pages(after, before: list[_Page], now: list[_Page], existed: set[tuple[int, int]],
                   explained: set[tuple[int, int]]) -> list[Modification]:
    out: list[Modification] = []
    old_refs = [p.ref for p in before]
    new_refs = [p.ref for p in now]
    if len(new_refs) > len(old_refs):
        out.append(modification(ModificationCode.PAGE_ADDED))
    elif len(new_refs) < len(old_refs):
        out.append(modification(ModificationCode.PAGE_REMOVED))
    by_ref = {p.ref: p for p in before}
    for n, (page, old_ref) in enumerate(zip(now, old_refs + [None] * len(now), strict=False), start=1):
        old = by_ref.get(page.ref)
        if page.ref in existed:
            explained.add(page.ref)  # the page dictionary itself: judged by what it now holds
        if old is None:
            if old_ref is not None:
                out.append(modification(ModificationCode.PAGE_REPLACED, n=n))
            continue
        if page.contents != old.contents or page.contents & existed or page.xobjects != old.xobjects \
                or page.xobjects & existed:
            out.append(modification(ModificationCode.PAGE_CONTENT_CHANGED, n=n))
            explained |= (page.contents | page.xobjects) & existed
        for annot_ref in sorted((page.annots - old.annots) | (page.annots & existed)):
            explained.add(annot_ref)
            annot = after.get_object(generic.Reference(*annot_ref))
            if isinstance(annot, generic.DictionaryObject) and annot.get("/Subtype") == "/Widget":
                continue  # a form or signature field's widget: judged with the fields
            out.append(modification(ModificationCode.ANNOTATION_ADDED, n=n))
    return out


def _additions(after, changed: set[tuple[int, int]], existed: set[tuple[int, int]],
               explained: set[tuple[int, int]]) -> list[Modification]:
    out: list[Modification] = []
    new = changed - existed
    for ref in sorted(new):
        obj = after.get_object(generic.Reference(*ref))
        if not isinstance(obj, generic.DictionaryObject):
            continue
        kind = obj.get("/Type")
        if kind == "/Sig" or (kind is None and "/ByteRange" in obj and "/Contents" in obj):
            out.append(modification(ModificationCode.SIGNATURE_ADDED))
        elif kind == "/DocTimeStamp":
            out.append(modification(ModificationCode.TIMESTAMP_ADDED))
    dss = _dss_refs(after)
    if dss & changed:
        out.append(modification(ModificationCode.VALIDATION_DATA_ADDED))
        explained |= dss & changed
    explained |= new
    return out


def _dss_refs(after) -> set[tuple[int, int]]:
    """The DSS dictionary, its arrays and its VRI dictionaries (ISO 32000-2 clause 12.8.4.3)."""
    if "/DSS" not in after.root:
        return set()
    raw = after.root.raw_get("/DSS")
    out = {r for r in [_ref(raw)] if r}
    dss = raw.get_object() if isinstance(raw, generic.IndirectObject) else raw
    if not isinstance(dss, generic.DictionaryObject):
        return out
    for key in ("/Certs", "/OCSPs", "/CRLs", "/VRI"):
        if key in dss:
            out |= _refs(dss.raw_get(key))
    vri = dss.get("/VRI")
    if isinstance(vri, generic.DictionaryObject):
        for key in list(vri)[:1000]:
            entry = vri.raw_get(key)
            out |= {r for r in [_ref(entry)] if r}
            entry = entry.get_object() if isinstance(entry, generic.IndirectObject) else entry
            if isinstance(entry, generic.DictionaryObject):
                for sub in ("/Cert", "/OCSP", "/CRL"):
                    if sub in entry:
                        out |= _refs(entry.raw_get(sub))
    return out


def _form_fields(before, after, explained: set[tuple[int, int]]) -> list[Modification]:
    """Fields whose value changed (signature fields signed later count as signatures, above)."""
    out: list[Modification] = []
    old = _field_values(before)
    for ref, (name, ftype, value) in _field_values(after).items():
        if ftype == "/Sig":
            if ref in old:
                explained.add(ref)
            continue
        previous = old.get(ref)
        if previous is not None and previous[2] != value:
            out.append(modification(ModificationCode.FORM_FILLED, name=name))
            explained.add(ref)
    acroform = _ref(after.root.raw_get("/AcroForm")) if "/AcroForm" in after.root else None
    if acroform:
        explained.add(acroform)  # the /Fields array grows with every signature
    return out


def _field_values(resolver, limit: int = 5000) -> dict[tuple[int, int], tuple[str, object, object]]:
    out: dict[tuple[int, int], tuple[str, object, object]] = {}
    try:
        fields = resolver.root["/AcroForm"]["/Fields"]
    except (KeyError, TypeError):
        return out
    stack = [fields.raw_get(i) for i in range(len(fields))] if isinstance(fields, generic.ArrayObject) else []
    while stack and len(out) < limit:
        item = stack.pop()
        ref = _ref(item)
        obj = item.get_object() if isinstance(item, generic.IndirectObject) else item
        if ref is None or ref in out or not isinstance(obj, generic.DictionaryObject):
            continue
        value = obj.raw_get("/V") if "/V" in obj else None
        value = _ref(value) or (str(value) if value is not None else None)
        out[ref] = (str(obj.get("/T", "")), obj.get("/FT"), value)
        kids = obj.get("/Kids")
        if isinstance(kids, generic.ArrayObject):
            stack.extend(kids.raw_get(i) for i in range(len(kids)))
    return out


def _unique(items: list[Modification]) -> list[Modification]:
    seen: set[tuple[str, str]] = set()
    out = []
    for m in items:
        if (m.code, m.description) not in seen:
            seen.add((m.code, m.description))
            out.append(m)
    return out
