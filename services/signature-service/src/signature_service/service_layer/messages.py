"""What the signing order records, as the envelopes other services read (DESIGN §3: document.signed and
signature.rejected answer a signature.requested). The unit of work calls `envelope_for` at commit."""

from __future__ import annotations

from typing import Any

from naskah_shared.messages import Envelope
from signature_service.domain.events import DocumentSigned, DomainEvent, SignatureRejected
from signature_service.service_layer.unit_of_work import Cause

PRODUCER = "signature-service"


def _names(kind: str, document_id: str, batch_id: str | None) -> dict[str, Any]:
    """How an answer names its document: `sk_id`/`report_id` for one document, `batch_id` for a batch's."""
    if batch_id:
        return {"kind": kind, "document_id": document_id, "batch_id": batch_id}
    return {"kind": kind, "document_id": document_id, f"{kind}_id": document_id}


def payload_of(event: DomainEvent) -> tuple[str, dict[str, Any]]:
    names = _names(event.kind, event.document_id, event.batch_id)
    if isinstance(event, DocumentSigned):
        return "document.signed", {
            **names, "nomor": event.nomor, "document": event.document, "level": event.level,
            "signatures": [{"signer": s.signer, "role": s.role, "at": s.at.isoformat()} for s in event.signatures]}
    if isinstance(event, SignatureRejected):
        return "signature.rejected", {**names, "role": event.role, "signer": event.signer, "note": event.note}
    raise TypeError(f"no message for {event!r}")


def envelope_for(event: DomainEvent, cause: Cause | None) -> Envelope:
    """`event` as an envelope on `cause`'s chain (its correlation id, it as causation); without a cause, the
    outbox gives it the current request's correlation."""
    type, payload = payload_of(event)
    if cause is None:
        return Envelope(type=type, payload=payload, producer=PRODUCER)
    return Envelope(type=type, payload=payload, producer=PRODUCER, correlation_id=cause.correlation_id,
                    causation_id=cause.id)
