"""The archive for people: signed documents as the office knows them, found by nomor, title, kind, year, signer.

The index is the signature requests themselves (title, nomor, kind, who signed and when): every archived
version was written by a signature recorded there, so no second table can drift from it. The bytes,
versions, retention and legal hold come from the locked bucket. A legal hold is placed or lifted with a
reason, and the audit trail records who asked before the store is touched and the outcome after, so no
hold changes without a trace. Work is bounded: results per search, letters per ZIP, bytes per ZIP.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from naskah_shared.storage.ports import Buckets, ObjectStore, StoredObject
from signature_service.domain.requests import SignatureRequest, Status
from signature_service.service_layer.commands import Client
from signature_service.service_layer.rows import AuditRow
from signature_service.service_layer.unit_of_work import UnitOfWorkFactory

KINDS = ("sk", "surat_edaran", "report")
MAX_RESULTS = 50
MAX_ZIP_LETTERS = 1000
MAX_ZIP_BYTES = 512 * 1024 * 1024
PRESIGNED_FOR = timedelta(minutes=5)
HOLD_ON, HOLD_OFF = "legal_hold_on", "legal_hold_off"


class ArchiveError(ValueError):
    """A request the archive refuses (bad reason, no such version); the message says why."""


@dataclass(frozen=True)
class ArchiveQuery:
    text: str = ""  # in the title (which names the kegiatan)
    nomor: str = ""
    kind: str = ""  # sk | surat_edaran | report
    year: int | None = None  # of the last signature
    signer: str = ""  # signer account id


@dataclass(frozen=True)
class ArchivedVersion:
    obj: StoredObject
    retain_until: datetime | None
    legal_hold: bool


@dataclass(frozen=True)
class ArchivedDocument:
    document_id: str
    kind: str
    title: str
    nomor: str | None
    batch_id: str | None
    signed_at: datetime
    signers: list[tuple[str, datetime]]  # (signer account id, when), in signing order
    ref: dict[str, str]  # the archived (last-signed) version
    versions: list[ArchivedVersion] = field(default_factory=list)


def _documents(rows: Iterable[SignatureRequest]) -> list[ArchivedDocument]:
    """Group signed requests into documents: one per document and request event, the final one archived."""
    lines: dict[tuple[str, str], list[SignatureRequest]] = {}
    for r in rows:
        lines.setdefault((r.document_id, r.requested_event), []).append(r)
    docs = []
    for line in lines.values():
        final = [r for r in line if r.result and r.result.get("bucket") == Buckets.SIGNED]
        if not final:
            continue  # signed by the first signer only, not archived yet
        last = max(final, key=lambda r: r.updated_at)
        ordered = sorted(line, key=lambda r: r.position)
        docs.append(ArchivedDocument(document_id=last.document_id, kind=last.kind, title=last.title, nomor=last.nomor,
                                     batch_id=last.batch_id, signed_at=last.updated_at,
                                     signers=[(r.signer, r.updated_at) for r in ordered], ref=dict(last.result or {})))
    return sorted(docs, key=lambda d: d.signed_at, reverse=True)


class ArchiveService:
    def __init__(self, *, uow: UnitOfWorkFactory, store: ObjectStore) -> None:
        self.uow, self.store = uow, store

    def search(self, query: ArchiveQuery, *, limit: int = MAX_RESULTS) -> list[ArchivedDocument]:
        if query.kind and query.kind not in KINDS:
            raise ArchiveError(f"kind must be one of {', '.join(KINDS)}")
        with self.uow() as uow:
            rows = uow.requests.signed(text=query.text.strip()[:200], nomor=query.nomor.strip()[:100],
                                       kind=query.kind)
            # a document's other signers' requests, for the signer filter and the list of who signed
            ids = {r.document_id for r in rows}
            if query.signer:
                ids = {r.document_id for r in rows if r.signer == query.signer}
            full = [r for d in sorted(ids) for r in uow.requests.for_document(d) if r.status is Status.SIGNED]
        docs = _documents(full)
        if query.year:
            docs = [d for d in docs if d.signed_at.year == query.year]
        return [self._with_versions(d) for d in docs[:limit]]

    def document(self, document_id: str, *, versions: bool = True) -> ArchivedDocument | None:
        with self.uow() as uow:
            rows = [r for r in uow.requests.for_document(document_id) if r.status is Status.SIGNED]
        docs = _documents(rows)
        if not docs:
            return None
        return self._with_versions(docs[0]) if versions else docs[0]

    def _with_versions(self, doc: ArchivedDocument) -> ArchivedDocument:
        return ArchivedDocument(**{**doc.__dict__, "versions": self.key_versions(doc.ref["key"])[:20]})

    # --- the locked bucket by key, for other systems (/api/archive) --------------------------------------
    def _described(self, obj: StoredObject) -> ArchivedVersion:
        retention = self.store.get_retention(obj.bucket, obj.key, obj.version_id)
        return ArchivedVersion(obj, retention.until if retention else None,
                               self.store.get_legal_hold(obj.bucket, obj.key, obj.version_id))

    def latest_under(self, prefix: str) -> list[ArchivedVersion]:
        """The latest version of each signed document whose key starts with `prefix`."""
        return [self._described(o) for o in self.store.list_objects(Buckets.SIGNED, prefix)]

    def key_versions(self, key: str) -> list[ArchivedVersion]:
        """Every version of one signed document's key, newest first, with retention and legal hold."""
        return [self._described(o) for o in self.store.list_versions(Buckets.SIGNED, key)]

    def key_download_url(self, key: str, version_id: str, expires: timedelta) -> str:
        """A presigned URL of exactly that version (stat first: an unknown version is the store's error)."""
        obj = self.store.stat(Buckets.SIGNED, key, version_id)
        return self.store.presigned_get_url(Buckets.SIGNED, obj.key, obj.version_id, expires)

    def version(self, document_id: str, version_id: str) -> StoredObject:
        """One archived version of the document (only that document's key: no other object is reachable)."""
        doc = self.document(document_id, versions=False)
        if doc is None:
            raise ArchiveError(f"no archived document {document_id}")
        obj = self.store.stat(Buckets.SIGNED, doc.ref["key"], version_id or doc.ref["version_id"])
        return obj

    def download_url(self, document_id: str, version_id: str = "") -> str:
        obj = self.version(document_id, version_id)
        return self.store.presigned_get_url(obj.bucket, obj.key, obj.version_id, PRESIGNED_FOR)

    def set_legal_hold(self, document_id: str, version_id: str, on: bool, reason: str, *, actor: str,
                       client: Client) -> None:
        reason = " ".join(reason.split())
        if not 3 <= len(reason) <= 500:
            raise ArchiveError("a legal hold needs a reason of 3 to 500 characters")
        obj = self.version(document_id, version_id)
        entry = {"signer": actor[:50], "document_id": document_id, "action": HOLD_ON if on else HOLD_OFF,
                 "remote_addr": client.remote_addr[:100], "user_agent": client.user_agent[:300],
                 "sha256_in": obj.sha256, "detail": f"version {obj.version_id}: {reason}"[:1000]}
        with self.uow() as uow:  # the request is on record before the store changes
            uow.requests.audit(**entry, result="requested")
            uow.commit()
        try:
            self.store.set_legal_hold(obj.bucket, obj.key, obj.version_id, on)
        except Exception as exc:
            with self.uow() as uow:
                uow.requests.audit(**entry, result="failed", sha256_out=None)
                uow.commit()
            raise ArchiveError(f"the legal hold could not be changed: {type(exc).__name__}") from exc
        with self.uow() as uow:
            uow.requests.audit(**entry, result="ok")
            uow.commit()

    def holds(self, document_id: str) -> list[AuditRow]:
        """Who placed or lifted a legal hold on the document, when and why, newest first."""
        with self.uow() as uow:
            trail = uow.requests.audit_trail(document_id=document_id, limit=200)
        return [e for e in trail if e["action"] in (HOLD_ON, HOLD_OFF) and e["result"] == "ok"]

    def batch_letters(self, batch_id: str) -> list[StoredObject]:
        with self.uow() as uow:
            rows = [r for r in uow.requests.for_batch(batch_id) if r.status is Status.SIGNED]
        docs = _documents(rows)
        if len(docs) > MAX_ZIP_LETTERS:
            raise ArchiveError(f"a batch ZIP holds at most {MAX_ZIP_LETTERS} letters")
        return [self.store.stat(Buckets.SIGNED, d.ref["key"], d.ref["version_id"]) for d in docs]

    def batch_zip(self, letters: list[StoredObject]) -> Iterator[bytes]:
        """The letters as one ZIP, streamed: one letter in memory at a time, at most MAX_ZIP_BYTES."""
        if sum(o.size for o in letters) > MAX_ZIP_BYTES:
            raise ArchiveError(f"the batch is larger than {MAX_ZIP_BYTES // 2**20} MiB; download letters one by one")
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:
            for obj in sorted(letters, key=lambda o: o.key):
                data, _ = self.store.get(obj.bucket, obj.key, obj.version_id)
                zf.writestr(obj.key.rsplit("/", 1)[-1], data)
                yield sink.drain()
        yield sink.drain()


class _Sink(io.RawIOBase):
    """A write-only, unseekable file for zipfile (which then writes data descriptors): drained as it fills."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self._chunks.append(bytes(b))
        return len(b)

    def drain(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def search_csv(docs: list[ArchivedDocument], *, when: Callable[[datetime | None], str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["nomor", "jenis", "judul", "ditandatangani", "penanda_tangan", "sha256", "kunci", "versi",
                     "retensi_sampai", "legal_hold"])
    for d in docs:
        latest = d.versions[0] if d.versions else None
        writer.writerow([csv_cell(v) for v in (
            d.nomor or "", d.kind, d.title, when(d.signed_at), " ; ".join(s for s, _ in d.signers), d.ref["sha256"],
            d.ref["key"], d.ref["version_id"], when(latest.retain_until) if latest else "",
            ("ya" if latest.legal_hold else "tidak") if latest else "")])
    return out.getvalue()
