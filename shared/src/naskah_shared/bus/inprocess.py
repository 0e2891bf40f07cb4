"""`InProcessBus`: the `Bus` port inside one process, for the embedded run.

It keeps the AMQP adapter's promises: topic routing to declared queues,
at-least-once delivery (a message leaves its queue only when its handler has
returned), growing retry delays, and parking with the reason after the last
attempt (an outage, `bus.transient`, retried without counting, up to
`transient_limit_s`). Queues live in SQLite: in memory by default, or in `journal_path` so
that messages survive a crash of the process and are delivered on restart.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from naskah_shared import logs
from naskah_shared.bus.ports import Handler, ParkedMessage
from naskah_shared.bus.topology import topic_matches
from naskah_shared.bus.transient import TRANSIENT_LIMIT_S, is_transient
from naskah_shared.messages import Envelope

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0, not_before REAL NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS messages_queue ON messages (queue, not_before, seq);
CREATE TABLE IF NOT EXISTS parked (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, queue TEXT NOT NULL, body TEXT NOT NULL,
  attempts INTEGER NOT NULL, reason TEXT NOT NULL);
"""


@dataclass
class _Queue:
    name: str
    keys: tuple[str, ...]
    handler: Handler
    max_attempts: int
    thread: threading.Thread | None = None
    wake: threading.Condition = field(default_factory=threading.Condition)


class InProcessBus:
    def __init__(self, *, journal_path: Path | None = None,
                 retry_delays: Sequence[float] = (0.5, 2.0, 10.0, 30.0),
                 transient_limit_s: float = TRANSIENT_LIMIT_S) -> None:
        if journal_path:
            journal_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(journal_path) if journal_path else ":memory:",
                                   check_same_thread=False, isolation_level=None)
        if journal_path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._queues: dict[str, _Queue] = {}
        self._running = 0
        self._stopping = threading.Event()
        self.retry_delays = tuple(retry_delays)
        self.transient_limit_s = transient_limit_s
        # seq -> (outage failures in a row, time of the first): in memory, so a restart starts the clock again
        self._outages: dict[int, tuple[int, float]] = {}

    # --- the port -------------------------------------------------------------
    def publish(self, envelope: Envelope) -> None:
        body = envelope.to_json().decode()
        targets = [q for q in self._queues.values() if any(topic_matches(k, envelope.type) for k in q.keys)]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO messages (queue, body) VALUES (?, ?)",
                                 [(q.name, body) for q in targets])
            self._db.execute("COMMIT")
        for q in targets:
            with q.wake:
                q.wake.notify()

    def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler,
                  *, max_attempts: int = 5) -> None:
        q = _Queue(queue, tuple(routing_keys), handler, max_attempts)
        self._queues[queue] = q
        if self._running:
            self._start_queue(q)

    def start(self) -> None:
        # The embedded run shares one bus between three runtimes: count starts and stops.
        self._running += 1
        if self._running == 1:
            self._stopping.clear()
            for q in self._queues.values():
                self._start_queue(q)

    def stop(self) -> None:
        if self._running == 0:
            return
        self._running -= 1
        if self._running:
            return
        self._stopping.set()
        for q in self._queues.values():
            with q.wake:
                q.wake.notify_all()
            if q.thread:
                q.thread.join(timeout=30)
                q.thread = None

    def ping(self) -> None:
        with self._lock:
            self._db.execute("SELECT 1")

    def parked(self, queue: str) -> list[ParkedMessage]:
        with self._lock:
            rows = self._db.execute("SELECT body, attempts, reason FROM parked WHERE queue = ? ORDER BY seq",
                                    (queue,)).fetchall()
        return [ParkedMessage(Envelope.from_json(b), a, r) for b, a, r in rows]

    # --- helpers for the embedded run and tests -----------------------------------
    def subscriptions(self) -> dict[str, tuple[str, ...]]:
        """Each declared queue with its routing keys (what RabbitMQ's definitions must hold)."""
        return {q.name: q.keys for q in self._queues.values()}

    def pending(self, queue: str | None = None) -> int:
        with self._lock:
            if queue:
                row = self._db.execute("SELECT count(*) FROM messages WHERE queue = ?", (queue,)).fetchone()
            else:
                row = self._db.execute("SELECT count(*) FROM messages").fetchone()
        count: int = row[0]  # count(*) always answers one integer row
        return count

    def close(self) -> None:
        self._running = min(self._running, 1)
        self.stop()
        self._db.close()

    # --- delivery -------------------------------------------------------------------
    def _start_queue(self, q: _Queue) -> None:
        if q.thread is None or not q.thread.is_alive():
            q.thread = threading.Thread(target=self._consume, args=(q,), name=f"bus-{q.name}", daemon=True)
            q.thread.start()

    def _next(self, q: _Queue) -> tuple[int, str, int] | float:
        """The next due message, or how long to wait for one."""
        with self._lock:
            row = self._db.execute(
                "SELECT seq, body, attempt, not_before FROM messages WHERE queue = ? "
                "ORDER BY not_before, seq LIMIT 1", (q.name,)).fetchone()
        if row is None:
            return 1.0
        wait = row[3] - time.time()
        return (row[0], row[1], row[2]) if wait <= 0 else wait

    def _consume(self, q: _Queue) -> None:
        while not self._stopping.is_set():
            with q.wake:
                nxt = self._next(q)
                if isinstance(nxt, float):
                    q.wake.wait(min(nxt, 1.0))
                    continue
            self._deliver(q, *nxt)

    def _deliver(self, q: _Queue, seq: int, body: str, attempt: int) -> None:
        try:
            envelope = Envelope.from_json(body)
        except Exception as exc:  # a malformed message never succeeds: park it at once
            self._park(q, seq, body, attempt + 1, f"malformed: {exc}")
            return
        try:
            with logs.correlated(envelope.correlation_id):
                q.handler(envelope)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if is_transient(exc):  # an outage: capped backoff, not counted, until it lasts too long
                now = time.time()
                streak, since = self._outages.get(seq, (0, now))
                self._outages[seq] = (streak + 1, since)
                park = now - since >= self.transient_limit_s
                if park:
                    reason = f"{reason} (an outage for {round(now - since)} s, past {self.transient_limit_s:g} s)"
                step = streak + 1
            else:
                self._outages.pop(seq, None)
                attempt += 1
                park = attempt >= q.max_attempts
                step = attempt
            if park:
                log.error("message parked", extra={"queue": q.name, "type": envelope.type, "reason": reason})
                self._outages.pop(seq, None)
                self._park(q, seq, body, attempt, reason)
            else:
                delay = self.retry_delays[min(step - 1, len(self.retry_delays) - 1)]
                log.warning("handler failed; retrying", extra={"queue": q.name, "attempt": attempt,
                                                                "delay_s": delay, "reason": reason})
                with self._lock:
                    self._db.execute("UPDATE messages SET attempt = ?, not_before = ? WHERE seq = ?",
                                     (attempt, time.time() + delay, seq))
            return
        self._outages.pop(seq, None)
        with self._lock:
            self._db.execute("DELETE FROM messages WHERE seq = ?", (seq,))

    def _park(self, q: _Queue, seq: int, body: str, attempts: int, reason: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("INSERT INTO parked (queue, body, attempts, reason) VALUES (?, ?, ?, ?)",
                             (q.name, body, attempts, reason[:2000]))
            self._db.execute("DELETE FROM messages WHERE seq = ?", (seq,))
            self._db.execute("COMMIT")
