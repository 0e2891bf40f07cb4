"""Event envelope → use case. Thin: the service layer parses and handles; here only which event goes where."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from signature_service.service_layer.disposisi_inbox import DisposisiInbox
from signature_service.service_layer.inbox import InboxService
from signature_service.service_layer.signing import SigningService


def subscribe(bus: Bus, signing: SigningService, inbox: InboxService, disposisi: DisposisiInbox) -> None:
    # A command from sk-service and report-service: sign these documents, in this order.
    bus.subscribe(Queues.SIGNATURE_EVENTS, (Events.SIGNATURE_REQUESTED,), signing.on_signature_requested)
    # Read models for the inbox: sk-service's SKs, report-service's dispositions.
    bus.subscribe(Queues.SIGNATURE_INBOX, Events.SK_LIFECYCLE, inbox.on_sk_event)
    bus.subscribe(Queues.SIGNATURE_DISPOSISI, (Events.DISPOSISI_CREATED, Events.DISPOSISI_DONE), disposisi.on_event)
