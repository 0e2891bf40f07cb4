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
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from naskah_shared import formulir as f

log = logging.getLogger(__name__)
MAX_PAGES, MAX_FIELDS = 20, 200  # the letter has two pages and 22 fields; a reader filling it adds none


class FormulirRejected(ValueError):
    """An upload that is not a returned Formulir of this letter; `code` says why (the API answers 4xx)."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code, self.details = code, details


@dataclass(frozen=True)
class ReadFormulir:
    document_id: str
    kampung_kode: str
    values: dict[str, str]  # the instrument's rows as typed, by field code
    signatures: int  # how many signatures were checked (0: an unsigned copy of the letter)


def read(pdf: bytes, *, letter_id: str) -> ReadFormulir:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise FormulirRejected("not_pdf", "the upload is not a PDF")
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise FormulirRejected("not_formulir", "an encrypted PDF is not a Formulir naskah made")
        if len(reader.pages) > MAX_PAGES:
            raise FormulirRejected("not_formulir", f"a Formulir has at most {MAX_PAGES} pages")
        info = reader.metadata or {}
        kind, document_id = info.get(f.META_KIND), info.get(f.META_DOCUMENT)
        fields = reader.get_fields() or {}
    except PyPdfError as exc:
        raise FormulirRejected("not_pdf", "the upload is not a readable PDF") from exc
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        if isinstance(exc, FormulirRejected):
            raise
        raise FormulirRejected("not_pdf", "the upload is not a readable PDF") from exc
    if kind != f.KIND or not document_id:
        raise FormulirRejected("not_formulir", "this PDF is not a Formulir Instrumen from naskah")
    if len(fields) > MAX_FIELDS:
        raise FormulirRejected("not_formulir", "the PDF has more fields than the Formulir")
    if str(document_id) != letter_id:
        raise FormulirRejected("wrong_kampung", "this Formulir belongs to another kampung's letter",
                               document_id=str(document_id))
    kode = _value(fields.get(f.FIELD_KAMPUNG_KODE))
    if kode and kode != str(info.get(f.META_KAMPUNG) or kode):
        raise FormulirRejected("modified", "the Formulir's kampung was changed")
    values = {code: _value(fields.get(code)) for code in f.CODES}
    return ReadFormulir(str(document_id), kode, values, _check_signatures(pdf))


def _value(field: Any) -> str:
    if not field:
        return ""
    value = field.get("/V")
    return "" if value is None else str(value)[: f.MAX_TEXT * 2]


def _check_signatures(pdf: bytes) -> int:
    """Each signature intact, and what follows it only form filling; the count checked."""
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
            emb.compute_integrity_info()
            intact = emb.summarise_integrity_info()
            diff = emb.evaluate_modifications(DEFAULT_DIFF_POLICY)
        except Exception as exc:
            log.info("formulir upload: signature check failed (%s)", type(exc).__name__)
            raise FormulirRejected("modified", "a signature in this PDF no longer matches its document") from None
        level = getattr(diff, "modification_level", ModificationLevel.OTHER)
        coverage = intact.get("coverage")
        if not intact.get("docmdp_ok") or coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION \
                or level > ModificationLevel.FORM_FILLING:
            raise FormulirRejected("modified", "the signed Formulir was changed beyond filling in its fields",
                                   modification_level=getattr(level, "name", str(level)))
    return len(signatures)


__all__ = ["FormulirRejected", "ReadFormulir", "read"]
