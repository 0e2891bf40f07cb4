"""sk-service's unit of work: the shared transaction plus the SK and Surat Edaran repositories."""

from __future__ import annotations

from typing import Self

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from sk_service.adapters.repository import SqlSkRepository
from sk_service.adapters.surat_edaran_repository import SqlSuratEdaranRepository
from sk_service.service_layer.unit_of_work import Aggregate, envelopes_for


class SqlSkUnitOfWork(SqlUnitOfWork):
    cause: Envelope | None = None  # the event being handled, if any: what the aggregates' events follow from

    def __enter__(self) -> Self:
        super().__enter__()
        self.sks = SqlSkRepository(self.session)
        self.surat_edaran = SqlSuratEdaranRepository(self.session)
        return self

    def commit_aggregate(self, aggregate: Aggregate) -> None:
        for envelope in envelopes_for(aggregate, self.cause):
            self.emit(envelope)
        self.commit()
