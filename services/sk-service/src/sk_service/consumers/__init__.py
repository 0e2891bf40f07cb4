"""Event payload → use case. Thin: parse, hand on."""

from __future__ import annotations

from collections.abc import Callable

from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.messages import Envelope
from sk_service.domain.surat_edaran import KIND as SURAT_EDARAN
from sk_service.service_layer import handlers, surat_edaran
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.unit_of_work import UnitOfWorkFactory

Route = Callable[[UnitOfWorkFactory, Envelope], None]


def subscribe(bus: Bus, uow_factory: UnitOfWorkFactory, documents: SkDocuments, *, workers: int) -> None:
    # Answers from signature-service, by the kind of document signed.
    routes: dict[tuple[str, str], Route] = {
        (Events.DOCUMENT_SIGNED, "sk"): handlers.on_document_signed,
        (Events.SIGNATURE_REJECTED, "sk"): handlers.on_signature_rejected,
        (Events.DOCUMENT_SIGNED, SURAT_EDARAN): surat_edaran.on_letter_signed,
        (Events.SIGNATURE_REJECTED, SURAT_EDARAN): surat_edaran.on_letter_rejected,
    }

    def handle(event: Envelope) -> None:
        route = routes.get((event.type, event.payload.get("kind", "sk")))
        if route is not None:
            route(uow_factory, event)

    bus.subscribe(Queues.SK_EVENTS, tuple(sorted({t for t, _ in routes})), handle)
    # This service's own request to produce a batch of letters: on the bus, so the work survives a crash
    # and is retried like any event.
    bus.subscribe(Queues.SK_LETTERS, (Events.SURAT_EDARAN_REQUESTED,),
                  lambda event: surat_edaran.produce_letters(uow_factory, documents, event, workers=workers))
