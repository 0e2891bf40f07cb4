"""The SQL unit of work for sk-service: the shared one plus the SK and Surat Edaran repositories."""

from __future__ import annotations

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from sk_service.adapters.repository import SqlSkRepository
from sk_service.adapters.surat_edaran_repository import SqlSuratEdaranRepository
from sk_service.service_layer.unit_of_work import PRODUCER, Aggregate, envelopes_for


class SqlSkUnitOfWork:
    def __init__(self, inner: SqlUnitOfWork, cause: Envelope | None = None) -> None:
        self.inner, self.cause = inner, cause

    def __enter__(self) -> SqlSkUnitOfWork:
        self.inner.__enter__()
        self.sks = SqlSkRepository(self.inner.session)
        self.surat_edaran = SqlSuratEdaranRepository(self.inner.session)
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.__exit__(*exc)

    def claim(self, event: Envelope) -> bool:
        return self.inner.claim(event, PRODUCER)

    def emit(self, envelope: Envelope) -> None:
        self.inner.emit(envelope)

    def commit(self) -> None:
        self.inner.commit()

    def commit_aggregate(self, aggregate: Aggregate) -> None:
        for envelope in envelopes_for(aggregate, self.cause):
            self.inner.emit(envelope)
        self.inner.commit()
