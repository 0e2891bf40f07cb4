"""signature-service's unit of work: the shared transaction plus the request repository."""

from __future__ import annotations

from typing import Self

from naskah_shared.db.unit_of_work import SqlUnitOfWork
from signature_service.adapters.disposisi_inbox import SqlDisposisiInbox
from signature_service.adapters.jobs import SqlGuardRepository
from signature_service.adapters.people import SqlInboxRepository, SqlPeopleRepository
from signature_service.adapters.repository import SqlSignatureRepository


class SqlSignatureUnitOfWork(SqlUnitOfWork):
    def __enter__(self) -> Self:
        super().__enter__()
        self.requests = SqlSignatureRepository(self.session)
        self.guards = SqlGuardRepository(self.session)  # attempts, archive intents, batch jobs' leases
        self.people = SqlPeopleRepository(self.session)
        self.inbox = SqlInboxRepository(self.session)
        self.disposisi = SqlDisposisiInbox(self.session)
        return self
