"""Verification of any PAdES (or adbe.pkcs7.detached) PDF with pyHanko, reported per signature.

Per signature: integrity (the /ByteRange digest matches, ISO 32000-2 clause 12.8.1), cryptographic validity,
trust (a path to one of our trust roots, key usage digitalSignature or nonRepudiation), revocation (OCSP/CRL
from the DSS, and from the network when ``allow_fetching``), the level reached (ETSI EN 319 142-1 clause 6),
coverage and the modifications made by later incremental updates (pyHanko's difference analysis).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signature_service.adapters.pades import load_certs
from signature_service.service_layer.ports import (
    ReasonCode,
    SignatureLevel,
    SignatureReport,
    VerificationError,
    VerificationErrorCode,
)

_PADES = "/ETSI.CAdES.detached"
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


class PadesVerifier:
    """SignatureVerifier port. Trust comes only from ``trust_roots``, never from the system store."""

    def __init__(
        self,
        trust_roots: Iterable[Path | str | bytes | x509.Certificate],
        *,
        allow_fetching: bool = False,
        timeout: float = 5.0,
    ) -> None:
        self.trust_roots = load_certs(trust_roots)
        self.allow_fetching = allow_fetching
        self.timeout = timeout

    def verify(self, pdf: bytes) -> list[SignatureReport]:
        return asyncio.run(self.async_verify(pdf))

    async def async_verify(self, pdf: bytes) -> list[SignatureReport]:
        try:
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            embedded = list(reader.embedded_signatures)
        except (PdfError, ValueError, KeyError, TypeError) as e:
            raise VerificationError(VerificationErrorCode.INVALID_PDF, f"not a readable PDF: {e}") from None
        dss = _read_dss(reader)
        doc_ts_revisions = await self._valid_doc_timestamp_revisions(
            [e for e in embedded if e.sig_object_type == "/DocTimeStamp"], dss
        )
        reports = []
        for emb in embedded:
            if emb.sig_object_type == "/Sig":
                reports.append(await self._verify_one(emb, dss, doc_ts_revisions))
        return reports

    def _context(self, dss: DocumentSecurityStore | None, best_time: datetime | None) -> ValidationContext:
        kwargs: dict[str, Any] = {
            "trust_roots": self.trust_roots,
            "allow_fetching": self.allow_fetching,
            # with fetching, a revocation source that cannot be reached is a failure; offline, only the
            # data carried by the document (DSS) counts and its absence is reported as "unknown"
            "revocation_mode": "hard-fail" if self.allow_fetching else "soft-fail",
            "retroactive_revinfo": True,
            "best_signature_time": best_time,
        }
        if self.allow_fetching:
            from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

            kwargs["fetcher_backend"] = RequestsFetcherBackend(per_request_timeout=int(max(1, self.timeout)))
        if dss is not None:
            return dss.as_validation_context(kwargs)
        return ValidationContext(**kwargs)

    async def _valid_doc_timestamp_revisions(
        self, timestamps: list[EmbeddedPdfSignature], dss: DocumentSecurityStore | None
    ) -> list[int]:
        revisions = []
        for ts in timestamps:
            try:
                status = await async_validate_pdf_timestamp(ts, validation_context=self._context(dss, None))
            except Exception:  # a broken timestamp simply does not lift anyone to B-LTA
                continue
            if status.intact and status.valid and status.trusted:
                revisions.append(ts.signed_revision)
        return revisions

    async def _verify_one(
        self, emb: EmbeddedPdfSignature, dss: DocumentSecurityStore | None, doc_ts_revisions: list[int]
    ) -> SignatureReport:
        subject = emb.signer_cert.subject.native
        tst_time = _claimed_timestamp_time(emb)
        reasons: list[ReasonCode] = []
        try:
            status = await async_validate_pdf_signature(
                emb,
                signer_validation_context=self._context(dss, tst_time),
                key_usage_settings=_KEY_USAGE,
            )
        except Exception as e:  # malformed CMS, unsupported SubFilter: report, do not crash the whole answer
            return SignatureReport(
                field=emb.field_name,
                signer_name=subject.get("common_name"),
                signer_nip=subject.get("serial_number"),
                signer_subject=emb.signer_cert.subject.human_friendly,
                signing_time=None,
                timestamp_time=None,
                intact=False,
                valid=False,
                trusted=False,
                revoked=False,
                level=None,
                covers_whole_document=False,
                modification_level="other",
                modifications=[f"could not be validated: {type(e).__name__}: {e}"],
                reasons=[ReasonCode.UNSUPPORTED],
            )

        ts = status.timestamp_validity
        ts_ok = ts is not None and ts.intact and ts.valid and ts.trusted
        if ts is not None and not ts_ok:
            reasons.append(ReasonCode.TIMESTAMP_INVALID)
        level = _level(emb, status.intact and status.valid, ts_ok, dss, doc_ts_revisions)

        mod_level = status.modification_level
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        modifications = _describe_modifications(emb, status.diff_result, mod_level)
        if not status.intact:
            reasons.append(ReasonCode.DIGEST_MISMATCH)
        elif not status.valid:
            reasons.append(ReasonCode.SIGNATURE_INVALID)
        if status.revoked:
            reasons.append(ReasonCode.REVOKED)
        elif status.intact and status.valid and not status.trusted:
            reasons.append(_trust_reason(status))
        if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            reasons.append(ReasonCode.NOT_WHOLE_DOCUMENT)
        if mod_level is None or mod_level > ModificationLevel.FORM_FILLING or status.docmdp_ok is False:
            reasons.append(ReasonCode.MODIFIED_AFTER_SIGNING)

        return SignatureReport(
            field=emb.field_name,
            signer_name=subject.get("common_name"),
            signer_nip=subject.get("serial_number"),
            signer_subject=emb.signer_cert.subject.human_friendly,
            signing_time=status.signer_reported_dt,
            timestamp_time=ts.timestamp if ts is not None else None,
            intact=status.intact,
            valid=status.valid,
            trusted=status.trusted,
            revoked=status.revoked,
            level=level,
            covers_whole_document=whole,
            modification_level=mod_level.name.lower() if mod_level is not None else "other",
            modifications=modifications,
            reasons=reasons,
        )


def _read_dss(reader: PdfFileReader) -> DocumentSecurityStore | None:
    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def _claimed_timestamp_time(emb: EmbeddedPdfSignature) -> datetime | None:
    """genTime of the signature timestamp token, read without validating it (pyHanko validates it next)."""
    try:
        token = find_unique_cms_attribute(emb.signer_info["unsigned_attrs"], "signature_time_stamp_token")
        tst_info = token["content"]["encap_content_info"]["content"].parsed
        return tst_info["gen_time"].native
    except Exception:
        return None


def _level(
    emb: EmbeddedPdfSignature,
    crypto_ok: bool,
    ts_ok: bool,
    dss: DocumentSecurityStore | None,
    doc_ts_revisions: list[int],
) -> SignatureLevel | None:
    """B-B needs SubFilter ETSI.CAdES.detached and the signing-certificate attribute (clause 6.3); B-T a
    valid signature timestamp; B-LT validation data for the signer in the DSS; B-LTA a valid document
    timestamp in a later revision (clause 6.2-6.5)."""
    if not crypto_ok or emb.sig_object.get("/SubFilter") != _PADES or not _has_signing_cert_attr(emb):
        return None
    if not ts_ok:
        return SignatureLevel.B_B
    if dss is None or not _dss_covers(dss, emb.signer_cert):
        return SignatureLevel.B_T
    if any(rev > emb.signed_revision for rev in doc_ts_revisions):
        return SignatureLevel.B_LTA
    return SignatureLevel.B_LT


def _has_signing_cert_attr(emb: EmbeddedPdfSignature) -> bool:
    attrs = emb.signer_info["signed_attrs"]
    types = {a["type"].native for a in attrs}
    return bool(types & {"signing_certificate_v2", "signing_certificate"})


def _dss_covers(dss: DocumentSecurityStore, cert: x509.Certificate) -> bool:
    """True if the DSS holds revocation data about ``cert``: an OCSP response for its serial or a CRL by
    its issuer."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from pyhanko.pdf_utils.decode_limits import DecodePurpose

    for ref in dss.ocsps:
        resp = asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
        try:
            basic = resp["response_bytes"]["response"].parsed["tbs_response_data"]
        except (KeyError, ValueError, TypeError):
            continue
        for single in basic["responses"]:
            if single["cert_id"]["serial_number"].native == cert.serial_number:
                return True
    for ref in dss.crls:
        crl = asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))
        if crl.issuer == cert.issuer:
            return True
    return False


def _trust_reason(status: Any) -> ReasonCode:
    indic = getattr(status.trust_problem_indic, "name", "") or ""
    if "REVOKED" in indic:
        return ReasonCode.REVOKED
    if "EXPIRED" in indic or "OUT_OF_BOUNDS" in indic:
        return ReasonCode.EXPIRED
    if "REVOCATION" in indic or "TRY_LATER" in indic:
        return ReasonCode.REVOCATION_UNKNOWN
    return ReasonCode.UNTRUSTED


def _describe_modifications(
    emb: EmbeddedPdfSignature, diff: object, level: ModificationLevel | None
) -> list[str]:
    """Human-readable account of what later incremental updates did (empty when the file is unchanged)."""
    later = emb.reader.xrefs.total_revisions - 1 - emb.signed_revision
    if later <= 0:
        return []
    out = [f"{later} incremental update(s) after this signature"]
    if isinstance(diff, DiffResult):
        out += [f"form field {name!r} filled or changed" for name in sorted(diff.changed_form_fields)]
        if diff.modification_level == ModificationLevel.LTA_UPDATES:
            out.append("validation data (DSS) or document timestamps added")
    elif diff is not None:
        out.append(f"change not permitted after signing: {diff}")
    if level is not None and level > ModificationLevel.FORM_FILLING and isinstance(diff, DiffResult):
        out.append(f"modification level {level.name.lower()}")
    return out
