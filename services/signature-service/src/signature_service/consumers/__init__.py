"""Event envelope → use case. Thin: parse, build the command, hand it on."""

from __future__ import annotations

from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.contracts import load_signature_requested
from naskah_shared.messages import Envelope
from signature_service.service_layer.commands import RequestSignatures
from signature_service.service_layer.disposisi_inbox import DisposisiInbox
from signature_service.service_layer.inbox import InboxService
from signature_service.service_layer.signing import SigningService


def on_signature_requested(signing: SigningService, event: Envelope) -> None:
    # ContractViolation (a ValueError) when the payload has not the contract's shape: parked
    signing.request_signatures(RequestSignatures(load_signature_requested(event.payload), event))


def subscribe(bus: Bus, signing: SigningService, inbox: InboxService, disposisi: DisposisiInbox) -> None:
    # A command from sk-service and report-service: sign these documents, in this order.
    bus.subscribe(Queues.SIGNATURE_EVENTS, (Events.SIGNATURE_REQUESTED,),
                  lambda event: on_signature_requested(signing, event))
    # Read models for the inbox: sk-service's SKs, report-service's dispositions.
    bus.subscribe(Queues.SIGNATURE_INBOX, Events.SK_LIFECYCLE, inbox.on_sk_event)
    bus.subscribe(Queues.SIGNATURE_DISPOSISI, (Events.DISPOSISI_CREATED, Events.DISPOSISI_DONE), disposisi.on_event)
