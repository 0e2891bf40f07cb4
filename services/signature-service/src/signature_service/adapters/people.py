"""SQL repositories for people, their sessions and the inbox's read model; the argon2 password hasher."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, cast

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from signature_service.adapters import tables as t
from signature_service.service_layer.people import Person
from signature_service.service_layer.rows import InboxSk, Review, ReviewRow, SkChange


class Argon2Hasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's second recommended parameters)."""

    def __init__(self, *, concurrent: int = 4, **params: Any) -> None:
        self._argon = Argon2(**params)
        # Each hash takes 64 MiB: at most `concurrent` at once, the others wait their turn.
        self._slots = threading.BoundedSemaphore(concurrent)

    def hash(self, password: str) -> str:
        with self._slots:
            return self._argon.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            with self._slots:
                return self._argon.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, hashed: str) -> bool:
        return self._argon.check_needs_rehash(hashed)


def _person(row: Any) -> Person:
    return Person(id=row["id"], username=row["username"], nip=row["nip"] or "", nama=row["nama"], role=row["role"],
                  jabatan=row["jabatan"] or "", pangkat=row["pangkat"] or "", signer_id=row["signer_id"])


class SqlPeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, person: Person, password_hash: str, now: datetime) -> None:
        self.session.execute(insert(t.people).values(
            id=person.id, username=person.username, nip=person.nip or None, nama=person.nama, role=person.role,
            jabatan=person.jabatan, pangkat=person.pangkat, signer_id=person.signer_id,
            password_hash=password_hash, failed_logins=0, created_at=now, updated_at=now))

    def find(self, login: str) -> tuple[Person, str] | None:
        """The person whose username or NIP is `login`, with their password hash."""
        row = self.session.execute(select(t.people).where(
            or_(t.people.c.username == login, t.people.c.nip == login))).mappings().first()
        return (_person(row), row["password_hash"]) if row else None

    def get(self, person_id: str) -> Person | None:
        row = self.session.execute(select(t.people).where(t.people.c.id == person_id)).mappings().first()
        return _person(row) if row else None

    def all(self) -> list[Person]:
        return [_person(r) for r in self.session.execute(select(t.people).order_by(t.people.c.username)).mappings()]

    def set_password(self, person_id: str, password_hash: str, now: datetime) -> None:
        self.session.execute(update(t.people).where(t.people.c.id == person_id).values(
            password_hash=password_hash, failed_logins=0, locked_until=None, updated_at=now))

    # --- the login lockout: one atomic UPDATE per attempt ---------------------------------
    def reserve_attempt(self, person_id: str, now: datetime) -> tuple[int, datetime | None]:
        """Count an attempt unless locked: (the attempt's number, None) or (0, locked until).

        The increment happens in the database (`failed_logins + 1`), so concurrent attempts each get their
        own number; PostgreSQL's row lock orders them, SQLite's write lock does the same.
        """
        p = t.people
        done = self.session.execute(update(p).where(
            p.c.id == person_id, or_(p.c.locked_until.is_(None), p.c.locked_until <= now)).values(
            failed_logins=p.c.failed_logins + 1))
        row = self.session.execute(select(p.c.failed_logins, p.c.locked_until).where(p.c.id == person_id)).first()
        if done.rowcount != 1:
            return 0, aware_utc(row.locked_until) if row else now
        return row.failed_logins, None

    def login_succeeded(self, person_id: str, now: datetime) -> None:
        self.session.execute(update(t.people).where(t.people.c.id == person_id).values(failed_logins=0))

    def lock(self, person_id: str, until: datetime) -> None:
        self.session.execute(update(t.people).where(t.people.c.id == person_id).values(
            failed_logins=0, locked_until=until))

    # --- sessions ---------------------------------------------------------------------
    def add_session(self, key: str, person_id: str, csrf: str, now: datetime, expires: datetime) -> None:
        self.session.execute(insert(t.sessions).values(id_sha256=key, person_id=person_id, csrf_token=csrf,
                                                       created_at=now, last_seen=now, expires_at=expires))

    def get_session(self, key: str) -> tuple[Person, str, datetime, datetime] | None:
        s = t.sessions
        row = self.session.execute(select(s, t.people).join(t.people, t.people.c.id == s.c.person_id)
                                   .where(s.c.id_sha256 == key)).mappings().first()
        if row is None:
            return None
        return _person(row), row["csrf_token"], aware_utc(row["last_seen"]), aware_utc(row["expires_at"])

    def touch_session(self, key: str, now: datetime) -> None:
        self.session.execute(update(t.sessions).where(t.sessions.c.id_sha256 == key).values(last_seen=now))

    def end_session(self, key: str) -> None:
        self.session.execute(delete(t.sessions).where(t.sessions.c.id_sha256 == key))

    def end_sessions(self, person_id: str) -> None:
        self.session.execute(delete(t.sessions).where(t.sessions.c.person_id == person_id))

    def purge_sessions(self, idle_since: datetime, now: datetime) -> None:
        self.session.execute(delete(t.sessions).where(
            or_(t.sessions.c.last_seen < idle_since, t.sessions.c.expires_at < now)))


class SqlInboxRepository:
    """The read model of SKs awaiting review, and each person's recent reviews."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert_sk(self, sk_id: str, values: SkChange) -> None:
        """Write the SK's row unless a later event already did (events may arrive out of order)."""
        c = t.inbox_sk.c
        make = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = make(t.inbox_sk).values(sk_id=sk_id, **values)
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=["sk_id"], set_={k: stmt.excluded[k] for k in values},
            where=c.last_at <= stmt.excluded.last_at))

    def update_sk(self, sk_id: str, values: SkChange) -> None:
        """Change a row that exists, unless a later event already did."""
        c = t.inbox_sk.c
        self.session.execute(update(t.inbox_sk).where(c.sk_id == sk_id, c.last_at <= values["last_at"])
                             .values(**values))

    def get_sk(self, sk_id: str) -> InboxSk | None:
        row = self.session.execute(select(t.inbox_sk).where(t.inbox_sk.c.sk_id == sk_id)).mappings().first()
        return cast(InboxSk, dict(row, last_at=aware_utc(row["last_at"]))) if row else None

    def awaiting(self, role: str, limit: int = 100) -> list[InboxSk]:
        rows = self.session.execute(select(t.inbox_sk).where(t.inbox_sk.c.awaiting == role)
                                    .order_by(t.inbox_sk.c.last_at).limit(limit)).mappings()
        return [cast(InboxSk, dict(r, last_at=aware_utc(r["last_at"]))) for r in rows]

    def add_activity(self, event_id: str, values: Review) -> None:
        make = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        self.session.execute(make(t.inbox_activity).values(event_id=event_id, **values)
                             .on_conflict_do_nothing(index_elements=["event_id"]))

    def last_note(self, sk_id: str) -> str | None:
        """The note of the SK's latest rejection (what its drafter is asked to change)."""
        return self.session.scalar(select(t.inbox_activity.c.note).where(
            t.inbox_activity.c.sk_id == sk_id, t.inbox_activity.c.decision == "reject")
            .order_by(t.inbox_activity.c.at.desc()).limit(1))

    def activity(self, person_id: str, limit: int = 20) -> list[ReviewRow]:
        a, s = t.inbox_activity, t.inbox_sk
        rows = self.session.execute(
            select(a, s.c.title, s.c.nomor).outerjoin(s, s.c.sk_id == a.c.sk_id)
            .where(a.c.person_id == person_id).order_by(a.c.at.desc()).limit(limit)).mappings()
        return [cast(ReviewRow, dict(r, at=aware_utc(r["at"]))) for r in rows]

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(t.inbox_sk)) or 0
