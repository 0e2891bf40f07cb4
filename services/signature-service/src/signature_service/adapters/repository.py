"""SQL repository for signature requests, signer lockouts and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Unpack, cast

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from signature_service.adapters import tables as t
from signature_service.domain.requests import SignatureRequest, SigningOrder, Status
from signature_service.service_layer.ports import ConcurrentUpdate
from signature_service.service_layer.rows import AuditEntry, AuditRow


def _request(row: Any) -> SignatureRequest:
    return SignatureRequest(
        id=row["id"], document_id=row["document_id"], kind=row["kind"], signer=row["signer"],
        position=row["position"], status=Status(row["status"]), title=row["title"], nomor=row["nomor"],
        source=row["source"], requested_event=row["requested_event"], created_at=aware_utc(row["created_at"]),
        updated_at=aware_utc(row["updated_at"]), result=row["result"], note=row["note"], batch_id=row["batch_id"],
        archive_key=row["archive_key"], requested_correlation=row["requested_correlation"])


class SqlSignatureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[str, int] = {}  # request id -> lock_version read

    def _request(self, row: Any) -> SignatureRequest:
        self._seen[row["id"]] = row["lock_version"]
        return _request(row)

    def add(self, req: SignatureRequest) -> None:
        self.session.execute(insert(t.signature_requests).values(
            id=req.id, document_id=req.document_id, kind=req.kind, signer=req.signer, position=req.position,
            status=req.status.value, title=req.title, nomor=req.nomor, source=req.source, result=req.result,
            note=req.note, requested_event=req.requested_event, created_at=req.created_at,
            updated_at=req.updated_at, batch_id=req.batch_id, archive_key=req.archive_key,
            requested_correlation=req.requested_correlation, lock_version=1))

    def save(self, req: SignatureRequest) -> None:
        """Write back a request read in this unit of work, unless someone else changed it meanwhile."""
        seen = self._seen[req.id]
        done = self.session.execute(update(t.signature_requests).where(
            t.signature_requests.c.id == req.id, t.signature_requests.c.lock_version == seen).values(
            status=req.status.value, result=req.result, note=req.note, source=req.source,
            updated_at=req.updated_at, lock_version=seen + 1))
        if done.rowcount != 1:
            raise ConcurrentUpdate(f"signature request {req.id} was changed meanwhile; read it again")
        self._seen[req.id] = seen + 1

    def get(self, request_id: str, *, for_update: bool = False) -> SignatureRequest | None:
        query = select(t.signature_requests).where(t.signature_requests.c.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return self._request(row) if row else None

    def for_document(self, document_id: str, *, for_update: bool = False) -> list[SignatureRequest]:
        query = select(t.signature_requests).where(t.signature_requests.c.document_id == document_id)
        if for_update:
            query = query.with_for_update()
        rows = self.session.execute(query.order_by(t.signature_requests.c.created_at,
                                                   t.signature_requests.c.position)).mappings()
        return [self._request(r) for r in rows]

    def order(self, req: SignatureRequest, *, for_update: bool = False) -> SigningOrder:
        return SigningOrder([r for r in self.for_document(req.document_id, for_update=for_update)
                             if r.requested_event == req.requested_event])

    def for_batch(self, batch_id: str, *, signer: str | None = None) -> list[SignatureRequest]:
        query = select(t.signature_requests).where(t.signature_requests.c.batch_id == batch_id)
        if signer:
            query = query.where(t.signature_requests.c.signer == signer)
        rows = self.session.execute(query.order_by(t.signature_requests.c.created_at,
                                                   t.signature_requests.c.document_id)).mappings()
        return [self._request(r) for r in rows]

    def search(self, *, signer: str | None = None, status: str | None = None, limit: int = 50,
               offset: int = 0) -> list[SignatureRequest]:
        query = select(t.signature_requests)
        if signer:
            query = query.where(t.signature_requests.c.signer == signer)
        if status:
            query = query.where(t.signature_requests.c.status == status)
        query = query.order_by(t.signature_requests.c.created_at.desc()).limit(limit).offset(offset)
        return [self._request(r) for r in self.session.execute(query).mappings()]

    # --- lockout ------------------------------------------------------------------
    def lockout(self, signer: str) -> tuple[int, datetime | None]:
        row = self.session.execute(select(t.signer_lockouts).where(
            t.signer_lockouts.c.signer == signer).with_for_update()).mappings().first()
        return (row["failures"], aware_utc(row["locked_until"])) if row else (0, None)

    def set_lockout(self, signer: str, failures: int, locked_until: datetime | None) -> None:
        # An upsert: two first failures at the same moment must not collide on the primary key.
        make = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = {"failures": failures, "locked_until": locked_until}
        self.session.execute(make(t.signer_lockouts).values(signer=signer, **values)
                             .on_conflict_do_update(index_elements=["signer"], set_=values))

    # --- audit ----------------------------------------------------------------------
    def signed(self, *, text: str = "", nomor: str = "", kind: str = "",
               limit: int = 5000) -> list[SignatureRequest]:
        """Signed requests matching the archive search's filters (`signed_requests`)."""
        return signed_requests(self.session, text=text, nomor=nomor, kind=kind, limit=limit)

    def audit(self, **entry: Unpack[AuditEntry]) -> None:
        self.session.execute(insert(t.audit_trail).values(at=datetime.now(UTC), **entry))

    def audit_trail(self, *, document_id: str | None = None, limit: int = 200) -> list[AuditRow]:
        query = select(t.audit_trail)
        if document_id:
            query = query.where(t.audit_trail.c.document_id == document_id)
        rows = self.session.execute(query.order_by(t.audit_trail.c.id.desc()).limit(limit)).mappings()
        return [cast(AuditRow, dict(r, at=aware_utc(r["at"]))) for r in rows]


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def signed_requests(session: Session, *, text: str = "", nomor: str = "", kind: str = "",
                    limit: int = 5000) -> list[SignatureRequest]:
    """Signed requests (newest first) whose title holds `text` and nomor holds `nomor`: the archive's search."""
    c = t.signature_requests.c
    query = select(t.signature_requests).where(c.status == Status.SIGNED.value)
    if text:
        query = query.where(c.title.ilike(_like(text), escape="\\"))
    if nomor:
        query = query.where(c.nomor.ilike(_like(nomor), escape="\\"))
    if kind:
        query = query.where(c.kind == kind)
    rows = session.execute(query.order_by(c.updated_at.desc()).limit(limit)).mappings()
    return [_request(r) for r in rows]
