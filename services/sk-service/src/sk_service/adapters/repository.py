"""SQL repository for the SK aggregate, its versions, templates and the nomor register."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from sk_service.adapters import tables as t
from sk_service.domain.sk import Decision, Review, Role, Sk, Status
from sk_service.service_layer.unit_of_work import (
    ConcurrentUpdate,
    SkListing,
    SkVersion,
    StoredRef,
    StoredTemplate,
)


class SqlSkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[str, int] = {}  # sk id -> lock_version read

    # --- the aggregate ------------------------------------------------------

    def get(self, sk_id: str, *, for_update: bool = False) -> Sk | None:
        query = select(t.sk).where(t.sk.c.id == sk_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        if row is None:
            return None
        reviews = self.session.execute(
            select(t.sk_reviews).where(t.sk_reviews.c.sk_id == sk_id).order_by(t.sk_reviews.c.id)
        ).mappings()
        self._seen[sk_id] = row["lock_version"]
        return Sk(
            id=row["id"], content=row["content"], drafter=row["drafter"], created_at=aware_utc(row["created_at"]),
            status=Status(row["status"]), revision=row["revision"], nomor=row["nomor"],
            signed_document=row["signed_document"],
            reviews=[Review(Role(r["role"]), Decision(r["decision"]), r["note"], r["reviewer"],
                            aware_utc(r["at"]), r["revision"], r["reviewer_nama"] or "", r["vouched_by"])
                     for r in reviews],
        )

    def version_read(self, sk_id: str) -> int:
        """The version ``get`` read: what ``save`` will expect, in this or (``expect``) a later transaction."""
        return self._seen[sk_id]

    def expect(self, sk_id: str, version: int) -> None:
        """``save`` in this transaction refuses the SK unless it is still at ``version`` (read without a lock
        in an earlier transaction, while its documents were rendered)."""
        self._seen[sk_id] = version

    def add(self, sk: Sk) -> None:
        now = datetime.now(UTC)
        self.session.execute(insert(t.sk).values(
            id=sk.id, status=sk.status.value, revision=sk.revision, nomor=sk.nomor, drafter=sk.drafter,
            content=sk.content, signed_document=sk.signed_document, created_at=sk.created_at,
            updated_at=now, lock_version=1))
        self._seen[sk.id] = 1
        self._save_reviews(sk, 0)

    def save(self, sk: Sk) -> None:
        seen = self._seen[sk.id]
        result = self.session.execute(
            update(t.sk).where(t.sk.c.id == sk.id, t.sk.c.lock_version == seen).values(
                status=sk.status.value, revision=sk.revision, nomor=sk.nomor, content=sk.content,
                signed_document=sk.signed_document, updated_at=datetime.now(UTC), lock_version=seen + 1))
        if result.rowcount != 1:
            raise ConcurrentUpdate(f"SK {sk.id} was changed by someone else; read it again")
        self._seen[sk.id] = seen + 1
        stored = self.session.scalar(select(func.count()).where(t.sk_reviews.c.sk_id == sk.id)) or 0
        self._save_reviews(sk, stored)

    def _save_reviews(self, sk: Sk, stored: int) -> None:
        new = sk.reviews[stored:]
        if new:
            self.session.execute(insert(t.sk_reviews), [
                {"sk_id": sk.id, "role": r.role.value, "decision": r.decision.value, "note": r.note,
                 "reviewer": r.reviewer, "at": r.at, "revision": r.revision, "reviewer_nama": r.reviewer_nama or None,
                 "vouched_by": r.vouched_by} for r in new])

    def search(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> list[SkListing]:
        query = select(t.sk.c.id, t.sk.c.status, t.sk.c.revision, t.sk.c.nomor, t.sk.c.created_at,
                       t.sk.c.updated_at, t.sk.c.content["kegiatan"].as_string().label("kegiatan"))
        if status:
            query = query.where(t.sk.c.status == status)
        query = query.order_by(t.sk.c.created_at.desc()).limit(limit).offset(offset)
        return [SkListing(**r) for r in self.session.execute(query).mappings()]

    # --- versions -----------------------------------------------------------

    def add_version(self, sk: Sk, docx: StoredRef, pdf: StoredRef) -> int:
        n = (self.session.scalar(select(func.max(t.sk_versions.c.n)).where(t.sk_versions.c.sk_id == sk.id))
             or 0) + 1
        self.session.execute(insert(t.sk_versions).values(
            sk_id=sk.id, n=n, revision=sk.revision, status=sk.status.value, content=sk.content,
            docx=docx, pdf=pdf, created_at=datetime.now(UTC)))
        return n

    def versions(self, sk_id: str) -> list[SkVersion]:
        rows = self.session.execute(
            select(t.sk_versions).where(t.sk_versions.c.sk_id == sk_id).order_by(t.sk_versions.c.n)).mappings()
        return [_version(r) for r in rows]

    def version(self, sk_id: str, n: int) -> SkVersion | None:
        row = self.session.execute(select(t.sk_versions).where(
            t.sk_versions.c.sk_id == sk_id, t.sk_versions.c.n == n)).mappings().first()
        return _version(row) if row else None

    def latest_version(self, sk_id: str) -> SkVersion | None:
        row = self.session.execute(select(t.sk_versions).where(t.sk_versions.c.sk_id == sk_id)
                                   .order_by(t.sk_versions.c.n.desc()).limit(1)).mappings().first()
        return _version(row) if row else None

    def version_of_revision(self, sk_id: str, revision: int) -> SkVersion | None:
        row = self.session.execute(select(t.sk_versions).where(
            t.sk_versions.c.sk_id == sk_id, t.sk_versions.c.revision == revision)
            .order_by(t.sk_versions.c.n).limit(1)).mappings().first()
        return _version(row) if row else None

    # --- the nomor register -------------------------------------------------

    def next_nomor_seq(self, office: str, year: int) -> int:
        """Take the next number under a row lock; the caller's transaction makes it final.

        Both databases serialise here: PostgreSQL by `FOR UPDATE` on the counter
        row, SQLite by its single writer. A rolled-back transaction gives the
        number back, so the register has no gaps.
        """
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        # The year's first number: many may race to create the counter; exactly one row results.
        self.session.execute(make(t.nomor_register).values(office=office, year=year, last_seq=0)
                             .on_conflict_do_nothing())
        last = self.session.execute(
            select(t.nomor_register.c.last_seq).where(t.nomor_register.c.office == office,
                                                      t.nomor_register.c.year == year).with_for_update()
        ).scalar_one()
        seq = last + 1
        self.session.execute(update(t.nomor_register).where(
            t.nomor_register.c.office == office, t.nomor_register.c.year == year).values(last_seq=seq))
        return seq

    def peek_nomor_seq(self, office: str, year: int) -> int:
        """The number ``next_nomor_seq`` would take now, without taking it (nor locking anything)."""
        last = self.session.scalar(select(t.nomor_register.c.last_seq).where(
            t.nomor_register.c.office == office, t.nomor_register.c.year == year))
        return (last or 0) + 1

    def record_nomor(self, office: str, year: int, seq: int, nomor: str, *, sk_id: str | None = None,
                     surat_edaran_id: str | None = None) -> None:
        self.session.execute(insert(t.nomor_assignments).values(
            office=office, year=year, seq=seq, nomor=nomor, sk_id=sk_id, surat_edaran_id=surat_edaran_id,
            assigned_at=datetime.now(UTC)))

    def nomor_assignments(self, office: str, year: int) -> list[dict[str, Any]]:
        """The register's numbers of a year, in order (what an audit, or a test, reads)."""
        rows = self.session.execute(select(t.nomor_assignments).where(
            t.nomor_assignments.c.office == office, t.nomor_assignments.c.year == year)
            .order_by(t.nomor_assignments.c.seq)).mappings()
        return [dict(r) for r in rows]

    # --- templates ----------------------------------------------------------

    def templates(self) -> list[StoredTemplate]:
        rows = self.session.execute(select(t.templates).order_by(t.templates.c.name)).mappings()
        return [_template(r) for r in rows]

    def template(self, name: str) -> StoredTemplate | None:
        row = self.session.execute(select(t.templates).where(t.templates.c.name == name)).mappings().first()
        return _template(row) if row else None

    def put_template(self, name: str, document: StoredRef, size: int, placeholders: list[str], by: str) -> None:
        values = {"document": document, "size": size, "placeholders": placeholders,
                  "uploaded_at": datetime.now(UTC), "uploaded_by": by}
        if self.template(name) is None:
            self.session.execute(insert(t.templates).values(name=name, **values))
        else:
            self.session.execute(update(t.templates).where(t.templates.c.name == name).values(**values))


def _version(row: RowMapping) -> SkVersion:
    return SkVersion(sk_id=row["sk_id"], n=row["n"], revision=row["revision"], status=row["status"],
                     content=row["content"], docx=row["docx"], pdf=row["pdf"], created_at=row["created_at"])


def _template(row: RowMapping) -> StoredTemplate:
    return StoredTemplate(name=row["name"], document=row["document"], size=row["size"],
                          placeholders=row["placeholders"], uploaded_at=row["uploaded_at"],
                          uploaded_by=row["uploaded_by"])
