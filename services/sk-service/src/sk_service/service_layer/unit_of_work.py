"""The unit of work the handlers see: the SK repository plus the outbox, in one transaction."""

from __future__ import annotations

from typing import Any, Protocol

from naskah_shared.logs import correlation_id
from naskah_shared.messages import Envelope
from sk_service.domain.sk import DomainEvent

PRODUCER = "sk-service"


class ConcurrentUpdate(Exception):
    """A save found the aggregate changed since it was read (its version moved on): read it again."""


class Aggregate(Protocol):
    """An SK or a Surat Edaran: what it recorded waits in `events` until the commit."""

    events: list[DomainEvent]


class SkUnitOfWork(Protocol):
    sks: Any  # SkRepository: get/add/save/add_version/versions/next_nomor_seq/record_nomor/templates
    surat_edaran: Any  # SuratEdaranRepository: add/get/save/letter_produced/list_for_sk

    def __enter__(self) -> SkUnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def claim(self, event: Envelope) -> bool: ...
    def emit(self, envelope: Envelope) -> None: ...
    def commit(self) -> None: ...
    def commit_aggregate(self, aggregate: Aggregate) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, cause: Envelope | None = None) -> SkUnitOfWork: ...


def envelopes_for(aggregate: Aggregate, cause: Envelope | None) -> list[Envelope]:
    """The aggregate's new events as envelopes on the chain of `cause` (or of the current request)."""
    out = []
    for event in aggregate.events:
        payload = dict(event.data)  # the envelope's own copy; the recorded event stays as it was
        if cause is not None:
            out.append(Envelope.caused_by(cause, event.type, payload, PRODUCER))
        else:
            out.append(Envelope(type=event.type, payload=payload, producer=PRODUCER,
                                correlation_id=correlation_id.get()))
    aggregate.events.clear()
    return out
