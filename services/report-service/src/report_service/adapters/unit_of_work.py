"""report-service's unit of work: the shared transaction plus its repositories, on the chain of its cause."""

from __future__ import annotations

from typing import Self

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from report_service.adapters.disposisi_repository import SqlDisposisiRepository
from report_service.adapters.formulir_repository import SqlFormulirRepository
from report_service.adapters.repository import SqlReportRepository
from report_service.service_layer.unit_of_work import Aggregate, envelope_for


class SqlReportUnitOfWork(SqlUnitOfWork):
    cause: Envelope | None = None  # the event being handled: what this transaction writes follows from it

    def __enter__(self) -> Self:
        super().__enter__()
        self.reports = SqlReportRepository(self.session)
        self.formulir = SqlFormulirRepository(self.session)
        self.disposisi = SqlDisposisiRepository(self.session)
        self._aggregates: list[Aggregate] = []
        return self

    def collect(self, aggregate: Aggregate) -> None:
        if not any(a is aggregate for a in self._aggregates):
            self._aggregates.append(aggregate)

    def commit(self) -> None:
        for aggregate in self._aggregates:
            for event in aggregate.events:
                self.emit(envelope_for(event, self.cause))
            aggregate.events.clear()
        super().commit()
