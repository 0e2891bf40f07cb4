"""signature-service's unit of work: the shared transaction plus the request repository."""

from __future__ import annotations

from typing import Self

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from signature_service.adapters.disposisi_inbox import SqlDisposisiInbox
from signature_service.adapters.jobs import SqlGuardRepository
from signature_service.adapters.people import SqlInboxRepository, SqlPeopleRepository
from signature_service.adapters.repository import SqlSignatureRepository
from signature_service.service_layer.messages import envelope_for
from signature_service.service_layer.unit_of_work import Aggregate, Cause


class SqlSignatureUnitOfWork(SqlUnitOfWork):
    cause: Cause | None = None  # set by the factory: what the events emitted here follow from

    def __enter__(self) -> Self:
        super().__enter__()
        self.requests = SqlSignatureRepository(self.session)
        self.guards = SqlGuardRepository(self.session)  # attempts, archive intents, batch jobs' leases
        self.people = SqlPeopleRepository(self.session)
        self.inbox = SqlInboxRepository(self.session)
        self.disposisi = SqlDisposisiInbox(self.session)
        self._aggregates: list[Aggregate] = []
        return self

    def collect(self, aggregate: Aggregate) -> None:
        if not any(a is aggregate for a in self._aggregates):
            self._aggregates.append(aggregate)

    def commit(self) -> None:
        """Write the collected aggregates' events to the outbox (on the chain of what each answers, else of
        this unit of work's cause), then commit."""
        for aggregate in self._aggregates:
            for event in aggregate.events:
                self.emit(envelope_for(event, aggregate.cause or self.cause))
            aggregate.events.clear()
        super().commit()

    def emit(self, envelope: Envelope) -> Envelope:
        """An event that starts no chain of its own follows on the cause's (same correlation, cause as causation)."""
        if self.cause is not None and envelope.causation_id is None:
            envelope = Envelope(type=envelope.type, payload=envelope.payload, producer=envelope.producer,
                                id=envelope.id, occurred_at=envelope.occurred_at,
                                correlation_id=self.cause.correlation_id, causation_id=self.cause.id)
        return super().emit(envelope)
