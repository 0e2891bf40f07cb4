"""Event payload → use case. Thin: parse, hand on."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus
from sk_service.service_layer import handlers
from sk_service.service_layer.unit_of_work import UnitOfWorkFactory

QUEUE = "sk-service.events"


def subscribe(bus: Bus, uow_factory: UnitOfWorkFactory) -> None:
    routes = {
        "document.signed": handlers.on_document_signed,
        "signature.rejected": handlers.on_signature_rejected,
    }

    def handle(event):
        route = routes.get(event.type)
        if route is not None:
            route(uow_factory, event)

    bus.subscribe(QUEUE, tuple(routes), handle)
