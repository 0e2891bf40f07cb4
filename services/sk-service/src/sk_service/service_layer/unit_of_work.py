"""The unit of work sk-service's service layer sees: its repositories plus the outbox, in one transaction
(adapters/unit_of_work.py's SqlSkUnitOfWork is the one implementation).

The repositories answer domain objects (`Sk`, `SuratEdaran`) or the frozen rows below, never a bare mapping.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeAlias

from naskah_shared import contracts
from naskah_shared.messages import ENVELOPE_VERSION, Envelope
from naskah_shared.transaction import Transaction
from sk_service.domain.sk import DomainEvent, Sk
from sk_service.domain.surat_edaran import Letter, SuratEdaran

PRODUCER = "sk-service"  # also the consumer name of this service's claims
StoredRef: TypeAlias = dict[str, str]  # a stored object version: bucket, key, version_id, sha256


class ConcurrentUpdate(Exception):
    """A save found the aggregate changed since it was read (its version moved on): read it again."""


class Aggregate(Protocol):
    """An SK or a Surat Edaran: what it recorded waits in `events` until the commit."""

    events: list[DomainEvent]


@dataclass(frozen=True)
class SkListing:
    """One SK in a list: enough to find it."""

    id: str
    status: str
    revision: int
    nomor: str | None
    kegiatan: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SkVersion:
    """One stored rendering of an SK: every revision, and the final one with its nomor."""

    sk_id: str
    n: int
    revision: int
    status: str
    content: dict[str, object]
    docx: StoredRef
    pdf: StoredRef
    created_at: datetime


@dataclass(frozen=True)
class StoredTemplate:
    """An uploaded DOCX template."""

    name: str
    document: StoredRef
    size: int
    placeholders: list[str]
    uploaded_at: datetime
    uploaded_by: str


@dataclass(frozen=True)
class SuratEdaranListing:
    """One Surat Edaran batch issued under an SK."""

    id: str
    nomor: str
    status: str
    created_at: datetime


class SkRepository(Protocol):
    """SKs (with their reviews), their renderings, the office's nomor register and the uploaded templates."""

    def get(self, sk_id: str, *, for_update: bool = False) -> Sk | None: ...
    def version_read(self, sk_id: str) -> int: ...
    def expect(self, sk_id: str, version: int) -> None: ...
    def add(self, sk: Sk) -> None: ...
    def save(self, sk: Sk) -> None: ...
    def search(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> list[SkListing]: ...
    def add_version(self, sk: Sk, docx: StoredRef, pdf: StoredRef) -> int: ...
    def versions(self, sk_id: str) -> list[SkVersion]: ...
    def version(self, sk_id: str, n: int) -> SkVersion | None: ...
    def latest_version(self, sk_id: str) -> SkVersion | None: ...
    def version_of_revision(self, sk_id: str, revision: int) -> SkVersion | None: ...
    def next_nomor_seq(self, office: str, year: int) -> int: ...
    def peek_nomor_seq(self, office: str, year: int) -> int: ...
    def record_nomor(self, office: str, year: int, seq: int, nomor: str, *, sk_id: str | None = None,
                     surat_edaran_id: str | None = None) -> None: ...
    def templates(self) -> list[StoredTemplate]: ...
    def template(self, name: str) -> StoredTemplate | None: ...
    def put_template(self, name: str, document: StoredRef, size: int, placeholders: list[str], by: str) -> None: ...


class SuratEdaranRepository(Protocol):
    """Surat Edaran batches and their letters, each letter leased while it is produced."""

    def add(self, se: SuratEdaran) -> None: ...
    def get(self, se_id: str, *, for_update: bool = False) -> SuratEdaran | None: ...
    def save(self, se: SuratEdaran, *letters: Letter) -> None: ...
    def claim_letter(self, se_id: str, worker: str, *, until: datetime, now: datetime,
                     skip: Collection[str] = ()) -> str | None: ...
    def release_letter(self, letter_id: str, worker: str) -> None: ...
    def letter_produced(self, letter_id: str, document: StoredRef, worker: str | None = None) -> bool: ...
    def pending_letters(self, se_id: str) -> int: ...
    def list_for_sk(self, sk_id: str) -> list[SuratEdaranListing]: ...


class SkUnitOfWork(Transaction, Protocol):
    sks: SkRepository
    surat_edaran: SuratEdaranRepository

    def commit_aggregate(self, aggregate: Aggregate) -> None:
        """Write the aggregate's new events to the outbox (caused by the unit of work's cause), then commit."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, cause: Envelope | None = None) -> SkUnitOfWork: ...


def envelopes_for(aggregate: Aggregate, cause: Envelope | None) -> list[Envelope]:
    """The aggregate's new events as envelopes on the chain of `cause` (or of the current request).

    An event that crosses to another service is built as its contract's message (naskah_shared.contracts),
    so what leaves is that type's shape and version; the domain, standard library only, records plain data.
    """
    out = []
    for event in aggregate.events:
        contract = contracts.MESSAGES.get(event.type)
        if contract is not None:
            message = contract.from_payload(event.data)
            payload, version = message.to_payload(), message.VERSION
        else:  # this service's own (surat_edaran.signed): no other service reads it
            payload, version = dict(event.data), ENVELOPE_VERSION
        out.append(Envelope.following(cause, event.type, payload, PRODUCER, version=version))
    aggregate.events.clear()
    return out
