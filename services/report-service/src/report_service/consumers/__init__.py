"""Event → use case, for report-service's three queues. Thin: pick the handler by the event's type and kind,
and make a command of the payload where the use case takes one (the SK's own events are kept as they came)."""

from __future__ import annotations

from typing import Any

from naskah_shared.bus.ports import Bus, Handler
from naskah_shared.bus.topology import Events, Queues
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
            formulir.close_batch(CloseBatch(str(event.payload.get("surat_edaran_id"))))  # no signed letter: no form
        else:
            formulir.take_letters(_letters(event.payload))

    return {Queues.REPORT_EVENTS: (SK_EVENTS, sk_and_answers),
            Queues.REPORT_DISPOSISI: ((Events.DISPOSISI_CREATED,), disposisi.on_created),
            Queues.REPORT_FORMULIR: (FORMULIR_EVENTS, letters)}


def subscribe(bus: Bus, reports: ReportService, disposisi: DisposisiService, formulir: FormulirService) -> None:
    for queue, (keys, handler) in handlers(reports, disposisi, formulir).items():
        bus.subscribe(queue, keys, handler)


def _letters(p: dict[str, Any]) -> TakeLetters:
    """A batch's signature request as the letters to take back; a batch from before the Formulir had fields
    (no kampung code or SK Tim) has none."""
    letters = []
    for d in p.get("documents") or []:
        kampung = d.get("kampung") or {}
        if d.get("document_id") and kampung.get("kode") and p.get("sk_tim"):
            letters.append(FormulirLetter(
                str(d["document_id"]), str(kampung["kode"]), str(kampung.get("nama", "")),
                str(kampung.get("distrik", "")), d.get("formulir_token_sha256")))
    return TakeLetters(str(p["batch_id"]) if letters else "", str(p.get("sk_tim")), tuple(letters))
