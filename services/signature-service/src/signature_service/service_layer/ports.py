"""Signing and verification ports (no pyHanko types here: adapters translate).

Levels follow ETSI EN 319 142-1 (PAdES baseline), clause 6: B-B (CMS signature, signing certificate
attribute), B-T (plus a signature timestamp), B-LT (plus validation data in the document security store, DSS,
ISO 32000-2 clause 12.8.4.3), B-LTA (plus a document timestamp covering the DSS).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Protocol, runtime_checkable


class SignatureLevel(enum.Enum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"

    @property
    def rank(self) -> int:
        return list(SignatureLevel).index(self)


STAMP_HEADING = "Telah ditandatangani secara elektronik oleh:"


@dataclass(frozen=True)
class StampText:
    """The office's signature block as printed beside the QR code."""

    jabatan: str
    nama: str
    pangkat: str

    def lines(self) -> list[str]:
        return [STAMP_HEADING, self.jabatan, self.nama, self.pangkat]


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


class SigningError(Exception):
    """A signature could not be made; ``code`` is machine-readable (a SigningErrorCode value)."""

    def __init__(self, code: SigningErrorCode | str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = SigningErrorCode(code)
        self.message = message


class VerificationErrorCode(enum.StrEnum):
    INVALID_PDF = "invalid_pdf"
    NO_SIGNATURES = "no_signatures"


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


@dataclass(frozen=True)
class SignatureReport:
    """One signature's verification result (one entry per signature field, in signing order)."""

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
    modifications: list[str] = field(default_factory=list)
    reasons: list[ReasonCode] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked and not self.reasons

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
                value = [v.value if isinstance(v, enum.Enum) else v for v in value]
            out[f.name] = value
        out["ok"] = self.ok
        return out


@runtime_checkable
class DocumentSigner(Protocol):
    """Signs one signature field of a PDF as an incremental update (PAdES, ETSI EN 319 142-1)."""

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


@runtime_checkable
class SignatureVerifier(Protocol):
    """Verifies every signature of any PDF; document timestamps only count towards B-LTA."""

    def verify(self, pdf: bytes) -> list[SignatureReport]: ...
