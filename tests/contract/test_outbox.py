"""The transactional outbox and processed-message table, on PostgreSQL + RabbitMQ and SQLite + in-process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from naskah_shared.bus.amqp import AmqpBus
from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.db.engine import make_engine
from naskah_shared.db.outbox import OutboxRelay
from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.messages import Envelope
from tests.contract.outbox_schema import effects, metadata, tables

ROOT = Path(__file__).resolve().parents[2]
DRAFTED = {"sk_id": "sk-1", "drafter": "kasubid-1"}  # an sk.drafted the outbox's contract check lets through


@pytest.fixture(params=["postgres+amqp", "sqlite+inprocess"])
def stack(request, tmp_path):
    if request.param == "postgres+amqp":
        url = request.getfixturevalue("pg_url")
        bus = AmqpBus(request.getfixturevalue("amqp_url"), "test", retry_delays_ms=(100,))
    else:
        url, bus = f"sqlite:///{tmp_path / 'svc.db'}", InProcessBus(retry_delays=(0.1,))
    yield url, bus
    bus.stop()


def consumer(engine, seen: list[str]):
    """An idempotent handler: records its effect once per event id, whatever the deliveries."""
    factory = sessionmaker(engine)

    def handle(envelope: Envelope) -> None:
        seen.append(envelope.id)
        with SqlUnitOfWork(factory, tables, producer="report-service") as uow:
            if not uow.claim(envelope, "report-service"):
                return
            uow.session.execute(insert(effects).values(event_id=envelope.id))
            uow.commit()

    return handle


def effect_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(effects)).scalar_one()


def test_event_committed_then_crash_is_published_after_restart_exactly_once(stack):
    url, bus = stack
    proc = subprocess.run([sys.executable, "-m", "tests.contract.outbox_worker", url], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 9, proc.stderr
    event_id = proc.stdout.strip()

    engine = make_engine(url)
    relay = OutboxRelay(engine, tables, bus.publish)
    assert relay.pending() == 1, "the event survived the crash in the outbox"
    seen: list[str] = []
    bus.subscribe(f"test-{uuid.uuid4().hex[:6]}", ["sk.*"], consumer(engine, seen))
    bus.start()
    if isinstance(bus, AmqpBus):
        assert bus.wait_ready()
    assert relay.relay_once() == 1
    assert relay.pending() == 0
    # The relay died after publishing but before marking the row: the event goes out again.
    with engine.connect() as conn:
        body = conn.execute(select(tables.outbox.c.body)).scalar_one()
    bus.publish(Envelope.from_json(body))
    deadline = time.monotonic() + 15
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen == [event_id, event_id], "delivered twice"
    assert effect_count(engine) == 1, "handled once"
    engine.dispose()


def test_uow_rolls_back_state_and_events_together(stack):
    url, _ = stack
    engine = make_engine(url)
    metadata.create_all(engine)
    with SqlUnitOfWork(sessionmaker(engine), tables, producer="sk-service") as uow:
        uow.session.execute(insert(effects).values(event_id="x"))
        uow.emit(Envelope(type="sk.drafted", payload=DRAFTED, producer="sk-service"))
        # no commit: an exception in a handler leaves here the same way
    assert effect_count(engine) == 0
    assert OutboxRelay(engine, tables, lambda e: None).pending() == 0
    engine.dispose()


def test_a_claim_holds_once_per_consumer_and_only_when_committed(stack):
    url, _ = stack
    engine = make_engine(url)
    metadata.create_all(engine)
    factory, event = sessionmaker(engine), Envelope(type="sk.archived", payload={}, producer="sk-service")

    def claim(consumer: str, commit: bool = True) -> bool:
        with SqlUnitOfWork(factory, tables, producer=consumer) as uow:
            claimed = uow.claim(event, consumer)
            if commit:
                uow.commit()
            return claimed

    assert claim("report-service", commit=False) is True
    assert claim("report-service") is True, "a rolled-back claim leaves the event unhandled"
    assert claim("report-service") is False, "a redelivery is recognised"
    assert claim("signature-service") is True, "each consumer claims for itself"
    engine.dispose()


def test_two_relays_on_postgres_send_each_event_once(pg_url):
    engine = make_engine(pg_url)
    metadata.create_all(engine)
    factory = sessionmaker(engine)
    for i in range(200):
        with SqlUnitOfWork(factory, tables, producer="sk-service") as uow:
            uow.emit(Envelope(type="sk.drafted", payload={**DRAFTED, "i": i}, producer="sk-service"))
            uow.commit()
    sent: list[int] = []
    lock = threading.Lock()

    def publish(envelope: Envelope) -> None:
        time.sleep(0.001)
        with lock:
            sent.append(envelope.payload["i"])

    relays = [OutboxRelay(engine, tables, publish, batch=20) for _ in range(2)]
    threads = [threading.Thread(target=lambda r=r: [r.relay_once() for _ in range(10)]) for r in relays]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sent) == list(range(200))
    engine.dispose()


def test_relay_keeps_events_while_the_bus_is_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    metadata.create_all(engine)
    with SqlUnitOfWork(sessionmaker(engine), tables, producer="sk-service") as uow:
        uow.emit(Envelope(type="sk.drafted", payload=DRAFTED, producer="sk-service"))
        uow.commit()
    down = AmqpBus("amqp://guest:guest@127.0.0.1:1/%2F", "test")
    relay = OutboxRelay(engine, tables, down.publish)
    assert relay.relay_once() == 0
    with engine.connect() as conn:
        attempts, error = conn.execute(select(tables.outbox.c.attempts, tables.outbox.c.last_error)).one()
    assert attempts == 1 and "BusUnavailable" in error
    got: list[Envelope] = []
    assert OutboxRelay(engine, tables, got.append).relay_once() == 1
    assert len(got) == 1
    engine.dispose()
