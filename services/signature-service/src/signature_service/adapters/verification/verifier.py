"""Verification of any PAdES (or adbe.pkcs7.detached) PDF with pyHanko, reported per signature and per
document timestamp in the terms of ETSI EN 319 102-1.

Per signature: integrity (the /ByteRange digest matches, ISO 32000-2 clause 12.8.1), cryptographic validity,
trust (a path to one of our trust roots, key usage digitalSignature or nonRepudiation), revocation (OCSP/CRL
from the DSS, and from the network when ``allow_fetching``), the level reached (ETSI EN 319 142-1 clause 6),
coverage, and what later incremental updates changed (pyHanko's difference analysis says whether it is
permitted, ``modifications.describe`` says what it is).

Work is bounded (``VerificationLimits``): signatures examined, pages compared, fields read, and a wall-clock
budget. The whole verification runs in a worker process (``workers``) the caller waits for at most the budget;
what is not done by then is reported INDETERMINATE with the reason, and the worker is killed.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509
from pyhanko.pdf_utils.decode_limits import DecodePurpose
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
    async_validate_pdf_timestamp,
)
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signature_service.adapters.pades import load_certs
from signature_service.adapters.verification import speedups
from signature_service.adapters.verification.modifications import ModificationCode, describe, modification, page_list
from signature_service.adapters.verification.opening import Candidate, find_signatures, open_pdf
from signature_service.adapters.verification.workers import Send, WorkerPool, default_pool
from signature_service.service_layer.ports import (
    DocumentVerification,
    Indication,
    Modification,
    ReasonCode,
    SignatureLevel,
    SignatureReport,
    SubIndication,
    VerificationError,
    VerificationErrorCode,
)

log = logging.getLogger(__name__)
speedups.install()

_PADES = "/ETSI.CAdES.detached"
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass(frozen=True)
class VerificationLimits:
    """Bounds on the work one verification may do (the upload size is bounded by the web layer)."""

    max_signatures: int = 30  # signatures and document timestamps examined; the rest are INDETERMINATE
    max_pages: int = 500  # pages compared by the difference analysis; past it, changes are not analysed
    budget_seconds: float = 1.5  # wall clock for the whole verification
    max_fields: int = 20_000  # signature fields read from the form


class _Budget:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # time.monotonic(), the same clock in every process of this machine

    def exhausted(self) -> bool:
        return time.monotonic() >= self.deadline


class PadesVerifier:
    """SignatureVerifier port. Trust comes only from ``trust_roots``, never from the system store."""

    def __init__(
        self,
        trust_roots: Iterable[Path | str | bytes | x509.Certificate],
        *,
        allow_fetching: bool = False,
        timeout: float = 5.0,
        limits: VerificationLimits | None = None,
        pool: WorkerPool | None = None,
        isolated: bool = True,
    ) -> None:
        """``isolated=False`` verifies in the caller's thread, bounded only between entries: for a worker
        process itself, and for measuring CPU time."""
        self.trust_roots = load_certs(trust_roots)
        for root in self.trust_roots:
            # asn1crypto parses lazily and not thread-safely; these objects are shared by every concurrent
            # verification, so parse them whole now (see 2a33f79 for the same race on signing keys)
            _ = root.native, root.subject.hashable, root.issuer.hashable, root.sha256, root.public_key.native
        self.allow_fetching = allow_fetching
        self.timeout = timeout
        self.limits = limits or VerificationLimits()
        self.pool = pool or (default_pool() if isolated else None)  # started now: warm by the first request

    # --- the port --------------------------------------------------------------------------------------
    def verify(self, pdf: bytes) -> list[SignatureReport]:
        """The signatures only (document timestamps are in ``verify_document``)."""
        return self.verify_document(pdf).signatures

    def verify_document(self, pdf: bytes, *, password: str | None = None) -> DocumentVerification:
        budget = _Budget(time.monotonic() + self.limits.budget_seconds)
        work = _Work(self, pdf, password, budget)
        if self.pool is not None:
            self.pool.run(_verify_job, (self.spec(), pdf, password, budget.deadline), budget.deadline, work.apply)
        else:
            work.run()
        if work.error is not None:
            raise work.error
        return work.result()

    def spec(self) -> _Spec:
        """What a worker process needs to build the same verifier."""
        return _Spec(tuple(c.dump() for c in self.trust_roots), self.allow_fetching, self.timeout, self.limits)

    def etsi_report(self, pdf: bytes, *, password: str | None = None) -> str:
        from signature_service.adapters.verification.etsi import etsi_report

        return etsi_report(self, pdf, password)

    # --- one entry -------------------------------------------------------------------------------------
    def context(self, dss: _DssData | None, best_time: datetime | None) -> ValidationContext:
        kwargs: dict[str, Any] = {
            "trust_roots": self.trust_roots,
            "allow_fetching": self.allow_fetching,
            # with fetching, a revocation source that cannot be reached is a failure; offline, only the
            # data carried by the document (DSS) counts and its absence is reported as "unknown"
            "revocation_mode": "hard-fail" if self.allow_fetching else "soft-fail",
            "retroactive_revinfo": True,
            "best_signature_time": best_time,
        }
        if best_time is not None:
            # PAdES B-T and up: the signature timestamp proves the signature existed then, so the chain is
            # judged at that time with the revocation data gathered then (ETSI EN 319 102-1 clause 5.6.2,
            # validation at the best signature time). Judged "now", a B-LT document stopped being trusted
            # once its OCSP response's nextUpdate had passed. A timestamp that does not verify is reported
            # (TIMESTAMP_INVALID) and keeps the signature from TOTAL_PASSED.
            kwargs["moment"] = best_time
        if self.allow_fetching:
            from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

            kwargs["fetcher_backend"] = RequestsFetcherBackend(per_request_timeout=int(max(1, self.timeout)))
        if dss is not None:
            kwargs.update(other_certs=dss.certs, ocsps=dss.ocsps, crls=dss.crls)
        return ValidationContext(**kwargs)


@dataclass(frozen=True)
class _DssData:
    """The DSS parsed once per document (pyHanko's ``as_validation_context`` parses it per signature)."""

    dss: DocumentSecurityStore
    certs: list[x509.Certificate]
    ocsps: list[asn1_ocsp.OCSPResponse]
    crls: list[asn1_crl.CertificateList]


def _read_dss(reader: PdfFileReader) -> _DssData | None:
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        ocsps = [asn1_ocsp.OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE))
                 for ref in dss.ocsps]
        crls = [asn1_crl.CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL)) for ref in dss.crls]
        return _DssData(dss, list(dss.load_certs()), ocsps, crls)
    except Exception:  # none, or unreadable: the signatures are judged without it
        return None


@dataclass(frozen=True)
class _Spec:
    roots: tuple[bytes, ...]
    allow_fetching: bool
    timeout: float
    limits: VerificationLimits


_local: dict[_Spec, PadesVerifier] = {}


def local_verifier(spec: _Spec) -> PadesVerifier:
    """In a worker process: the verifier ``spec`` describes, built once."""
    verifier = _local.get(spec)
    if verifier is None:
        _local.clear()  # one configuration per service: no growth
        verifier = _local[spec] = PadesVerifier(list(spec.roots), allow_fetching=spec.allow_fetching,
                                                timeout=spec.timeout, limits=spec.limits, isolated=False)
    return verifier


def _verify_job(send: Send, spec: _Spec, pdf: bytes, password: str | None, deadline: float) -> None:
    """In a worker process: verify, sending each finding to the caller as it is made."""
    _Work(local_verifier(spec), pdf, password, _Budget(deadline), emit=send).run()


class _Work:
    """One verification's findings. In a worker process it finds them and ``emit``s each; in the caller the
    same messages are ``apply``d as they arrive, so ``result`` says what was done when the budget ran out."""

    def __init__(self, verifier: PadesVerifier, pdf: bytes, password: str | None, budget: _Budget,
                 emit: Send | None = None) -> None:
        self.v, self.pdf, self.password, self.budget, self.emit = verifier, pdf, password, budget, emit
        self.error: VerificationError | None = None
        self.encrypted = False
        self.candidates: list[Candidate] = []
        self.done: dict[int, SignatureReport] = {}
        self.notes: list[str] = []
        self.opened = False
        self.pages: int | None = None  # counted once, when a signature is followed by changes

    def apply(self, kind: str, value: Any) -> None:
        if kind == "opened":
            self.encrypted, self.candidates, self.notes = value
            self.opened = True
        elif kind == "done":
            self.done[value[0]] = value[1]
        elif kind == "error":
            self.error = VerificationError(*value)
        elif kind == "stopped":
            self.notes.append(f"verification stopped: {value}")
            self.opened = True

    def _found(self, kind: str, value: Any) -> None:
        self.apply(kind, value)
        if self.emit is not None:
            self.emit((kind, value))

    def run(self) -> None:
        try:
            asyncio.run(self._run())
        except VerificationError as e:
            self._found("error", (e.code.value, e.message))
        except Exception as e:  # never a 500, and one log line, not a traceback
            log.warning("verification stopped", extra={"error": f"{type(e).__name__}: {e}"[:300]})
            self._found("stopped", type(e).__name__)

    async def _run(self) -> None:
        try:
            reader, encrypted = open_pdf(self.pdf, self.password)
            candidates, notes = find_signatures(reader, max_fields=self.v.limits.max_fields)
        except RecursionError:
            raise VerificationError(VerificationErrorCode.INVALID_PDF,
                                    "not a readable PDF: objects nested too deeply") from None
        dss = _read_dss(reader)
        self._found("opened", (encrypted, [replace(c, embedded=None) for c in candidates], list(notes)))
        for i, c in enumerate(candidates[:self.v.limits.max_signatures]):
            if self.budget.exhausted():
                return
            if c.embedded is None:
                report = _broken(c)
            elif c.kind == "/DocTimeStamp":
                report = await self._timestamp(c.embedded, dss)
            else:
                report = await self._signature(c.embedded, dss, reader)
            self._found("done", (i, report))

    # --- signatures ------------------------------------------------------------------------------------
    async def _signature(self, emb: EmbeddedPdfSignature, dss: _DssData | None,
                         reader: PdfFileReader) -> SignatureReport:
        try:
            signer = emb.signer_cert
        except Exception as e:
            return _failed(emb.field_name, SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
                           f"the signature carries no certificate of its signer: {_short(e)}")
        subject = signer.subject.native
        base = {"signer_name": subject.get("common_name"), "signer_nip": subject.get("serial_number"),
                "signer_subject": signer.subject.human_friendly}
        later = reader.xrefs.total_revisions - 1 - emb.signed_revision
        if later > 0 and self.pages is None:
            self.pages = _page_count(reader, self.v.limits.max_pages)
        skip_diff = later > 0 and (self.pages or 0) > self.v.limits.max_pages
        try:
            status = await async_validate_pdf_signature(
                emb, signer_validation_context=self.v.context(dss, claimed_timestamp_time(emb)),
                key_usage_settings=_KEY_USAGE, skip_diff=skip_diff)
        except SignatureValidationError as e:
            sub = SubIndication(e.ades_subindication.standard_name) if e.ades_subindication else \
                SubIndication.FORMAT_FAILURE
            return _failed(emb.field_name, sub, _short(e), **base)
        except Exception as e:  # malformed CMS, unsupported algorithm: this entry only
            return _failed(emb.field_name, SubIndication.FORMAT_FAILURE, f"could not be validated: {_short(e)}",
                           **base)

        reasons: list[ReasonCode] = []
        ts = status.timestamp_validity
        ts_ok = ts is not None and ts.intact and ts.valid and ts.trusted
        if ts is not None and not ts_ok:
            reasons.append(ReasonCode.TIMESTAMP_INVALID)
        mod_level = status.modification_level
        changes = self._changes(reader, emb, skip_diff)
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
        if skip_diff or mod_level is None or mod_level > ModificationLevel.FORM_FILLING \
                or status.docmdp_ok is False or any(not m.allowed for m in changes):
            reasons.append(ReasonCode.MODIFIED_AFTER_SIGNING)
        if mod_level is not None and mod_level > ModificationLevel.FORM_FILLING and all(m.allowed for m in changes):
            # pyHanko saw a change our page comparison could not name: say so rather than nothing
            changes.append(modification(ModificationCode.OBJECT_REPLACED, what=str(status.diff_result)[:200]))
        indication, sub, detail = _indication(status, reasons, changes, skip_diff)
        return SignatureReport(
            field=emb.field_name, **base,
            signing_time=status.signer_reported_dt,
            timestamp_time=ts.timestamp if ts is not None else None,
            intact=status.intact, valid=status.valid, trusted=status.trusted, revoked=status.revoked,
            level=_base_level(emb, status.intact and status.valid, ts_ok, dss),
            covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            modification_level=mod_level.name.lower() if mod_level is not None else "other",
            modifications=_legacy_modifications(emb, status.diff_result, mod_level),
            reasons=list(dict.fromkeys(reasons)),
            kind="signature", indication=indication, sub_indication=sub, detail=detail, changes=changes,
        )

    def _changes(self, reader: PdfFileReader, emb: EmbeddedPdfSignature, skip_diff: bool) -> list[Modification]:
        try:
            changes = describe(reader, emb.signed_revision, max_pages=self.v.limits.max_pages)
        except Exception as e:
            return [modification(ModificationCode.NOT_ANALYSED, what=f"the later revisions ({_short(e)})")]
        if skip_diff:
            changes.append(modification(ModificationCode.NOT_ANALYSED,
                                        what=f"more than {self.v.limits.max_pages} pages"))
        return changes

    async def _timestamp(self, emb: EmbeddedPdfSignature, dss: _DssData | None) -> SignatureReport:
        try:
            tsa = emb.signer_cert
        except Exception as e:
            return _failed(emb.field_name, SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
                           f"the timestamp carries no certificate of its authority: {_short(e)}",
                           kind="document_timestamp")
        subject = tsa.subject.native
        base = {"signer_name": subject.get("common_name"), "signer_nip": None,
                "signer_subject": tsa.subject.human_friendly, "kind": "document_timestamp"}
        try:
            status = await async_validate_pdf_timestamp(emb, validation_context=self.v.context(dss, None))
        except SignatureValidationError as e:
            sub = SubIndication(e.ades_subindication.standard_name) if e.ades_subindication else \
                SubIndication.FORMAT_FAILURE
            return _failed(emb.field_name, sub, _short(e), **base)
        except Exception as e:
            return _failed(emb.field_name, SubIndication.FORMAT_FAILURE, f"could not be validated: {_short(e)}",
                           **base)
        reasons: list[ReasonCode] = []
        if not status.intact:
            reasons.append(ReasonCode.DIGEST_MISMATCH)
        elif not status.valid:
            reasons.append(ReasonCode.SIGNATURE_INVALID)
        elif not status.trusted:
            reasons.append(_trust_reason(status))
        if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            reasons.append(ReasonCode.NOT_WHOLE_DOCUMENT)
        indication, sub, detail = _indication(status, reasons, [], False)
        return SignatureReport(
            field=emb.field_name, **base, signing_time=None, timestamp_time=status.timestamp, intact=status.intact,
            valid=status.valid,
            trusted=status.trusted, revoked=False, level=None,
            covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            modification_level="none", modifications=[], reasons=reasons,
            indication=indication, sub_indication=sub, detail=detail)

    # --- the answer ------------------------------------------------------------------------------------
    def result(self) -> DocumentVerification:
        """What is done so far; anything else INDETERMINATE with the limit that stopped it."""
        if not self.opened:
            return replace(_document(self.pdf, [], [], self.encrypted,
                                     [*self.notes, "the PDF could not be read within the time budget"]),
                           complete=False, conclusion="The PDF could not be verified within the time budget.",
                           conclusion_id="PDF ini tidak dapat diperiksa dalam batas waktu pemeriksaan.")
        limit = self.v.limits.max_signatures
        reports: list[SignatureReport] = []
        cut = False
        for i, c in enumerate(self.candidates):
            if i in self.done:
                reports.append(self.done[i])
            elif i >= limit:
                reports.append(_skipped(c.field, f"not examined: more than {limit} signatures in the document",
                                        kind=_kind(c)))
            else:
                cut = True
                reports.append(_skipped(c.field, "not examined: the time budget of "
                                        f"{self.v.limits.budget_seconds:g} s for a verification ran out",
                                        kind=_kind(c)))
        signatures = [r for r in reports if r.kind == "signature"]
        timestamps = [r for r in reports if r.kind == "document_timestamp"]
        signatures = _with_lta(signatures, self.candidates, timestamps)
        return replace(_document(self.pdf, signatures, timestamps, self.encrypted, self.notes), complete=not cut)


def _kind(c: Candidate) -> str:
    return "document_timestamp" if c.kind == "/DocTimeStamp" else "signature"


def _with_lta(signatures: list[SignatureReport], candidates: list[Candidate],
              timestamps: list[SignatureReport]) -> list[SignatureReport]:
    """B-LT becomes B-LTA with a valid document timestamp in a later revision (EN 319 142-1 clause 6.5)."""
    revision = {c.field: c.revision for c in candidates}
    good_ts = [revision.get(t.field, -1) for t in timestamps if t.indication is Indication.TOTAL_PASSED]
    out = []
    for s in signatures:
        if s.level is SignatureLevel.B_LT and any(rev > revision.get(s.field, 10**9) for rev in good_ts):
            s = replace(s, level=SignatureLevel.B_LTA)
        out.append(s)
    return out


_CONCLUSIONS = {
    Indication.TOTAL_PASSED: ("Every signature is valid and the document is unchanged since it was signed.",
                              "Semua tanda tangan sah dan dokumen tidak berubah sejak ditandatangani."),
    Indication.TOTAL_FAILED: ("At least one signature is not valid: do not rely on this document.",
                              "Setidaknya satu tanda tangan tidak sah: jangan mengandalkan dokumen ini."),
    Indication.INDETERMINATE: ("The signatures could not all be confirmed: read each entry.",
                               "Tidak semua tanda tangan dapat dipastikan: periksa setiap entri."),
}


def _document(pdf: bytes, signatures: list[SignatureReport], timestamps: list[SignatureReport], encrypted: bool,
              notes: list[str]) -> DocumentVerification:
    entries = signatures + timestamps
    if not signatures:
        indication = Indication.INDETERMINATE
        english, indonesian = "The document carries no signature.", "Dokumen ini tidak memuat tanda tangan."
    else:
        if all(e.indication is Indication.TOTAL_PASSED for e in entries):
            indication = Indication.TOTAL_PASSED
        elif any(e.indication is Indication.TOTAL_FAILED for e in entries):
            indication = Indication.TOTAL_FAILED
        else:
            indication = Indication.INDETERMINATE
        english, indonesian = _CONCLUSIONS[indication]
    return DocumentVerification(hashlib.sha256(pdf).hexdigest(), signatures, timestamps, indication, english,
                                indonesian, encrypted, list(notes))


def _indication(status: Any, reasons: list[ReasonCode], changes: list[Modification],
                skip_diff: bool) -> tuple[Indication, SubIndication | None, str | None]:
    """EN 319 102-1 clause 5.1.3 from pyHanko's status; the PDF-specific findings (coverage, later changes)
    as the signature acceptance constraints of clause 5.2.8."""
    if not status.intact:
        return Indication.TOTAL_FAILED, SubIndication.HASH_FAILURE, "the signed bytes were changed"
    if not status.valid:
        return Indication.TOTAL_FAILED, SubIndication.SIG_CRYPTO_FAILURE, "the signature value does not verify"
    if ReasonCode.NOT_WHOLE_DOCUMENT in reasons and (status.coverage is None
                                                     or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION):
        return (Indication.TOTAL_FAILED, SubIndication.FORMAT_FAILURE,
                "the /ByteRange does not cover the revision it signs (signature wrapping)")
    indic = getattr(status, "trust_problem_indic", None)
    if getattr(status, "revoked", False) or not status.trusted:
        sub = SubIndication(indic.standard_name) if indic is not None else SubIndication.NO_CERTIFICATE_CHAIN_FOUND
        return sub.indication, sub, f"the signer's certificate: {sub.value.lower().replace('_', ' ')}"
    if skip_diff:
        return Indication.INDETERMINATE, SubIndication.GENERIC, "too many pages to compare the later revisions"
    if ReasonCode.MODIFIED_AFTER_SIGNING in reasons:
        named = "; ".join(m.description for m in changes if not m.allowed) or "changes not permitted after signing"
        return Indication.INDETERMINATE, SubIndication.SIG_CONSTRAINTS_FAILURE, f"modified after signing: {named}"
    if ReasonCode.TIMESTAMP_INVALID in reasons:
        return Indication.INDETERMINATE, SubIndication.SIG_CONSTRAINTS_FAILURE, "the signature timestamp is invalid"
    if reasons:
        return Indication.INDETERMINATE, SubIndication.GENERIC, ", ".join(str(r) for r in reasons)
    return Indication.TOTAL_PASSED, None, None


def _failed(field: str, sub: SubIndication, detail: str, *, signer_subject: str = "", signer_name: str | None = None,
            signer_nip: str | None = None, kind: str = "signature") -> SignatureReport:
    reason = ReasonCode.DIGEST_MISMATCH if sub is SubIndication.HASH_FAILURE else ReasonCode.UNSUPPORTED
    return SignatureReport(
        field=field, signer_name=signer_name, signer_nip=signer_nip, signer_subject=signer_subject,
        signing_time=None, timestamp_time=None, intact=False, valid=False, trusted=False, revoked=False, level=None,
        covers_whole_document=False, modification_level="other", modifications=[f"could not be validated: {detail}"],
        reasons=[reason], kind=kind, indication=sub.indication, sub_indication=sub, detail=detail)


def _broken(c: Candidate) -> SignatureReport:
    return _failed(c.field, SubIndication.FORMAT_FAILURE, c.error or "unreadable", kind=_kind(c))


def _skipped(field: str, detail: str, *, kind: str = "signature") -> SignatureReport:
    return SignatureReport(
        field=field, signer_name=None, signer_nip=None, signer_subject="", signing_time=None, timestamp_time=None,
        intact=False, valid=False, trusted=False, revoked=False, level=None, covers_whole_document=False,
        modification_level="other", modifications=[detail], reasons=[ReasonCode.UNSUPPORTED], kind=kind,
        indication=Indication.INDETERMINATE, sub_indication=SubIndication.GENERIC, detail=detail)


def _page_count(reader: PdfFileReader, limit: int) -> int:
    """The pages really in the page tree, counted up to ``limit + 1`` (/Count is a claim: 2^31 in a one-page
    file must not switch the comparison off)."""
    try:
        pages, more = page_list(reader.root, limit)
        return len(pages) + (1 if more else 0)
    except Exception:
        return limit + 1


def claimed_timestamp_time(emb: EmbeddedPdfSignature) -> datetime | None:
    """genTime of the signature timestamp token, read without validating it (pyHanko validates it next)."""
    try:
        token = find_unique_cms_attribute(emb.signer_info["unsigned_attrs"], "signature_time_stamp_token")
        tst_info = token["content"]["encap_content_info"]["content"].parsed
        return tst_info["gen_time"].native
    except Exception:
        return None


def _base_level(emb: EmbeddedPdfSignature, crypto_ok: bool, ts_ok: bool,
                dss: _DssData | None) -> SignatureLevel | None:
    """B-B needs SubFilter ETSI.CAdES.detached and the signing-certificate attribute (clause 6.3); B-T a
    valid signature timestamp; B-LT validation data for the signer in the DSS (clause 6.2-6.4); B-LTA is
    decided once the document timestamps are known."""
    if not crypto_ok or emb.sig_object.get("/SubFilter") != _PADES or not _has_signing_cert_attr(emb):
        return None
    if not ts_ok:
        return SignatureLevel.B_B
    if dss is None or not _dss_covers(dss, emb.signer_cert):
        return SignatureLevel.B_T
    return SignatureLevel.B_LT


def _has_signing_cert_attr(emb: EmbeddedPdfSignature) -> bool:
    attrs = emb.signer_info["signed_attrs"]
    types = {a["type"].native for a in attrs}
    return bool(types & {"signing_certificate_v2", "signing_certificate"})


def _dss_covers(dss: _DssData, cert: x509.Certificate) -> bool:
    """True if the DSS holds revocation data about ``cert``: an OCSP response for its serial or a CRL by
    its issuer."""
    for resp in dss.ocsps:
        try:
            basic = resp["response_bytes"]["response"].parsed["tbs_response_data"]
            if any(single["cert_id"]["serial_number"].native == cert.serial_number for single in basic["responses"]):
                return True
        except Exception:
            continue
    return any(crl.issuer == cert.issuer for crl in dss.crls)


def _trust_reason(status: Any) -> ReasonCode:
    indic = getattr(status.trust_problem_indic, "name", "") or ""
    if "REVOKED" in indic:
        return ReasonCode.REVOKED
    if "EXPIRED" in indic or "OUT_OF_BOUNDS" in indic:
        return ReasonCode.EXPIRED
    if "REVOCATION" in indic or "TRY_LATER" in indic:
        return ReasonCode.REVOCATION_UNKNOWN
    return ReasonCode.UNTRUSTED


def _short(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    return text if len(text) <= 300 else text[:300] + "…"


def _legacy_modifications(emb: EmbeddedPdfSignature, diff: object, level: ModificationLevel | None) -> list[str]:
    """The ``modifications`` strings as answered before ``changes`` existed (kept for callers that match them)."""
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
