"""What the signing order records, as the messages other services read: `document.signed` and
`signature.rejected` answer a signature.requested (DESIGN §3), typed by naskah_shared.contracts. The unit of
work calls `envelope_for` at commit."""

from __future__ import annotations

from naskah_shared import contracts
from naskah_shared.messages import Envelope
from signature_service.domain.events import DocumentSigned, DomainEvent, SignatureRejected
from signature_service.service_layer.unit_of_work import Cause

PRODUCER = "signature-service"


def message_of(event: DomainEvent) -> contracts.DocumentSigned | contracts.SignatureRejected:
    if isinstance(event, DocumentSigned):
        return contracts.DocumentSigned(
            kind=event.kind, document_id=event.document_id, batch_id=event.batch_id, nomor=event.nomor,
            document=contracts.DocumentRef.from_dict(event.document), level=event.level,
            signatures=[contracts.Signature(signer=s.signer, role=s.role, at=s.at) for s in event.signatures])
    if isinstance(event, SignatureRejected):
        return contracts.SignatureRejected(kind=event.kind, document_id=event.document_id, batch_id=event.batch_id,
                                           role=event.role, signer=event.signer, note=event.note)
    raise TypeError(f"no message for {event!r}")


def envelope_for(event: DomainEvent, cause: Cause | None) -> Envelope:
    """`event` as an envelope on `cause`'s chain (its correlation id, it as causation); without a cause, the
    outbox gives it the current request's correlation."""
    message = message_of(event)
    return Envelope.following(cause, message.TYPE, message.to_payload(), PRODUCER, version=message.VERSION)
