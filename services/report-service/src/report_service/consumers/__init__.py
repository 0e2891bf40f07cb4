"""Event → use case, for report-service's three queues. Thin: pick the handler by the event's type and kind,
and make a command of the payload where the use case takes one (the SK's own events are kept as they came)."""

from __future__ import annotations

from naskah_shared import contracts
from naskah_shared.bus.ports import Bus, Handler
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.contracts import (
    DocumentSigned,
    SignatureRejected,
    SignatureRequested,
    SkLifecycle,
    SuratEdaranRejected,
)
from naskah_shared.messages import Envelope
from report_service.service_layer.commands import CloseBatch, FormulirLetter, TakeLetters
from report_service.service_layer.disposisi import DisposisiService
from report_service.service_layer.formulir import FormulirService
from report_service.service_layer.reports import ReportService

SK_EVENTS = (*Events.SK_LIFECYCLE, Events.DOCUMENT_SIGNED, Events.SIGNATURE_REJECTED)
FORMULIR_EVENTS = (Events.SIGNATURE_REQUESTED, Events.SURAT_EDARAN_REJECTED)


def handlers(reports: ReportService, disposisi: DisposisiService,
             formulir: FormulirService) -> dict[str, tuple[tuple[str, ...], Handler]]:
    """Each queue's routing keys and handler."""

    def sk_and_answers(event: Envelope) -> None:
        # signature-service answers for a Laporan and a Lembar Disposisi; everything else about an SK is a
        # step of the activities that follow it (kept as it came, in the SK's stream).
        message = contracts.load(event)  # ContractViolation: the bus parks it with the reason
        if isinstance(message, DocumentSigned | SignatureRejected):
            if message.kind == "report":
                reports.on_report_answer(event, message)
            elif message.kind == "disposisi":
                disposisi.on_signed(event, message)
            elif message.kind == "sk" and not message.batch_id:
                reports.on_sk_event(event, message.document_id)
        elif isinstance(message, SkLifecycle):
            reports.on_sk_event(event, message.sk_id)

    def letters(event: Envelope) -> None:
        if event.payload.get("kind") != "surat_edaran":
            return
        if event.type == Events.SURAT_EDARAN_REJECTED:  # no signed letter: no form
            formulir.close_batch(CloseBatch(SuratEdaranRejected.load(event.payload).surat_edaran_id))
        else:
            formulir.take_letters(_letters(SignatureRequested.load(event.payload)))

    return {Queues.REPORT_EVENTS: (SK_EVENTS, sk_and_answers),
            Queues.REPORT_DISPOSISI: ((Events.DISPOSISI_CREATED,), disposisi.on_created),
            Queues.REPORT_FORMULIR: (FORMULIR_EVENTS, letters)}


def subscribe(bus: Bus, reports: ReportService, disposisi: DisposisiService, formulir: FormulirService) -> None:
    for queue, (keys, handler) in handlers(reports, disposisi, formulir).items():
        bus.subscribe(queue, keys, handler)


def _letters(request: SignatureRequested) -> TakeLetters:
    """A batch's signature request as the letters to take back; a batch from before the Formulir had fields
    (no kampung code or SK Tim) has none."""
    sk_tim = request.extra.get("sk_tim")
    letters = []
    for d in request.documents:
        kampung = d.extra.get("kampung") or {}
        if kampung.get("kode") and sk_tim:
            letters.append(FormulirLetter(d.document_id, str(kampung["kode"]), str(kampung.get("nama", "")),
                                          str(kampung.get("distrik", "")), d.extra.get("formulir_token_sha256")))
    return TakeLetters(request.batch_id or "", str(sk_tim), tuple(letters))
