"""PAdES signing with pyHanko (ETSI EN 319 142-1 baseline levels B-B, B-T, B-LT, B-LTA).

Each signature is an incremental update (ISO 32000-2 clause 7.5.6) with SubFilter ETSI.CAdES.detached and
SHA-256. The pyHanko ``Signer`` is built once (key parsed once, PKCS#11 session opened once) and reused;
``bytes_reserved`` is fixed per level so pyHanko skips its dry-run signing pass used to size /Contents.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from signature_service.adapters.anchors import find_anchor
from signature_service.adapters.keys import _pkcs11_signer, open_pkcs11_session, open_pkcs12
from signature_service.adapters.stamp import StampStyles
from signature_service.service_layer.ports import (
    SignatureLevel,
    SigningError,
    SigningErrorCode,
    StampPlacement,
    StampText,
)

__all__ = ["PadesSigner", "find_anchor", "load_certs", "prepare_fields"]

# /Contents is reserved up front so pyHanko can skip its dry-run signature (ISO 32000-2 clause 12.8.1: the
# hex string is excluded from the ByteRange). pyHanko counts ``bytes_reserved`` in hex digits. We size it from
# what will really be inside: the embedded certificates, the signature value, the signed attributes and, from
# B-T on, a timestamp token as the TSA issues it (one real request per signer, cached by pyHanko's TimeStamper).
# B-LT validation data goes into the DSS, not the CMS. Oversizing is not free: verifiers parse the hex string.
_ATTRS_AND_FRAMING = 1536  # signed attributes (~500 bytes) + CMS structure + slack for longer subject names
_TST_SLACK = 512  # serial numbers, nonces and genTime precision vary between tokens


def load_certs(sources: Iterable[Path | str | bytes | x509.Certificate]) -> list[x509.Certificate]:
    """Certificates from PEM/DER files or bytes (a PEM file may hold several)."""
    out: list[x509.Certificate] = []
    for src in sources:
        if isinstance(src, x509.Certificate):
            out.append(src)
            continue
        data = Path(src).read_bytes() if isinstance(src, Path | str) else src
        if pem.detect(data):
            out.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
        else:
            out.append(x509.Certificate.load(data))
    return out


class _ReservationTooSmall(Exception):
    pass


class PadesSigner:
    """DocumentSigner port over a pyHanko Signer that lives as long as this object."""

    def __init__(
        self,
        signer: Signer,
        *,
        trust_roots: Iterable[Path | str | bytes | x509.Certificate] = (),
        other_certs: Iterable[Path | str | bytes | x509.Certificate] = (),
        tsa_url: str | None = None,
        timeout: float = 5.0,
        stamp_styles: StampStyles | None = None,
        location: str | None = None,
        existing_fields_only: bool = False,
        on_close: Any = None,
        lock: threading.Lock | None = None,
    ) -> None:
        self.signer = signer
        self.trust_roots = load_certs(trust_roots)
        self.other_certs = load_certs(other_certs)
        self.tsa_url = tsa_url
        self.timeout = timeout
        self.timestamper = RequestsHTTPTimeStamper(tsa_url, timeout=timeout) if tsa_url else None
        self.stamp_styles = stamp_styles or StampStyles()
        self.location = location
        self.existing_fields_only = existing_fields_only
        self._on_close = on_close
        self._reserved: dict[SignatureLevel, int] = {}
        # a PKCS#11 session is not safe for concurrent operations: signers sharing one share this lock
        self._lock = lock if lock is not None else contextlib.nullcontext()

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def from_pkcs12(
        cls, path: Path | str, passphrase: str | bytes, *, trust_roots: Iterable[Any] = (), **kwargs: Any
    ) -> PadesSigner:
        """Load the PKCS#12 key and chain once; a wrong passphrase is SigningError(bad_passphrase)."""
        signer = open_pkcs12(path, passphrase, load_certs(kwargs.get("other_certs", ())))
        return cls(signer, trust_roots=trust_roots, **kwargs)

    @classmethod
    def from_pkcs11(
        cls,
        module: Path | str,
        token_label: str,
        pin: str,
        key_label: str,
        *,
        cert_label: str | None = None,
        trust_roots: Iterable[Any] = (),
        other_certs: Iterable[Any] = (),
        **kwargs: Any,
    ) -> PadesSigner:
        """Open one logged-in session on the token for the life of the signer (closed by ``close()``)."""
        session = open_pkcs11_session(module, token_label, pin)
        chain = load_certs(other_certs)
        try:
            signer = _pkcs11_signer(session, key_label, cert_label or key_label, chain)
        except SigningError:
            session.close()
            raise
        return cls(
            signer, trust_roots=trust_roots, other_certs=chain, on_close=session.close, lock=threading.Lock(), **kwargs
        )

    def for_other_key(self, key_label: str, *, cert_label: str | None = None) -> PadesSigner:
        """A signer for another key on the same PKCS#11 token, sharing this signer's logged-in session
        (PKCS#11 login state is per token and process, so a second login would fail). Close the owner only.
        """
        session = getattr(self.signer, "pkcs11_session", None)
        if session is None:
            raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "not a PKCS#11 signer")
        signer = _pkcs11_signer(session, key_label, cert_label or key_label, self.other_certs)
        return PadesSigner(
            signer,
            trust_roots=self.trust_roots,
            other_certs=self.other_certs,
            tsa_url=self.tsa_url,
            timeout=self.timeout,
            stamp_styles=self.stamp_styles,
            location=self.location,
            existing_fields_only=self.existing_fields_only,
            lock=self._lock,  # type: ignore[arg-type]
        )

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def __enter__(self) -> PadesSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- signing ------------------------------------------------------------------------------------

    def validation_context(self) -> ValidationContext:
        """Fresh per signature: revocation data must be current, and fetchers bind to one event loop."""
        return ValidationContext(
            trust_roots=self.trust_roots,
            other_certs=self.other_certs,
            allow_fetching=True,
            revocation_mode="hard-fail",
            fetcher_backend=_requests_fetchers(self.timeout),
        )

    def sign(
        self,
        pdf: bytes,
        *,
        field: str,
        level: SignatureLevel,
        stamp: StampText | None = None,
        placement: StampPlacement | None = None,
        qr_url: str | None = None,
    ) -> bytes:
        """Sign ``field`` as an incremental update at ``level``; returns the whole new file.

        An existing (prepared) field keeps its own rectangle and ``placement`` is ignored; a missing field is
        created at ``placement`` (visible) or invisible. ``stamp`` draws the office's block, beside a QR code
        of ``qr_url`` when given. Raises SigningError with a machine-readable code.
        """
        writer = _open(pdf)
        existing = _sig_field(writer, field)
        if existing is not None and existing[1] is not None:
            raise SigningError(SigningErrorCode.FIELD_ALREADY_SIGNED, f"field {field!r} is already signed")
        if existing is None and self.existing_fields_only:
            raise SigningError(SigningErrorCode.FIELD_MISSING, f"no signature field {field!r} in the document")
        if level is not SignatureLevel.B_B and self.timestamper is None:
            raise SigningError(SigningErrorCode.TIMESTAMP_FAILED, f"{level.value} needs a TSA URL")

        style = None
        text_params: dict[str, str] | None = None
        if stamp is not None and not (existing is not None and _invisible(writer, field)):
            style = self.stamp_styles.qr if qr_url else self.stamp_styles.text_only
            text_params = self.stamp_styles.text_params(stamp, qr_url)
        new_field = None
        if existing is None and placement is not None:
            new_field = fields.SigFieldSpec(field, on_page=placement.page, box=_int_box(placement.box))

        def pdf_signer() -> signers.PdfSigner:  # one per attempt: the validation context is released after use
            lt = level.rank >= SignatureLevel.B_LT.rank
            meta = signers.PdfSignatureMetadata(
                field_name=field,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                location=self.location,
                embed_validation_info=lt,
                use_pades_lta=level is SignatureLevel.B_LTA,
                validation_context=self.validation_context() if lt else None,
            )
            return signers.PdfSigner(
                meta,
                self.signer,
                timestamper=None if level is SignatureLevel.B_B else self.timestamper,
                stamp_style=style,
                new_field_spec=new_field,
            )

        with self._lock:
            reserved = self._bytes_reserved(level)
            try:
                return self._run(pdf_signer(), writer, reserved, text_params)
            except _ReservationTooSmall:
                pass
            # our estimate was short (an unusual chain or TSA): let pyHanko measure with a dry run, and remember
            self._reserved[level] = reserved * 2
            return self._run(pdf_signer(), _open(pdf), None, text_params)

    def _run(
        self, pdf_signer: signers.PdfSigner, writer: IncrementalPdfFileWriter, reserved: int | None, params: Any
    ) -> bytes:
        out = io.BytesIO()
        try:
            pdf_signer.sign_pdf(
                writer, bytes_reserved=reserved, appearance_text_params=dict(params or {}) or None, output=out
            )
        except PyHankoSigningError as e:
            if "larger than expected" in str(e) and reserved is not None:
                raise _ReservationTooSmall from e
            raise _translate(e) from e
        except Exception as e:
            raise _translate(e) from e
        return out.getvalue()

    def _bytes_reserved(self, level: SignatureLevel) -> int:
        """Hex digits to reserve for /Contents at ``level``, computed once per level for this signer."""
        if level in self._reserved:
            return self._reserved[level]
        signer = self.signer
        certs = {c.dump() for c in signer.cert_registry or ()} | {signer.signing_cert.dump()}
        key = signer.signing_cert.public_key
        size = sum(map(len, certs)) + 2 * ((key.bit_size + 7) // 8) + 16 + _ATTRS_AND_FRAMING
        if level is not SignatureLevel.B_B and self.timestamper is not None:
            try:
                token = asyncio.run(self.timestamper.async_dummy_response("sha256"))
            except Exception as e:
                raise _translate(e) from e
            size += len(token.dump()) + _TST_SLACK
        self._reserved[level] = reserved = -(-2 * size // 1024) * 1024
        return reserved


def prepare_fields(pdf: bytes, fields_to_add: Sequence[tuple[str, StampPlacement]]) -> bytes:
    """Add empty signature fields up front (one incremental update, no DocMDP certification).

    With every field present before the first signature, the later signatures only fill existing fields,
    which ISO 32000-2 clause 12.8.2.2 / pyHanko's difference analysis accept as form filling, so the
    Kabid's signature stays valid when the Kadis signs.
    """
    writer = _open(pdf)
    for name, placement in fields_to_add:
        if _sig_field(writer, name) is not None:
            continue
        spec = fields.SigFieldSpec(name, on_page=placement.page, box=_int_box(placement.box))
        fields.append_signature_field(writer, spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- helpers --------------------------------------------------------------------------------------------


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise SigningError(SigningErrorCode.INVALID_PDF, f"not a readable PDF: {e}") from None


def _sig_field(writer: IncrementalPdfFileWriter, name: str) -> tuple[str, object] | None:
    """(name, signature value or None) of the field called ``name``, if the document has it."""
    try:
        for fq_name, value, _ref in fields.enumerate_sig_fields(writer, with_name=name):
            return fq_name, value
    except (PdfError, KeyError, TypeError) as e:
        raise SigningError(SigningErrorCode.INVALID_PDF, f"broken AcroForm: {e}") from None
    return None


def _invisible(writer: IncrementalPdfFileWriter, name: str) -> bool:
    """The prepared field's widget has a zero-area rectangle: an invisible signature (ISO 32000-2 clause
    12.7.5.5), so no stamp is drawn into it (a paraf the office chose not to show)."""
    try:
        for _name, _value, ref in fields.enumerate_sig_fields(writer, with_name=name):
            field = ref.get_object()
            widget = field if "/Rect" in field else field["/Kids"][0].get_object()
            x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
            return abs(x2 - x1) < 1 or abs(y2 - y1) < 1
    except (PdfError, KeyError, TypeError, IndexError, ValueError):
        return False
    return False


def _int_box(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    return round(x1), round(y1), round(x2), round(y2)


def _requests_fetchers(timeout: float) -> Any:
    from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

    return RequestsFetcherBackend(per_request_timeout=int(max(1, timeout)))


def _translate(e: BaseException) -> SigningError:
    """Map pyHanko/certvalidator failures to reason codes, looking through the exception chain."""
    seen: list[BaseException] = []
    cur: BaseException | None = e
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    for exc in seen:
        if isinstance(exc, SigningError):
            return exc
        if isinstance(exc, TimestampRequestError):
            return SigningError(SigningErrorCode.TIMESTAMP_FAILED, f"timestamp authority failed: {exc}")
        if isinstance(exc, RevokedError):
            return SigningError(SigningErrorCode.CERTIFICATE_REVOKED, f"signer certificate revoked: {exc}")
        if isinstance(exc, InsufficientRevinfoError):
            return SigningError(SigningErrorCode.REVOCATION_FAILED, f"no revocation information: {exc}")
        if isinstance(exc, PathBuildingError):
            return SigningError(SigningErrorCode.UNTRUSTED_CERTIFICATE, f"no path to a trust root: {exc}")
        if isinstance(exc, PathValidationError):
            return SigningError(SigningErrorCode.REVOCATION_FAILED, f"certificate validation failed: {exc}")
    if any(type(x).__module__.startswith("pkcs11") for x in seen):
        return SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"token error: {e!r}")
    return SigningError(SigningErrorCode.SIGNING_FAILED, f"{type(e).__name__}: {e}")
