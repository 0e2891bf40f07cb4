"""Opening an uploaded PDF for verification: encryption, and finding its signatures one by one.

pyHanko's ``reader.embedded_signatures`` parses every signature up front and raises for the first broken
one, so one damaged signature hid the others; it also builds one object per *field*, so a thousand fields
pointing at one signature dictionary were validated a thousand times. Here each field is looked at on its
own, a damaged one becomes an entry of its own, and a signature dictionary is examined once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.crypt import AuthStatus, StandardSecurityHandler
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

from signature_service.service_layer.ports import VerificationError, VerificationErrorCode


@dataclass
class Candidate:
    """One signature dictionary found in the form, parsed (``embedded``) or not (``error`` says why)."""

    field: str
    kind: str  # /Sig | /DocTimeStamp
    embedded: EmbeddedPdfSignature | None = None
    error: str | None = None
    revision: int = 0
    shared_by: list[str] = field(default_factory=list)  # other fields whose /V is the same dictionary


def open_pdf(pdf: bytes, password: str | None) -> tuple[PdfFileReader, bool]:
    """A reader, decrypted when needed: permission-only encryption (empty user password) silently."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        encrypted = reader.encrypted
    except VerificationError:
        raise
    except Exception as e:  # any parse failure of the header, xref or trailer: not a PDF we can read
        raise VerificationError(VerificationErrorCode.INVALID_PDF, f"not a readable PDF: {_short(e)}") from None
    if not encrypted:
        return reader, False
    try:
        handler = reader.security_handler
    except Exception as e:
        raise VerificationError(VerificationErrorCode.UNSUPPORTED_ENCRYPTION,
                                f"the PDF's encryption is not supported: {_short(e)}") from None
    if not isinstance(handler, StandardSecurityHandler):
        raise VerificationError(VerificationErrorCode.UNSUPPORTED_ENCRYPTION,
                                "the PDF is encrypted to a certificate (public-key security), not with a password")
    try:
        if reader.decrypt("").status is not AuthStatus.FAILED:
            return reader, True
        if password is None:
            raise VerificationError(VerificationErrorCode.PASSWORD_REQUIRED,
                                    "the PDF is protected with a password: send it in the 'password' field")
        if reader.decrypt(password).status is AuthStatus.FAILED:
            raise VerificationError(VerificationErrorCode.WRONG_PASSWORD, "the password does not open this PDF")
    except VerificationError:
        raise
    except Exception as e:
        raise VerificationError(VerificationErrorCode.UNSUPPORTED_ENCRYPTION,
                                f"the PDF's encryption could not be opened: {_short(e)}") from None
    return reader, True


def find_signatures(reader: PdfFileReader, *, max_fields: int) -> tuple[list[Candidate], list[str]]:
    """Every filled signature field, once per signature dictionary, in signing order; and notes."""
    notes: list[str] = []
    by_dict: dict[object, Candidate] = {}
    seen = 0
    try:
        for name, _sig_obj, sig_field in enumerate_sig_fields(reader, filled_status=True):
            seen += 1
            if seen > max_fields:
                notes.append(f"more than {max_fields} signature fields: the rest were not read")
                break
            key = _dict_key(sig_field)
            if key in by_dict:
                by_dict[key].shared_by.append(name)
                continue
            by_dict[key] = _candidate(reader, sig_field, name)
    except RecursionError:  # e.g. an array nested 100 000 deep in the catalog: the document is unreadable
        raise VerificationError(VerificationErrorCode.INVALID_PDF,
                                "not a readable PDF: its objects are nested too deeply") from None
    except Exception as e:  # a broken field tree: report what was found before it
        notes.append(f"the form's field tree could not be read to the end: {_short(e)}")
    found = sorted(by_dict.values(), key=lambda c: c.revision)
    for c in found:
        if c.shared_by:
            notes.append(f"{len(c.shared_by)} other signature field(s) point to the signature of field "
                         f"{c.field!r}; it is one signature and is counted once")
    return found, notes


def _dict_key(sig_field: object) -> object:
    value = sig_field.get_object().raw_get("/V") if isinstance(sig_field, generic.IndirectObject) \
        else sig_field.raw_get("/V")
    if isinstance(value, generic.IndirectObject):
        return (value.idnum, value.generation)
    return id(value)


def _candidate(reader: PdfFileReader, sig_field: object, name: str) -> Candidate:
    name = str(name)  # pyHanko's TextStringObject would carry the whole reader into every copy of a report
    try:
        sig_obj = sig_field.get_object()["/V"]
        kind = str(sig_obj.get("/Type", "/Sig")) if isinstance(sig_obj, generic.DictionaryObject) else "/Sig"
    except Exception:
        kind = "/Sig"
    try:
        emb = EmbeddedPdfSignature(reader, sig_field, name)
        return Candidate(name, kind, emb, revision=emb.signed_revision)
    except Exception as e:  # no /ByteRange, /Contents not CMS, no or several signer infos
        return Candidate(name, kind, error=f"the signature cannot be read: {_short(e)}",
                         revision=_revision_of(reader, sig_field))


def _revision_of(reader: PdfFileReader, sig_field: object) -> int:
    """The revision that last wrote the signature dictionary (where pyHanko would place it)."""
    try:
        value = sig_field.get_object().raw_get("/V")
        return reader.xrefs.get_last_change(value.reference)
    except Exception:
        return reader.xrefs.total_revisions


def _short(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= 300 else text[:300] + "…"
