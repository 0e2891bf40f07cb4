"""The BSrE key backend: the DocumentSigner port over BSrE's Esign Client Service.

The key stays at BSrE. naskah sends the whole PDF with the signer's NIK (or e-mail) and passphrase (or
TOTP), where the stamp goes and the stamp's picture; BSrE answers the PDF signed (PAdES with its own
timestamp, no validation data). naskah then checks that the answer is an incremental update of what it
sent (so an earlier signature, the Kabid's, still covers its bytes) and adds what the office's level asks
for and BSrE's output lacks: the DSS with the signer's revocation data (B-LT, ETSI EN 319 142-1 clause
6.4) and a document timestamp (B-LTA, clause 6.5), both incremental updates that leave BSrE's signature
valid.

Placement: the signature field naskah prepared for the signer (``ttd-kabid``, at the template's anchor)
gives the page and box; BSrE creates its own field there (its fields are named ``sig_<millis>``), over the
empty one. Without a prepared field, the ``placement`` given is used, else the signature is invisible.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from asn1crypto import x509

from signature_service.adapters.bsre_client import BsreClient, BsreStatus, Specimen, ident
from signature_service.adapters.bsre_stamp import render_stamp_png
from signature_service.adapters.pades import _requests_fetchers, _translate, load_certs
from signature_service.service_layer.ports import (
    SignatureLevel,
    SigningError,
    SigningErrorCode,
    SignItem,
    StampPlacement,
    StampText,
)

REASON = "Dokumen ini telah ditandatangani secara elektronik"


class LtvAugmenter:
    """Adds validation data (B-LT) and a document timestamp (B-LTA) to a PDF someone else signed."""

    def __init__(self, *, trust_roots: Iterable[Path | str | bytes | x509.Certificate],
                 other_certs: Iterable[Path | str | bytes | x509.Certificate] = (), tsa_url: str | None = None,
                 timeout: float = 10.0) -> None:
        self.trust_roots, self.other_certs = load_certs(trust_roots), load_certs(other_certs)
        self.tsa_url, self.timeout = tsa_url, timeout

    def _context(self) -> Any:
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(trust_roots=self.trust_roots, other_certs=self.other_certs, allow_fetching=True,
                                 revocation_mode="hard-fail", fetcher_backend=_requests_fetchers(self.timeout))

    def augment(self, pdf: bytes, level: SignatureLevel) -> bytes:
        if level.rank < SignatureLevel.B_LT.rank:
            return pdf
        if level is SignatureLevel.B_LTA and not self.tsa_url:
            raise SigningError(SigningErrorCode.TIMESTAMP_FAILED, "B-LTA needs a TSA URL (NASKAH_TSA_URL)")
        try:
            return asyncio.run(self._augment(pdf, level))
        except SigningError:
            raise
        except Exception as e:
            raise _translate(e) from e

    async def _augment(self, pdf: bytes, level: SignatureLevel) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import signers
        from pyhanko.sign.timestamps import HTTPTimeStamper
        from pyhanko.sign.validation import async_add_validation_info

        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        last = [e for e in reader.embedded_signatures if e.sig_object_type == "/Sig"][-1]
        out = await async_add_validation_info(last, self._context(), skip_timestamp=False, in_place=False)
        if level is not SignatureLevel.B_LTA:
            return out.getvalue()
        writer = IncrementalPdfFileWriter(out, strict=False)
        stamped = io.BytesIO()
        await signers.PdfTimeStamper(HTTPTimeStamper(self.tsa_url, timeout=int(max(1, self.timeout)))
                                     ).async_timestamp_pdf(writer, "sha256", validation_context=self._context(),
                                                           output=stamped)
        return stamped.getvalue()


class BsreSigner:
    """One signer's BSrE identity and secret, for one signature or one batch (never kept by the key ring)."""

    checks_passphrase_when_signing = True  # BSrE alone knows the passphrase; its 2031 counts toward the lockout
    cacheable = False  # it holds the secret, which must not outlive the call (a TOTP is used once anyway)

    def __init__(self, client: BsreClient, key: dict[str, Any], secret: str, *, augmenter: LtvAugmenter,
                 location: str | None = None) -> None:
        self.client, self.who = client, ident(key)
        self.credential = "totp" if key.get("credential") == "totp" else "passphrase"
        self._secret = secret
        self.augmenter, self.location = augmenter, location
        self.receipts: list[str] = []  # BSrE's id_dokumen of each signature made through this object

    @classmethod
    def open(cls, client: BsreClient, key: dict[str, Any], secret: str, **kwargs: Any) -> BsreSigner:
        """Check the signer's status before the secret is sent anywhere; only ISSUE may sign."""
        signer = cls(client, key, secret, **kwargs)
        refuse_unless_eligible(client.status(signer.who))
        return signer

    def sign(self, pdf: bytes, *, field: str, level: SignatureLevel, stamp: StampText | None = None,
             placement: StampPlacement | None = None, qr_url: str | None = None) -> bytes:
        return self.sign_many([SignItem(pdf, field, stamp, placement, qr_url)], level)[0]

    def sign_many(self, items: list[SignItem], level: SignatureLevel) -> list[bytes]:
        """All ``items`` in one BSrE call (v2), or one call each (v1, which takes one file)."""
        specs = [self._specimen(i) for i in items]
        if self.client.config.api == "v1":
            if self.credential == "totp":
                raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "TOTP signing needs BSrE's v2 API")
            answers = [self.client.sign_v1(self.who, self._secret, i.pdf, s) for i, s in zip(items, specs,
                                                                                                strict=True)]
            signed, ids = [a[0] for a in answers], [a[1] for a in answers]
        else:
            signed, ids = self.client.sign_v2(self.who, self._secret, self.credential, [i.pdf for i in items], specs)
        self.receipts = ids
        for item, out in zip(items, signed, strict=True):
            check_incremental(item.pdf, out)
        return [self.augmenter.augment(out, level) for out in signed]

    def _specimen(self, item: SignItem) -> Specimen:
        found = prepared_field(item.pdf, item.field) or item.placement
        if found is None or item.stamp is None:
            return Specimen(visible=False, reason=REASON, location=self.location)
        x1, y1, x2, y2 = found.box
        if x2 - x1 <= 0 or y2 - y1 <= 0:  # a zero-area field is an invisible signature (a disposisi's paraf)
            return Specimen(visible=False, reason=REASON, location=self.location)
        return Specimen(visible=True, page=found.page + 1, x=x1, y=y1, width=x2 - x1, height=y2 - y1,
                        image_png=render_stamp_png(item.stamp, item.qr_url, x2 - x1, y2 - y1), reason=REASON,
                        location=self.location)

    def close(self) -> None:
        self._secret = ""


def refuse_unless_eligible(status: BsreStatus) -> None:
    if not status.can_sign:
        raise SigningError(SigningErrorCode.SIGNER_NOT_ELIGIBLE, status.message,
                           details={"backend": "bsre", "status": status.status})


def check_incremental(sent: bytes, answer: bytes) -> None:
    """BSrE's answer must keep every byte naskah sent and add a signature after them (ISO 32000-2 7.5.6);
    a rewritten file would break the signatures already in it."""
    if len(answer) <= len(sent) or answer[:len(sent)] != sent:
        raise SigningError(SigningErrorCode.BSRE_BAD_ANSWER,
                           "BSrE's Esign Client Service rewrote the document instead of adding its signature as an "
                           "incremental update; the signatures already in it would break", details={"backend": "bsre"})
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        before = len(PdfFileReader(io.BytesIO(sent), strict=False).embedded_signatures)
        after = PdfFileReader(io.BytesIO(answer), strict=False).embedded_signatures
    except Exception:
        raise SigningError(SigningErrorCode.BSRE_BAD_ANSWER, "BSrE's Esign Client Service answered an unreadable "
                           "PDF", details={"backend": "bsre"}) from None
    if len(after) != before + 1 or after[-1].signed_revision != after[-1].reader.xrefs.total_revisions - 1:
        raise SigningError(SigningErrorCode.BSRE_BAD_ANSWER, "BSrE's Esign Client Service answered a PDF without "
                           "exactly one new signature covering it", details={"backend": "bsre"})


def prepared_field(pdf: bytes, name: str) -> StampPlacement | None:
    """Page and box of the empty signature field ``name`` naskah prepared, if the PDF has it."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(pdf))
        for index, page in enumerate(reader.pages):
            for annot in page.get("/Annots") or []:
                widget = annot.get_object()
                title = widget.get("/T") or (widget.get("/Parent") or {}).get("/T")
                if title == name and "/Rect" in widget:
                    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
                    return StampPlacement(page=index, box=(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise SigningError(SigningErrorCode.INVALID_PDF, f"not a readable PDF: {e}") from None
    return None
