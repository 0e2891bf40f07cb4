"""SQL for what must hold across processes: passphrase attempts, archive intents and batch jobs' leases.

Each method is one or two statements meant for a short transaction of its own, committed at once, so no
row stays locked while a key opens, a PDF is signed or the store is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Unpack, cast

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from signature_service.adapters import tables as t
from signature_service.service_layer.rows import Intent, Job

_TIMES = ("created_at", "started_at", "heartbeat_at", "lease_until", "finished_at")


def _row(row: Any) -> dict[str, Any]:
    return {k: aware_utc(v) if k in _TIMES else v for k, v in dict(row).items()}


class SqlGuardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert(self):  # type: ignore[no-untyped-def]
        return pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert

    # --- passphrase attempts ------------------------------------------------------------------
    def reserve_attempt(self, signer: str, *, limit: int, now: datetime, hold: timedelta) -> datetime | None:
        """Reserve one attempt in a single UPDATE (atomic in every process); None when reserved, else
        the time until which the signer must wait. In-flight attempts count with the failures, so N
        parallel guesses reach at most N key openings; a reservation whose process died lapses at
        `reserved_until`."""
        c = t.signer_lockouts.c
        self.session.execute(self._insert()(t.signer_lockouts).values(signer=signer, failures=0, reserved=0)
                             .on_conflict_do_nothing(index_elements=["signer"]))
        live = case((or_(c.reserved_until.is_(None), c.reserved_until <= now), 0), else_=c.reserved)
        done = self.session.execute(update(t.signer_lockouts).where(
            c.signer == signer, or_(c.locked_until.is_(None), c.locked_until <= now),
            c.failures + live < limit).values(reserved=live + 1, reserved_until=now + hold))
        if done.rowcount == 1:
            return None
        row = self.session.execute(select(t.signer_lockouts).where(c.signer == signer)).mappings().one()
        locked = aware_utc(row["locked_until"])
        return locked if locked and locked > now else (aware_utc(row["reserved_until"]) or now + hold)

    def settle_attempt(self, signer: str, *, wrong: bool, right: bool, limit: int, now: datetime,
                       lock_for: timedelta) -> datetime | None:
        """Give the reservation back, counting a wrong passphrase (the limit-th locks the signer out, and
        the count starts again after the lock) or clearing the count after a right one. Returns the lock's
        end when this attempt locked the signer."""
        c = t.signer_lockouts.c
        values: dict[str, Any] = {"reserved": case((c.reserved > 0, c.reserved - 1), else_=0)}
        if wrong:
            values["failures"] = c.failures + 1
        elif right:
            values["failures"] = 0
        self.session.execute(update(t.signer_lockouts).where(c.signer == signer).values(**values))
        if not wrong:
            return None
        until = now + lock_for
        locked = self.session.execute(update(t.signer_lockouts).where(
            c.signer == signer, c.failures >= limit).values(failures=0, locked_until=until))
        return until if locked.rowcount == 1 else None

    # --- archive intents ----------------------------------------------------------------------
    def add_intent(self, **values: Unpack[Intent]) -> bool:
        """Record an intent to write; False when another one for the request is already there."""
        # RETURNING, not rowcount: SQLAlchemy does not promise an INSERT's rowcount
        done = self.session.execute(self._insert()(t.archive_intents).values(**values)
                                    .on_conflict_do_nothing(index_elements=["request_id"])
                                    .returning(t.archive_intents.c.request_id))
        return done.first() is not None

    def intent(self, request_id: str) -> Intent | None:
        row = self.session.execute(select(t.archive_intents).where(
            t.archive_intents.c.request_id == request_id)).mappings().first()
        return cast(Intent, _row(row)) if row is not None else None

    def intents(self, *, limit: int = 200) -> list[Intent]:
        rows = self.session.execute(select(t.archive_intents).order_by(t.archive_intents.c.created_at)
                                    .limit(limit)).mappings()
        return [cast(Intent, _row(r)) for r in rows]

    def drop_intent(self, request_id: str) -> None:
        self.session.execute(delete(t.archive_intents).where(t.archive_intents.c.request_id == request_id))

    # --- batch jobs ---------------------------------------------------------------------------
    def acquire_job(self, batch_id: str, signer: str, *, owner: str, now: datetime, lease: timedelta,
                    left: int) -> bool:
        """Start (or take over) the batch's job; False while another owner's lease is live."""
        c = t.batch_jobs.c
        values = {"owner": owner, "state": "running", "started_at": now, "heartbeat_at": now,
                  "lease_until": now + lease, "finished_at": None, "done_count": 0, "left_count": left,
                  "error_code": None, "error_message": None}
        stmt = self._insert()(t.batch_jobs).values(batch_id=batch_id, signer=signer, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["batch_id", "signer"], set_=values,
                                          where=or_(c.state != "running", c.lease_until <= now))
        return self.session.execute(stmt.returning(c.batch_id)).first() is not None

    def renew_job(self, batch_id: str, signer: str, *, owner: str, now: datetime, lease: timedelta,
                  done: int, left: int) -> bool:
        """The owner's heartbeat; False when the job is no longer its own (its lease lapsed and was taken)."""
        c = t.batch_jobs.c
        return self.session.execute(update(t.batch_jobs).where(
            c.batch_id == batch_id, c.signer == signer, c.owner == owner, c.state == "running").values(
            heartbeat_at=now, lease_until=now + lease, done_count=done, left_count=left)).rowcount == 1

    def end_job(self, batch_id: str, signer: str, *, owner: str, now: datetime, state: str, done: int,
                left: int, error: dict[str, str] | None) -> None:
        c = t.batch_jobs.c
        self.session.execute(update(t.batch_jobs).where(
            c.batch_id == batch_id, c.signer == signer, c.owner == owner).values(
            state=state, finished_at=now, heartbeat_at=now, lease_until=now, done_count=done, left_count=left,
            error_code=(error or {}).get("code"), error_message=(error or {}).get("message")))

    def jobs(self, batch_id: str, signer: str | None = None) -> list[Job]:
        query = select(t.batch_jobs).where(t.batch_jobs.c.batch_id == batch_id)
        if signer:
            query = query.where(t.batch_jobs.c.signer == signer)
        return [cast(Job, _row(r)) for r in self.session.execute(query).mappings()]
