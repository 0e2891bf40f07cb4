"""The unit of work: one transaction that holds state changes, outbox rows and claims.

It rolls back unless `commit()` is called. Events given to `emit` are written
to the outbox inside the same transaction; `claim` records that a consumer
handled an event, so a redelivery is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from naskah_shared import contracts, logs
from naskah_shared.db.outbox import OutboxTables
from naskah_shared.messages import Envelope, utcnow


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], tables: OutboxTables, producer: str) -> None:
        self.session_factory, self.tables, self.producer = session_factory, tables, producer
        self.after_commit: list[Callable[[], None]] = []
        self.emitted: list[Envelope] = []

    def __enter__(self) -> Self:
        self.session = self.session_factory()
        self.emitted = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()  # a no-op after commit
        self.session.close()

    def emit(self, envelope: Envelope) -> Envelope:
        """Queue `envelope` for the outbox; a request's correlation id follows it. A payload that breaks its
        contract (naskah_shared.contracts) raises here, before anything is written."""
        contracts.check(envelope.type, envelope.payload)
        correlation = logs.correlation_id.get()
        if correlation and envelope.causation_id is None and envelope.correlation_id == envelope.id:
            envelope = Envelope(type=envelope.type, payload=envelope.payload, producer=envelope.producer,
                                id=envelope.id, occurred_at=envelope.occurred_at, correlation_id=correlation)
        self.session.execute(insert(self.tables.outbox).values(
            id=envelope.id, type=envelope.type, body=envelope.to_json().decode(),
            created_at=envelope.occurred_at, attempts=0))
        self.emitted.append(envelope)
        return envelope

    def claim(self, envelope: Envelope, consumer: str) -> bool:
        """Mark `envelope` handled by `consumer` in this transaction; False if it already was.

        A concurrent claim of the same event blocks on the primary key until the
        first transaction ends, then sees the row: at most one handler commits.
        """
        t = self.tables.processed
        if self.session.execute(select(t.c.message_id).where(
                t.c.message_id == envelope.id, t.c.consumer == consumer)).first():
            return False
        self.session.execute(insert(t).values(message_id=envelope.id, consumer=consumer, processed_at=utcnow()))
        self.session.flush()
        return True

    def commit(self) -> None:
        self.session.commit()
        if self.emitted:
            for hook in self.after_commit:
                hook()
