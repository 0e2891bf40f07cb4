"""Event → use case, for report-service's three queues. Thin: pick the handler by the event's type and kind."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus, Handler
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.messages import Envelope
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
        # step of the activities that follow it.
        kind = event.payload.get("kind", "sk")
        if kind == "report" and event.type in (Events.DOCUMENT_SIGNED, Events.SIGNATURE_REJECTED):
            reports.on_report_answer(event)
        elif kind == "disposisi":
            disposisi.on_signed(event)
        elif event.payload.get("sk_id"):
            reports.on_sk_event(event)

    def letters(event: Envelope) -> None:
        if event.payload.get("kind") != "surat_edaran":
            return
        if event.type == Events.SURAT_EDARAN_REJECTED:
            formulir.close_batch(str(event.payload.get("surat_edaran_id")))  # no signed letter: no form
        else:
            formulir.take_letters(event)

    return {Queues.REPORT_EVENTS: (SK_EVENTS, sk_and_answers),
            Queues.REPORT_DISPOSISI: ((Events.DISPOSISI_CREATED,), disposisi.on_created),
            Queues.REPORT_FORMULIR: (FORMULIR_EVENTS, letters)}


def subscribe(bus: Bus, reports: ReportService, disposisi: DisposisiService, formulir: FormulirService) -> None:
    for queue, (keys, handler) in handlers(reports, disposisi, formulir).items():
        bus.subscribe(queue, keys, handler)
