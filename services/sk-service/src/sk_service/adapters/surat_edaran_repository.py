"""SQL repository for Surat Edaran batches and their letters.

A letter's row is written on its own (`letter_produced`), so the letters of one
batch can be produced in parallel without contending for the batch's row; the
batch itself is saved with optimistic locking like an SK.

Every letter write is a compare-and-set: a worker first leases a pending letter
(`claim_letter`), may record it produced only while it is still pending and still
its own, and a letter saved with the batch must be the version read. So a second
run of the same request (a redelivery while the first still runs) shares the
pending letters instead of rendering them again, and a late write can never turn
a signed letter back into a produced one.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from naskah_shared.owners import owner_gone
from sk_service.adapters import tables as t
from sk_service.domain.surat_edaran import Letter, LetterStatus, Status, SuratEdaran
from sk_service.service_layer.unit_of_work import ConcurrentUpdate, StoredRef, SuratEdaranListing

SE, LETTERS = t.surat_edaran, t.surat_edaran_letters


class SqlSuratEdaranRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[str, int] = {}
        self._letter_seen: dict[str, int] = {}

    def add(self, se: SuratEdaran) -> None:
        now = datetime.now(UTC)
        self.session.execute(insert(SE).values(
            id=se.id, sk_id=se.sk_id, nomor=se.nomor, status=se.status.value, content=se.content,
            created_by=se.created_by, created_at=se.created_at, updated_at=now, lock_version=1))
        self.session.execute(insert(LETTERS), [
            {"id": x.id, "surat_edaran_id": se.id, "position": x.position, "slug": x.slug, "kampung": x.kampung,
             "status": x.status.value, "document": x.document, "signed_document": x.signed_document,
             "updated_at": now} for x in se.letters])
        self._seen[se.id] = 1

    def get(self, se_id: str, *, for_update: bool = False) -> SuratEdaran | None:
        query = select(SE).where(SE.c.id == se_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        if row is None:
            return None
        letters = self.session.execute(
            select(LETTERS).where(LETTERS.c.surat_edaran_id == se_id).order_by(LETTERS.c.position)).mappings().all()
        self._seen[se_id] = row["lock_version"]
        self._letter_seen.update({x["id"]: x["version"] for x in letters})
        return SuratEdaran(
            id=row["id"], sk_id=row["sk_id"], nomor=row["nomor"], content=row["content"],
            created_by=row["created_by"], created_at=aware_utc(row["created_at"]), status=Status(row["status"]),
            note=row["note"],
            letters=[Letter(id=x["id"], position=x["position"], kampung=x["kampung"], slug=x["slug"],
                            status=LetterStatus(x["status"]), document=x["document"],
                            signed_document=x["signed_document"]) for x in letters])

    def save(self, se: SuratEdaran, *letters: Letter) -> None:
        """Write the batch (and the given letters) back, unless someone else changed the batch meanwhile."""
        seen = self._seen[se.id]
        done = self.session.execute(update(SE).where(SE.c.id == se.id, SE.c.lock_version == seen).values(
            status=se.status.value, note=se.note, updated_at=datetime.now(UTC), lock_version=seen + 1))
        if done.rowcount != 1:
            raise ConcurrentUpdate(f"Surat Edaran {se.id} was changed by someone else; read it again")
        self._seen[se.id] = seen + 1
        for letter in letters:
            self._save_letter(letter)

    def claim_letter(self, se_id: str, worker: str, *, until: datetime, now: datetime,
                     skip: Collection[str] = ()) -> str | None:
        """Lease the next pending letter nobody holds (or whose lease ran out, or whose holder is a process of
        this host that is certainly dead) to `worker`; None when none is free. The update compares the
        version read, so of two workers reaching for one letter one wins."""
        held = self.session.execute(select(LETTERS.c.claimed_by).distinct().where(
            LETTERS.c.surat_edaran_id == se_id, LETTERS.c.status == LetterStatus.PENDING.value,
            LETTERS.c.claimed_until >= now, LETTERS.c.claimed_by.is_not(None))).scalars().all()
        dead = [owner for owner in held if owner != worker and owner_gone(owner)]
        free = or_(LETTERS.c.claimed_until.is_(None), LETTERS.c.claimed_until < now,
                   *([LETTERS.c.claimed_by.in_(dead)] if dead else []))
        for _ in range(50):  # each lost race means another worker took that letter: try the next one
            query = (select(LETTERS.c.id, LETTERS.c.version)
                     .where(LETTERS.c.surat_edaran_id == se_id, LETTERS.c.status == LetterStatus.PENDING.value, free)
                     .order_by(LETTERS.c.position).limit(1))
            if skip:
                query = query.where(LETTERS.c.id.not_in(list(skip)))
            row = self.session.execute(query).first()
            if row is None:
                return None
            done = self.session.execute(update(LETTERS).where(
                LETTERS.c.id == row.id, LETTERS.c.version == row.version,
                LETTERS.c.status == LetterStatus.PENDING.value).values(
                claimed_by=worker, claimed_until=until, version=row.version + 1, updated_at=now))
            if done.rowcount == 1:
                return row.id
        return None

    def release_letter(self, letter_id: str, worker: str) -> None:
        """Give a letter back (its production failed): the next run may take it at once."""
        self.session.execute(update(LETTERS).where(LETTERS.c.id == letter_id, LETTERS.c.claimed_by == worker,
                                                   LETTERS.c.status == LetterStatus.PENDING.value).values(
            claimed_until=None, version=LETTERS.c.version + 1, updated_at=datetime.now(UTC)))

    def letter_produced(self, letter_id: str, document: StoredRef, worker: str | None = None) -> bool:
        """Record the letter produced, only if it is still pending (and, given `worker`, still leased to it)."""
        where = [LETTERS.c.id == letter_id, LETTERS.c.status == LetterStatus.PENDING.value]
        if worker is not None:
            where.append(LETTERS.c.claimed_by == worker)
        done = self.session.execute(update(LETTERS).where(*where).values(
            status=LetterStatus.PRODUCED.value, document=document, claimed_until=None,
            version=LETTERS.c.version + 1, updated_at=datetime.now(UTC)))
        return done.rowcount == 1

    def pending_letters(self, se_id: str) -> int:
        return self.session.execute(select(func.count()).select_from(LETTERS).where(
            LETTERS.c.surat_edaran_id == se_id, LETTERS.c.status == LetterStatus.PENDING.value)).scalar_one()

    def _save_letter(self, letter: Letter) -> None:
        seen = self._letter_seen.get(letter.id)
        where = [LETTERS.c.id == letter.id] + ([LETTERS.c.version == seen] if seen is not None else [])
        done = self.session.execute(update(LETTERS).where(*where).values(
            status=letter.status.value, document=letter.document, signed_document=letter.signed_document,
            version=LETTERS.c.version + 1, updated_at=datetime.now(UTC)))
        if done.rowcount != 1:
            raise ConcurrentUpdate(f"letter {letter.id} was changed by someone else; read it again")
        if seen is not None:
            self._letter_seen[letter.id] = seen + 1

    def list_for_sk(self, sk_id: str) -> list[SuratEdaranListing]:
        rows = self.session.execute(select(SE.c.id, SE.c.nomor, SE.c.status, SE.c.created_at)
                                    .where(SE.c.sk_id == sk_id).order_by(SE.c.created_at)).mappings()
        return [SuratEdaranListing(**dict(r, created_at=aware_utc(r["created_at"]))) for r in rows]
