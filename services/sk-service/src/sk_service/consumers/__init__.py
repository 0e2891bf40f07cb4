"""Event → command → use case. Thin: read the event's payload into this service's command, hand it on."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.messages import Envelope
from sk_service.domain.surat_edaran import KIND as SURAT_EDARAN
from sk_service.service_layer import handlers, surat_edaran
from sk_service.service_layer.commands import (
    ProduceLetters,
    RecordLetterRejected,
    RecordLetterSigned,
    RecordSkSigned,
    ReturnSkFromSigning,
)
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.unit_of_work import UnitOfWorkFactory

SK = "sk"


def subscribe(bus: Bus, uow_factory: UnitOfWorkFactory, documents: SkDocuments, *, workers: int) -> None:
    def answer(event: Envelope) -> None:
        on_answer(uow_factory, event)

    def letters(event: Envelope) -> None:
        cmd = ProduceLetters(surat_edaran_id=event.payload["surat_edaran_id"], cause=event)
        surat_edaran.produce_letters(uow_factory, documents, cmd, workers=workers)

    # Answers from signature-service, by the kind of document signed.
    bus.subscribe(Queues.SK_EVENTS, (Events.DOCUMENT_SIGNED, Events.SIGNATURE_REJECTED), answer)
    # This service's own request to produce a batch of letters: on the bus, so the work survives a crash
    # and is retried like any event.
    bus.subscribe(Queues.SK_LETTERS, (Events.SURAT_EDARAN_REQUESTED,), letters)


def on_answer(uow_factory: UnitOfWorkFactory, event: Envelope) -> None:
    """signature-service's document.signed or signature.rejected, for an SK or one letter of a batch; the
    answers for other kinds (a report, a Lembar Disposisi) are not this service's."""
    p = event.payload
    kind, signed = p.get("kind", SK), event.type == Events.DOCUMENT_SIGNED
    if kind == SK and p.get("sk_id"):
        if signed:
            handlers.record_signed(uow_factory, RecordSkSigned(p["sk_id"], p["document"], cause=event))
        else:
            handlers.return_from_signing(uow_factory, ReturnSkFromSigning(
                p["sk_id"], p.get("role", "kadis"), p.get("note", ""), cause=event))
    elif kind == SURAT_EDARAN:
        if signed:
            surat_edaran.record_letter_signed(uow_factory, RecordLetterSigned(
                p["batch_id"], p["document_id"], p["document"], cause=event))
        else:
            surat_edaran.record_letter_rejected(uow_factory, RecordLetterRejected(
                p["batch_id"], p["document_id"], p.get("note", ""), cause=event))
