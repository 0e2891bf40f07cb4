"""Event envelope → use case. Thin: parse the message by its contract (naskah_shared.contracts), hand it on.

A payload that has not its contract's shape raises ContractViolation (a ValueError): the bus parks it.
"""

from __future__ import annotations

from typing import TypeVar, get_args

from naskah_shared import contracts
from naskah_shared.bus.ports import Bus
from naskah_shared.bus.topology import Events, Queues
from naskah_shared.messages import Envelope
from signature_service.service_layer.commands import RequestSignatures
from signature_service.service_layer.disposisi_inbox import DisposisiInbox
from signature_service.service_layer.inbox import InboxService
from signature_service.service_layer.signing import SigningService

DISPOSISI = (contracts.DisposisiCreated, contracts.DisposisiDone)
M = TypeVar("M", bound=contracts.Message)


def _load(event: Envelope, types: tuple[type[M], ...]) -> M:
    message = contracts.load(event)
    if not isinstance(message, types):
        raise contracts.ContractViolation(f"{event.type} is not for this queue")
    return message


def on_signature_requested(signing: SigningService, event: Envelope) -> None:
    signing.request_signatures(RequestSignatures(_load(event, (contracts.SignatureRequested,)), event))


def on_sk_event(inbox: InboxService, event: Envelope) -> None:
    inbox.on_sk_event(_load(event, get_args(contracts.SkLifecycle)), event)


def on_disposisi_event(disposisi: DisposisiInbox, event: Envelope) -> None:
    message = _load(event, DISPOSISI)
    assert isinstance(message, DISPOSISI)  # for the type checker: _load's join of the two is their base class
    disposisi.on_event(message, event)


def subscribe(bus: Bus, signing: SigningService, inbox: InboxService, disposisi: DisposisiInbox) -> None:
    # A command from sk-service and report-service: sign these documents, in this order.
    bus.subscribe(Queues.SIGNATURE_EVENTS, (Events.SIGNATURE_REQUESTED,),
                  lambda event: on_signature_requested(signing, event))
    # Read models for the inbox: sk-service's SKs, report-service's dispositions.
    bus.subscribe(Queues.SIGNATURE_INBOX, Events.SK_LIFECYCLE, lambda event: on_sk_event(inbox, event))
    bus.subscribe(Queues.SIGNATURE_DISPOSISI, (Events.DISPOSISI_CREATED, Events.DISPOSISI_DONE),
                  lambda event: on_disposisi_event(disposisi, event))
