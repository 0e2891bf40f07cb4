"""Signing and verification ports (no pyHanko types here: adapters translate).

Levels follow ETSI EN 319 142-1 (PAdES baseline), clause 6: B-B (CMS signature, signing certificate
attribute), B-T (plus a signature timestamp), B-LT (plus validation data in the document security store, DSS,
ISO 32000-2 clause 12.8.4.3), B-LTA (plus a document timestamp covering the DSS).
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


class SignatureLevel(enum.Enum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def rank(self) -> int:
        return list(SignatureLevel).index(self)


# The default heading; an office words it in `tata_naskah.teks_stempel` of its file (NASKAH_OFFICE_FILE).
STAMP_HEADING = "Telah ditandatangani secara elektronik oleh:"


@dataclass(frozen=True)
class StampText:
    """The office's signature block as printed beside the QR code."""

    jabatan: str
    nama: str
    pangkat: str
    heading: str = STAMP_HEADING

    def lines(self) -> list[str]:
        return [self.heading, self.jabatan, self.nama, self.pangkat]


@dataclass(frozen=True)
class StampPlacement:
    """Where a visible signature goes: 0-based page index, box (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]


class SigningErrorCode(enum.StrEnum):
    BAD_PASSPHRASE = "bad_passphrase"
    TIMESTAMP_FAILED = "timestamp_failed"
    REVOCATION_FAILED = "revocation_failed"
    CERTIFICATE_REVOKED = "certificate_revoked"
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"
    KEY_UNAVAILABLE = "key_unavailable"
    FIELD_MISSING = "field_missing"
    FIELD_ALREADY_SIGNED = "field_already_signed"
    INVALID_PDF = "invalid_pdf"
    SIGNING_FAILED = "signing_failed"
    ANCHOR_AMBIGUOUS = "anchor_ambiguous"  # the stamp's anchor text appears more than once
    SIGNER_NOT_ELIGIBLE = "signer_not_eligible"  # the key backend says this signer may not sign now (BSrE status)
    BSRE_UNAVAILABLE = "bsre_unavailable"  # BSrE busy (429/503) or silent after the retries: try again later
    BSRE_BAD_ANSWER = "bsre_bad_answer"  # BSrE answered something naskah cannot use


class SigningError(Exception):
    """A signature could not be made; ``code`` is machine-readable (a SigningErrorCode value)."""

    def __init__(self, code: SigningErrorCode | str, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = SigningErrorCode(code)
        self.message = message
        self.details = dict(details or {})  # for the API error: the backend's own code, a status, retry_after


class VerificationErrorCode(enum.StrEnum):
    INVALID_PDF = "invalid_pdf"
    PASSWORD_REQUIRED = "password_required"  # encrypted with a user password (not permissions only)
    WRONG_PASSWORD = "wrong_password"
    UNSUPPORTED_ENCRYPTION = "unsupported_encryption"  # e.g. encrypted to a certificate


class VerificationError(Exception):
    def __init__(self, code: VerificationErrorCode | str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = VerificationErrorCode(code)
        self.message = message


class ReasonCode(enum.StrEnum):
    """Why a signature is not (fully) good; several can apply at once."""

    DIGEST_MISMATCH = "digest_mismatch"  # the signed bytes changed (not intact)
    SIGNATURE_INVALID = "signature_invalid"  # the cryptographic signature does not verify
    UNTRUSTED = "untrusted"  # no path to a trust root
    REVOKED = "revoked"
    REVOCATION_UNKNOWN = "revocation_unknown"
    EXPIRED = "expired"
    TIMESTAMP_INVALID = "timestamp_invalid"
    NOT_WHOLE_DOCUMENT = "not_whole_document"  # the signature leaves bytes of the file uncovered
    MODIFIED_AFTER_SIGNING = "modified_after_signing"  # later revisions change more than PAdES allows
    UNSUPPORTED = "unsupported"


class Indication(enum.StrEnum):
    """Main status indication of ETSI EN 319 102-1 clause 5.1.3 (TS 119 102-2 main indication)."""

    TOTAL_PASSED = "TOTAL_PASSED"
    TOTAL_FAILED = "TOTAL_FAILED"
    INDETERMINATE = "INDETERMINATE"


class SubIndication(enum.StrEnum):
    """Sub-indications of ETSI EN 319 102-1 clause 5.1.3, tables 6 and 7 (the names pyHanko reports)."""

    # with TOTAL_FAILED
    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    REVOKED = "REVOKED"
    NOT_YET_VALID = "NOT_YET_VALID"
    # with INDETERMINATE
    SIG_CONSTRAINTS_FAILURE = "SIG_CONSTRAINTS_FAILURE"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    CERTIFICATE_CHAIN_GENERAL_FAILURE = "CERTIFICATE_CHAIN_GENERAL_FAILURE"
    CRYPTO_CONSTRAINTS_FAILURE = "CRYPTO_CONSTRAINTS_FAILURE"
    EXPIRED = "EXPIRED"
    POLICY_PROCESSING_ERROR = "POLICY_PROCESSING_ERROR"
    SIGNATURE_POLICY_NOT_AVAILABLE = "SIGNATURE_POLICY_NOT_AVAILABLE"
    TIMESTAMP_ORDER_FAILURE = "TIMESTAMP_ORDER_FAILURE"
    NO_SIGNING_CERTIFICATE_FOUND = "NO_SIGNING_CERTIFICATE_FOUND"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    REVOKED_NO_POE = "REVOKED_NO_POE"
    REVOKED_CA_NO_POE = "REVOKED_CA_NO_POE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    REVOCATION_OUT_OF_BOUNDS_NO_POE = "REVOCATION_OUT_OF_BOUNDS_NO_POE"
    OUT_OF_BOUNDS_NOT_REVOKED = "OUT_OF_BOUNDS_NOT_REVOKED"
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    NO_POE = "NO_POE"
    TRY_LATER = "TRY_LATER"
    SIGNED_DATA_NOT_FOUND = "SIGNED_DATA_NOT_FOUND"
    GENERIC = "GENERIC"

    @property
    def indication(self) -> Indication:
        failed = {self.FORMAT_FAILURE, self.HASH_FAILURE, self.SIG_CRYPTO_FAILURE, self.REVOKED, self.NOT_YET_VALID}
        return Indication.TOTAL_FAILED if self in failed else Indication.INDETERMINATE


@dataclass(frozen=True)
class Modification:
    """One change made by incremental updates after a signature, in people's terms.

    ``code`` is stable English for machines (ModificationCode); ``description`` is English and
    ``description_id`` Indonesian, for the verification page."""

    code: str
    description: str
    description_id: str
    allowed: bool  # permitted after a PAdES signature (ISO 32000-2 12.8.2.2: DocMDP, DSS, timestamps)


@dataclass(frozen=True)
class SignatureReport:
    """One signature's (or document timestamp's) verification result, in signing order."""

    field: str
    signer_name: str | None
    signer_nip: str | None
    signer_subject: str
    signing_time: datetime | None  # claimed by the signer (signed attribute), not proof
    timestamp_time: datetime | None  # from the RFC 3161 signature timestamp, if any
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    level: SignatureLevel | None
    covers_whole_document: bool
    modification_level: str  # none | lta_updates | form_filling | annotations | other
    # dataclasses.field, spelled in full: this class has a field named `field`
    modifications: list[str] = dataclasses.field(default_factory=list)
    reasons: list[ReasonCode] = dataclasses.field(default_factory=list)
    # ETSI EN 319 102-1: TOTAL_PASSED only when nothing above is wrong; ``detail`` says why otherwise
    kind: str = "signature"  # signature | document_timestamp
    indication: Indication = Indication.INDETERMINATE
    sub_indication: SubIndication | None = None
    detail: str | None = None
    changes: list[Modification] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked and not self.reasons

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureReport:
        """The inverse of ``to_json``."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value: Any = data.get(f.name)  # JSON: checked by the conversion below
            if f.name in ("signing_time", "timestamp_time") and value is not None:
                value = datetime.fromisoformat(value)
            elif f.name == "level" and value is not None:
                value = SignatureLevel(value)
            elif f.name == "reasons":
                value = [ReasonCode(v) for v in value or []]
            elif f.name == "changes":
                value = [Modification(**m) for m in value or []]
            elif f.name == "indication":
                value = Indication(value)
            elif f.name == "sub_indication" and value is not None:
                value = SubIndication(value)
            elif f.name == "modifications":
                value = list(value or [])
            values[f.name] = value
        return cls(**values)

    def to_json(self) -> dict[str, object]:
        """Plain JSON types: enums as their values, times as ISO 8601 (UTC as given by the signature)."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, list):
                value = [v.value if isinstance(v, enum.Enum) else v.__dict__ if isinstance(v, Modification) else v
                         for v in value]
            out[f.name] = value
        out["ok"] = self.ok
        return out


@dataclass(frozen=True)
class SignerStatus:
    """Whether a signer account can sign now, known before a passphrase is asked for.

    For BSrE it is the answer of ``user/check/status`` (``status`` ISSUE, EXPIRED, SUSPEND, …); for a key
    naskah holds (PKCS#12, PKCS#11, remote) it is ``LOCAL``: only the passphrase will tell. ``message`` is
    Indonesian, for the signing page."""

    can_sign: bool
    status: str
    message: str
    backend: str


@runtime_checkable
class DocumentSigner(Protocol):
    """Signs one signature field of a PDF as an incremental update (PAdES, ETSI EN 319 142-1).

    Optional capabilities a signer may offer (looked up with ``getattr``, absent on local keys):
    ``checks_passphrase_when_signing = True`` (the passphrase is only known right or wrong when ``sign``
    runs, as with BSrE: the lockout counts that answer); ``cacheable = False`` (the key ring must not keep
    it, as it holds a one-time secret); ``receipts`` (identifiers the remote service gave the last
    signatures, e.g. BSrE's ``id_dokumen``, for the audit); ``sign_many(items, level)`` (several documents
    in one call, as BSrE's v2 multi-file sign; answers the signed PDFs in order).
    """

    def sign(
        self,
        pdf: bytes,
        *,
        field: str,
        level: SignatureLevel,
        stamp: StampText | None = None,
        placement: StampPlacement | None = None,
        qr_url: str | None = None,
    ) -> bytes: ...


@dataclass(frozen=True)
class SignItem:
    """One document of a ``sign_many`` call: the same arguments as ``DocumentSigner.sign``."""

    pdf: bytes
    field: str
    stamp: StampText | None = None
    placement: StampPlacement | None = None
    qr_url: str | None = None


@dataclass(frozen=True)
class DocumentVerification:
    """The verification of one PDF: an entry per signature and per document timestamp, and a conclusion.

    ``indication`` is TOTAL_PASSED when every signature and timestamp passed, TOTAL_FAILED when one
    failed, INDETERMINATE otherwise (and for a PDF without signatures). ``notes`` are document-level
    findings that belong to no entry (fields sharing one signature, limits reached)."""

    sha256: str
    signatures: list[SignatureReport]
    timestamps: list[SignatureReport]
    indication: Indication
    conclusion: str
    conclusion_id: str
    encrypted: bool = False
    notes: list[str] = field(default_factory=list)
    complete: bool = True  # False when the time budget cut it short (such a report is not kept)

    @property
    def all_ok(self) -> bool:
        return bool(self.signatures) and all(r.ok for r in self.signatures)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentVerification:
        """The inverse of ``to_json`` (how a cached report is read back)."""
        return cls(data["document_sha256"], [SignatureReport.from_json(r) for r in data["signatures"]],
                   [SignatureReport.from_json(r) for r in data["timestamps"]], Indication(data["indication"]),
                   data["conclusion"], data["conclusion_id"], bool(data.get("encrypted")), list(data.get("notes", [])),
                   bool(data.get("complete", True)))

    def to_json(self) -> dict[str, object]:
        return {"complete": self.complete, "document_sha256": self.sha256,
                "signatures": [r.to_json() for r in self.signatures],
                "timestamps": [r.to_json() for r in self.timestamps], "all_ok": self.all_ok,
                "indication": self.indication.value, "conclusion": self.conclusion,
                "conclusion_id": self.conclusion_id, "encrypted": self.encrypted, "notes": list(self.notes)}


@runtime_checkable
class SignatureVerifier(Protocol):
    """Verifies every signature and document timestamp of any PDF, within bounded work.

    ``verify_document`` raises VerificationError only for a file that is not a PDF at all or that needs a
    password; anything wrong inside is reported in an entry."""

    def verify(self, pdf: bytes) -> list[SignatureReport]: ...

    def verify_document(self, pdf: bytes, *, password: str | None = None) -> DocumentVerification: ...

    def etsi_report(self, pdf: bytes, *, password: str | None = None) -> str: ...


@runtime_checkable
class VerificationCache(Protocol):
    """Reports of archived versions, keyed by bucket, key and version id (an archived version never changes)."""

    def get(self, bucket: str, key: str, version_id: str) -> DocumentVerification | None: ...

    def put(self, bucket: str, key: str, version_id: str, report: DocumentVerification) -> None: ...


class ConcurrentUpdate(Exception):
    """Another transaction changed the request since it was read (HTTP 409). Raised by the request
    repository; named here so the service layer and the API can catch it without knowing the adapter."""
