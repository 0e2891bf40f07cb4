"""What a document's signing order records for the other services (standard library only).

`SigningOrder` appends these to its `events`; the unit of work writes them to the outbox when it commits,
in the same transaction, on the chain of the signature.requested the order answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Signature:
    signer: str  # account id
    role: str  # kabid | kadis
    at: datetime


@dataclass(frozen=True)
class DocumentSigned:
    """The last signer signed: `document` is the final PDF (in the locked archive)."""

    kind: str
    document_id: str
    batch_id: str | None
    nomor: str | None
    document: dict[str, Any]  # bucket/key/version_id/sha256
    level: str  # B-B | B-T | B-LT | B-LTA
    signatures: tuple[Signature, ...]  # in signing order


@dataclass(frozen=True)
class SignatureRejected:
    """A signer refused: every open request of the document closed; the document goes back to its owner."""

    kind: str
    document_id: str
    batch_id: str | None
    signer: str
    role: str
    note: str


DomainEvent = DocumentSigned | SignatureRejected
