"""Typed contracts between the services (DESIGN §3): one message type per event and command that crosses a
service, each a frozen dataclass with its marshmallow schema and version, and the `DocumentRef` every message
names a document by.

A producer builds the message and sends `message.to_payload()` in an envelope of `message.TYPE` and
`message.VERSION`; every unit of work calls `check(type, payload)` at the outbox, so a payload out of its contract's
shape raises there and never leaves its service. A consumer reads `load(envelope)` (or `X.load(payload)`),
which also accepts the shapes of before still sitting in queues and outboxes; a payload that is not one
raises `ContractViolation` (a ValueError: the bus parks it with the reason). Fields a producer adds of its own
ride along in `extra`. Types no other service reads (`activity.*`, `report.*`, `surat_edaran.signed`) have no
contract and pass `check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from naskah_shared.contracts.base import ContractViolation, DocumentRef, DocumentRefSchema, Message
from naskah_shared.contracts.disposisi import DisposisiCreated, DisposisiDone
from naskah_shared.contracts.signature import (
    DocumentSigned,
    DocumentToSign,
    Signature,
    SignatureRejected,
    SignatureRequested,
)
from naskah_shared.contracts.sk import (
    SkApproved,
    SkArchived,
    SkDrafted,
    SkLifecycle,
    SkReviewed,
    SkRevised,
    SkSubmitted,
    SuratEdaranRejected,
    SuratEdaranRequested,
)
from naskah_shared.messages import Envelope

MESSAGES: dict[str, type[Message]] = {m.TYPE: m for m in (
    SignatureRequested, DocumentSigned, SignatureRejected, SkDrafted, SkRevised, SkSubmitted, SkReviewed,
    SkApproved, SkArchived, SuratEdaranRequested, SuratEdaranRejected, DisposisiCreated, DisposisiDone)}


def check(type: str, payload: Mapping[str, Any]) -> None:
    """Raise ContractViolation unless ``payload`` has today's shape of ``type``'s contract (if it has one)."""
    message = MESSAGES.get(type)
    if message is not None:
        message.from_payload(payload)


def load(envelope: Envelope) -> Message:
    """The envelope's message, of its type's contract; ContractViolation for a type without one, a version
    newer than this code reads, or a payload in no shape the contract knows."""
    message = MESSAGES.get(envelope.type)
    if message is None:
        raise ContractViolation(f"{envelope.type}: no contract")
    if envelope.version > message.VERSION:
        raise ContractViolation(f"{envelope.type}: version {envelope.version}, this code reads {message.VERSION}")
    return message.load(envelope.payload)


__all__ = ["MESSAGES", "ContractViolation", "DisposisiCreated", "DisposisiDone", "DocumentRef", "DocumentRefSchema",
           "DocumentSigned", "DocumentToSign", "Message", "Signature", "SignatureRejected", "SignatureRequested",
           "SkApproved", "SkArchived", "SkDrafted", "SkLifecycle", "SkReviewed", "SkRevised", "SkSubmitted",
           "SuratEdaranRejected", "SuratEdaranRequested", "check", "load"]
