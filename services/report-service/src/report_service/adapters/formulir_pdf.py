"""Reading a returned Formulir Instrumen: who it is for, its field values, and whether its signatures held.

An upload is hostile until shown otherwise: it is bounded in size (by the API), pages and fields; it
must be a PDF naskah made (its document information names the letter), for the letter it is sent to;
and when the Kadis's signature is in it, every revision after the signature may only fill in fields
(pyHanko's difference analysis, FORM_FILLING or less) and the signed bytes must still hash to it.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from naskah_shared import formulir as f
from report_service.service_layer.formulir import FormulirRejected

log = logging.getLogger(__name__)
MAX_PAGES, MAX_FIELDS = 20, 200  # the letter has two pages and 22 fields; a reader filling it adds none


@dataclass(frozen=True)
class ReadFormulir:
    document_id: str
    kampung_kode: str
    values: dict[str, str]  # the instrument's rows as typed, by field code
    signatures: int  # how many signatures were checked (0: an unsigned copy of the letter)


def _identity(pdf: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """(document information, fields) of a PDF, or FormulirRejected."""
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise FormulirRejected("not_formulir", "an encrypted PDF is not a Formulir naskah made")
        if len(reader.pages) > MAX_PAGES:
            raise FormulirRejected("not_formulir", f"a Formulir has at most {MAX_PAGES} pages")
        info = dict(reader.metadata or {})
        fields = reader.get_fields() or {}
    except FormulirRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise FormulirRejected("not_pdf", "the upload is not a readable PDF") from exc
    if len(fields) > MAX_FIELDS:
        raise FormulirRejected("not_formulir", "the PDF has more fields than the Formulir")
    return info, fields


def read(pdf: bytes, *, letter_id: str, kampung_kode: str | None = None) -> ReadFormulir:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise FormulirRejected("not_pdf", "the upload is not a PDF")
    info, fields = _identity(pdf)
    document_id = info.get(f.META_DOCUMENT)
    if info.get(f.META_KIND) != f.KIND or not document_id:
        raise FormulirRejected("not_formulir", "this PDF is not a Formulir Instrumen from naskah")
    if str(document_id) != letter_id:
        raise FormulirRejected("wrong_kampung", "this Formulir belongs to another kampung's letter",
                               document_id=str(document_id))
    kode = _value(fields.get(f.FIELD_KAMPUNG_KODE))
    if kampung_kode is not None and (kode != kampung_kode or info.get(f.META_KAMPUNG) != kampung_kode):
        raise FormulirRejected("wrong_kampung", "this Formulir names another kampung")
    revisions = _check_signatures(pdf)
    for end in revisions:
        # What the Kadis signed names this letter too: later revisions may fill fields, not move the Formulir
        # to another kampung by rewriting its document information.
        signed_info, _ = _identity(pdf[:end])
        if signed_info.get(f.META_DOCUMENT) != document_id or signed_info.get(f.META_KAMPUNG) != \
                info.get(f.META_KAMPUNG):
            raise FormulirRejected("modified", "the signed Formulir's kampung was changed after the signature")
    values = {code: _value(fields.get(code)) for code in f.CODES}
    return ReadFormulir(str(document_id), kode, values, len(revisions))


def _value(field: Any) -> str:
    if not field:
        return ""
    value = field.get("/V")
    return "" if value is None else str(value)[: f.MAX_TEXT * 2]


def _check_signatures(pdf: bytes) -> list[int]:
    """Each signature intact, and what follows it only form filling; where each signed revision ends."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = [e for e in reader.embedded_signatures if e.sig_object_type == "/Sig"]
    except Exception as exc:  # pyHanko raises many kinds on a broken file; none of them is a Formulir
        log.info("formulir upload: signatures unreadable (%s)", type(exc).__name__)
        raise FormulirRejected("modified", "the signatures in this PDF cannot be read") from None
    if len(signatures) > 4:
        raise FormulirRejected("modified", "the Formulir carries more signatures than the Kadis's")
    for emb in signatures:  # the Kadis's signature, and room for a timestamp or two; no more work than that
        try:
            # The signed bytes still hash to the signature (trust is not judged here: the letter is ours, the
            # question is only whether it was changed), then what the later revisions changed.
            crypto = validate_pdf_signature(emb, ValidationContext(trust_roots=[], allow_fetching=False),
                                            skip_diff=True)
            if not crypto.intact:
                raise FormulirRejected("modified", "a signature in this PDF no longer matches its document")
            emb.compute_integrity_info()
            intact = emb.summarise_integrity_info()
            diff = emb.evaluate_modifications(DEFAULT_DIFF_POLICY)
        except FormulirRejected:
            raise
        except Exception as exc:
            log.info("formulir upload: signature check failed (%s)", type(exc).__name__)
            raise FormulirRejected("modified", "a signature in this PDF no longer matches its document") from None
        level = getattr(diff, "modification_level", ModificationLevel.OTHER)
        coverage = intact.get("coverage")
        if not intact.get("docmdp_ok") or coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION \
                or level > ModificationLevel.FORM_FILLING:
            raise FormulirRejected("modified", "the signed Formulir was changed beyond filling in its fields",
                                   modification_level=getattr(level, "name", str(level)))
    ends = []
    for emb in signatures:
        byte_range = [int(x) for x in emb.sig_object["/ByteRange"]]
        ends.append(byte_range[2] + byte_range[3])  # the signed revision is the file up to there
    return ends


__all__ = ["FormulirRejected", "ReadFormulir", "read"]
