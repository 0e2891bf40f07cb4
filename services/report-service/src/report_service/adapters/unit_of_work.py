"""report-service's unit of work: the shared transaction plus its repository."""

from __future__ import annotations

from typing import Self

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from report_service.adapters.disposisi_repository import SqlDisposisiRepository
from report_service.adapters.formulir_repository import SqlFormulirRepository
from report_service.adapters.repository import SqlReportRepository


class SqlReportUnitOfWork(SqlUnitOfWork):
    def __enter__(self) -> Self:
        super().__enter__()
        self.reports = SqlReportRepository(self.session)
        self.formulir = SqlFormulirRepository(self.session)
        self.disposisi = SqlDisposisiRepository(self.session)
        return self
