"""The transactional outbox (DESIGN §3) and its relay.

An event is written to `outbox` in the same transaction as the state change
that caused it; the relay publishes committed rows with publisher confirms and
marks them sent. A crash between commit and publish loses nothing: the row is
still there at the next start. A crash between publish and marking sends the
event twice, which consumers absorb through `processed_messages`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    select,
    update,
)

from naskah_shared.db.engine import is_postgres
from naskah_shared.messages import Envelope, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxTables:
    outbox: Table
    processed: Table


def outbox_tables(metadata: MetaData) -> OutboxTables:
    outbox = Table(
        "outbox", metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(36), nullable=False, unique=True),
        Column("type", String(100), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )
    processed = Table(
        "processed_messages", metadata,
        Column("message_id", String(36), nullable=False),
        Column("consumer", String(100), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("message_id", "consumer"),
    )
    return OutboxTables(outbox, processed)


class OutboxRelay:
    """Publishes committed outbox rows in order; one background thread per service."""

    def __init__(self, engine: Engine, tables: OutboxTables, publish: Callable[[Envelope], None], *,
                 interval: float = 1.0, batch: int = 100) -> None:
        self.engine, self.tables, self.publish = engine, tables, publish
        self.interval, self.batch = interval, batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """Called after a commit that wrote events, so they go out now rather than at the next poll."""
        self._wake.set()

    def relay_once(self) -> int:
        """Publish what is pending; returns how many rows were sent. Stops at the first failure."""
        t = self.tables.outbox
        sent = 0
        with self.engine.begin() as conn:
            query = select(t.c.seq, t.c.body).where(t.c.published_at.is_(None)).order_by(t.c.seq)
            query = query.limit(self.batch)
            if is_postgres(self.engine):  # two relays (two gunicorn workers) never send one row twice
                query = query.with_for_update(skip_locked=True)
            rows = conn.execute(query).all()
            for seq, body in rows:
                try:
                    self.publish(Envelope.from_json(body))
                except Exception as exc:  # the bus is down: keep the row, count the try
                    conn.execute(update(t).where(t.c.seq == seq).values(
                        attempts=t.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:1000]))
                    log.warning("outbox publish failed; will retry", extra={"error": str(exc)})
                    break
                conn.execute(update(t).where(t.c.seq == seq).values(published_at=utcnow()))
                sent += 1
        return sent

    def pending(self) -> int:
        t = self.tables.outbox
        with self.engine.connect() as conn:
            return len(conn.execute(select(t.c.seq).where(t.c.published_at.is_(None))).all())

    def _run(self) -> None:
        backoff = self.interval
        while not self._stop.is_set():
            try:
                sent = self.relay_once()
                backoff = self.interval
                if sent == self.batch:
                    continue
            except Exception:
                log.exception("outbox relay error")
                backoff = min(backoff * 2, 30.0)
            self._wake.wait(backoff)
            self._wake.clear()

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
