"""The rows signature-service's repositories read and write, each a known shape (adapters/tables.py has the
columns): the audit trail, the archive intents, the batch jobs' leases and the inbox's two read models."""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, TypedDict


class AuditEntry(TypedDict):
    """Who signed (or tried to), refused or fetched what, from where: one line of the append-only trail."""

    signer: str
    action: str  # sign | reject | download ...
    result: str  # ok | bad_passphrase | locked_out | tampered | an error code
    request_id: NotRequired[str | None]
    document_id: NotRequired[str | None]
    level: NotRequired[str | None]
    remote_addr: NotRequired[str | None]
    user_agent: NotRequired[str | None]
    sha256_in: NotRequired[str | None]
    sha256_out: NotRequired[str | None]
    detail: NotRequired[str | None]
    remote_ref: NotRequired[str | None]  # the remote signing service's receipt (BSrE's id_dokumen)


class AuditRow(AuditEntry):
    id: int
    at: datetime


class Intent(TypedDict):
    """A signed PDF about to be written to the store: one left behind names the version a crash may have
    written, to adopt or to forget."""

    request_id: str
    signer: str
    bucket: str
    key: str
    sha256: str  # of the signed bytes
    owner: str  # host:pid:boot of the writer
    created_at: datetime
    level: str | None
    sha256_in: str | None
    remote_addr: str | None
    user_agent: str | None


class Job(TypedDict):
    """A batch's background signing job and its lease."""

    batch_id: str
    signer: str
    owner: str
    state: str  # running | done | failed
    started_at: datetime
    heartbeat_at: datetime
    lease_until: datetime
    finished_at: datetime | None
    done_count: int
    left_count: int
    error_code: str | None
    error_message: str | None


class SkChange(TypedDict):
    """What an sk.* event (or sk-service's answer to a review) changes of an SK's inbox row."""

    status: str
    awaiting: str | None
    last_action: str
    last_by: str | None
    last_at: datetime
    revision: NotRequired[int]
    title: NotRequired[str]
    nomor: NotRequired[str]
    document: NotRequired[dict[str, str]]  # bucket/key/version_id/sha256 of the current revision's PDF


class InboxSk(TypedDict):
    """An SK as the inbox knows it: what awaits whose review."""

    sk_id: str
    title: str
    nomor: str | None
    status: str
    awaiting: str | None
    revision: int
    document: dict[str, str] | None
    last_action: str
    last_by: str | None
    last_at: datetime


class Review(TypedDict):
    """A review someone made (for "baru saja saya kerjakan")."""

    sk_id: str
    person_id: str | None
    role: str
    decision: str
    note: str | None
    at: datetime


class ReviewRow(Review):
    event_id: str
    title: str | None
    nomor: str | None


class DisposisiChange(TypedDict, total=False):
    """What a disposisi.* event (or the addressee's "done") changes of a disposition's inbox row."""

    activity_id: str
    step: int
    dari: str
    kepada: str
    sifat: str
    instruksi: list[str]
    nomor: str
    hal: str
    catatan: str
    batas_waktu: datetime
    diberikan_at: datetime
    status: str  # open | done
    done_at: datetime
    done_by: str
    done_note: str


class DisposisiRow(TypedDict):
    disposisi_id: str
    activity_id: str
    step: int
    dari: str
    kepada: str
    nomor: str
    hal: str
    sifat: str
    instruksi: list[str]
    catatan: str
    batas_waktu: datetime
    diberikan_at: datetime
    status: str
    done_at: datetime | None
    done_by: str | None
    done_note: str | None
    updated_at: datetime
