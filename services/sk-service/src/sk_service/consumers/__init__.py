"""Event → command → use case. Thin: load the event by its contract (naskah_shared.contracts), build this
service's command, hand it on."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.contracts import DocumentSigned, SignatureRejected, SuratEdaranRequested
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
        cmd = ProduceLetters(SuratEdaranRequested.load(event.payload).surat_edaran_id, cause=event)
        surat_edaran.produce_letters(uow_factory, documents, cmd, workers=workers)

    # Answers from signature-service, by the kind of document signed.
    bus.subscribe(Queues.SK_EVENTS, (Events.DOCUMENT_SIGNED, Events.SIGNATURE_REJECTED), answer)
    # This service's own request to produce a batch of letters: on the bus, so the work survives a crash
    # and is retried like any event.
    bus.subscribe(Queues.SK_LETTERS, (Events.SURAT_EDARAN_REQUESTED,), letters)


def on_answer(uow_factory: UnitOfWorkFactory, event: Envelope) -> None:
    """signature-service's document.signed or signature.rejected, for an SK or one letter of a batch; the
    answers for other kinds (a report, a Lembar Disposisi) are not this service's."""
    if event.type == Events.DOCUMENT_SIGNED:
        signed = DocumentSigned.load(event.payload)
        if signed.kind == SK:
            handlers.record_signed(uow_factory, RecordSkSigned(signed.document_id, signed.document.to_dict(),
                                                               cause=event))
        elif signed.kind == SURAT_EDARAN and signed.batch_id:
            surat_edaran.record_letter_signed(uow_factory, RecordLetterSigned(
                signed.batch_id, signed.document_id, signed.document.to_dict(), cause=event))
        return
    refused = SignatureRejected.load(event.payload)
    if refused.kind == SK:
        handlers.return_from_signing(uow_factory, ReturnSkFromSigning(
            refused.document_id, refused.role or "kadis", refused.note, cause=event))
    elif refused.kind == SURAT_EDARAN and refused.batch_id:
        surat_edaran.record_letter_rejected(uow_factory, RecordLetterRejected(
            refused.batch_id, refused.document_id, refused.note, cause=event))
