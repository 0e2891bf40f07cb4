"""The `Bus` contract, run over both adapters: RabbitMQ (pika) and in-process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from naskah_shared.bus.amqp import AmqpBus
from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.bus.ports import Bus, BusUnavailable
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import StoreUnavailable
from naskah_shared.testing.rabbitmq import close_connections

HERE = Path(__file__).parent


class Inbox:
    """Collects what a handler saw, and lets a test wait for it."""

    def __init__(self) -> None:
        self.items: list[tuple[float, Envelope]] = []
        self.cond = threading.Condition()

    def add(self, envelope: Envelope) -> None:
        with self.cond:
            self.items.append((time.monotonic(), envelope))
            self.cond.notify_all()

    def wait(self, n: int, timeout: float = 15.0) -> list[Envelope]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.items) >= n, timeout)
            return [e for _, e in self.items]


@pytest.fixture(params=["inprocess", "amqp"])
def make_bus(request, tmp_path) -> Iterator[Callable[[], Bus]]:
    buses: list[Bus] = []

    def make(**kw: Any) -> Bus:
        if request.param == "amqp":
            bus: Bus = AmqpBus(request.getfixturevalue("amqp_url"), "test", retry_delays_ms=(100, 300), **kw)
        else:
            bus = InProcessBus(retry_delays=(0.1, 0.3), **kw)
        buses.append(bus)
        return bus

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for bus in buses:
        bus.stop()


def started(bus: Bus) -> Bus:
    bus.start()
    if isinstance(bus, AmqpBus):
        assert bus.wait_ready(), "consumer did not become ready"
    return bus


def qname() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_publish_reaches_bound_queues_only(make_bus):
    bus, sk, signed = make_bus(), Inbox(), Inbox()
    bus.subscribe(qname(), ["sk.*"], sk.add)
    bus.subscribe(qname(), ["document.signed"], signed.add)
    started(bus)
    sent = Envelope(type="sk.drafted", payload={"sk_id": "a", "judul": "Tim <&> 'Profil'"}, producer="test",
                    correlation_id="req-123")
    bus.publish(sent)
    bus.publish(Envelope(type="document.signed", payload={"n": 2}, producer="test"))
    got = sk.wait(1)
    assert [e.id for e in got] == [sent.id]
    assert got[0].payload == sent.payload and got[0].correlation_id == "req-123"
    assert [e.type for e in signed.wait(1)] == ["document.signed"]
    time.sleep(0.3)
    assert len(sk.items) == 1


def test_failing_handler_is_retried_with_growing_delay(make_bus):
    bus, inbox = make_bus(), Inbox()

    def flaky(envelope: Envelope) -> None:
        inbox.add(envelope)
        if len(inbox.items) < 3:
            raise RuntimeError("database busy")

    bus.subscribe(qname(), ["sk.#"], flaky, max_attempts=5)
    started(bus)
    bus.publish(Envelope(type="sk.submitted", payload={}, producer="test"))
    inbox.wait(3)
    time.sleep(0.5)
    times = [t for t, _ in inbox.items]
    assert len(times) == 3, "retried until it succeeded, then no more"
    first, second = times[1] - times[0], times[2] - times[1]
    assert first >= 0.08 and second >= 0.25 and second > first


def test_handler_that_keeps_failing_is_parked_with_its_reason(make_bus):
    bus, inbox, queue = make_bus(), Inbox(), qname()

    def broken(envelope: Envelope) -> None:
        inbox.add(envelope)
        raise ValueError(f"template missing for {envelope.payload['sk_id']}")

    bus.subscribe(queue, ["sk.approved"], broken, max_attempts=3)
    started(bus)
    sent = Envelope(type="sk.approved", payload={"sk_id": "sk-9"}, producer="test")
    bus.publish(sent)
    inbox.wait(3)
    deadline = time.monotonic() + 10
    while not (parked := bus.parked(queue)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(inbox.items) == 3
    assert len(parked) == 1
    assert parked[0].envelope.id == sent.id and parked[0].attempts == 3
    assert "ValueError: template missing for sk-9" in parked[0].reason
    assert len(bus.parked(queue)) == 1, "peeking does not consume the parked message"


def test_an_outage_does_not_use_up_the_attempts_but_a_long_one_is_parked_with_its_reason(make_bus):
    bus, inbox, queue = make_bus(transient_limit_s=2.0), Inbox(), qname()
    outage, endless = Inbox(), Inbox()

    def store_down_a_while(envelope: Envelope) -> None:  # more failures than max_attempts, then it works
        inbox.add(envelope)
        if len(inbox.items) <= 4:
            try:
                raise OSError("connection refused")
            except OSError as exc:  # as the S3 adapter raises it: the outage is the cause of the error
                raise StoreUnavailable("put drafts/x: cannot reach S3") from exc
        outage.add(envelope)

    def store_down_for_good(envelope: Envelope) -> None:
        endless.add(envelope)
        raise StoreUnavailable("put drafts/y: cannot reach S3")

    bus.subscribe(queue, ["sk.approved"], store_down_a_while, max_attempts=2)
    bus.subscribe(f"{queue}-long", ["sk.archived"], store_down_for_good, max_attempts=2)
    started(bus)
    bus.publish(sent := Envelope(type="sk.approved", payload={"sk_id": "sk-1"}, producer="test"))
    bus.publish(long := Envelope(type="sk.archived", payload={"sk_id": "sk-2"}, producer="test"))
    assert [e.id for e in outage.wait(1, timeout=15)] == [sent.id], "delivered once the store was back"
    assert len(inbox.items) == 5 and bus.parked(queue) == []
    deadline = time.monotonic() + 15
    while not (parked := bus.parked(f"{queue}-long")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(parked) == 1 and parked[0].envelope.id == long.id
    assert len(endless.items) > 2, "retried past max_attempts while the outage lasted"
    assert "StoreUnavailable: put drafts/y" in parked[0].reason and "outage" in parked[0].reason


def test_consumer_killed_before_ack_gets_the_message_again(make_bus, tmp_path):
    queue, marker = qname(), tmp_path / "worker"
    if make_bus.kind == "amqp":
        target = make_bus().params  # type: ignore[attr-defined]
        url = f"amqp://guest:guest@127.0.0.1:5672/{target.virtual_host}"
    else:
        url = str(tmp_path / "journal.sqlite")
    proc = subprocess.Popen([sys.executable, str(HERE / "crash_worker.py"), make_bus.kind, url, queue, str(marker)])
    try:
        deadline = time.monotonic() + 30
        while not marker.with_suffix(".ready").exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if make_bus.kind == "amqp":
            publisher = make_bus()
            publisher.publish(Envelope(type="crash.now", payload={"n": 1}, producer="test"))
        assert proc.wait(timeout=30) == 9, "the worker died inside its handler"
    finally:
        proc.kill()
    first_id = marker.with_suffix(".got").read_text()
    inbox = Inbox()
    bus = make_bus() if make_bus.kind == "amqp" else InProcessBus(journal_path=Path(url))
    bus.subscribe(queue, ["crash.#"], inbox.add)
    started(bus)
    try:
        got = inbox.wait(1)
    finally:
        bus.stop()
    assert [e.id for e in got] == [first_id]


def test_amqp_consumer_reconnects_after_the_broker_drops_it(amqp_url):
    bus, inbox = AmqpBus(amqp_url, "test", retry_delays_ms=(100,)), Inbox()
    bus.subscribe(qname(), ["report.*"], inbox.add)
    started(bus)
    try:
        bus.publish(Envelope(type="report.compiled", payload={"n": 1}, producer="test"))
        inbox.wait(1)
        close_connections(amqp_url)
        time.sleep(1.0)
        bus.publish(Envelope(type="report.compiled", payload={"n": 2}, producer="test"))
        got = inbox.wait(2, timeout=30)
    finally:
        bus.stop()
    assert [e.payload["n"] for e in got] == [1, 2]


def test_amqp_unreachable_broker_is_reported():
    bus = AmqpBus("amqp://guest:guest@127.0.0.1:1/%2F", "test")
    with pytest.raises(BusUnavailable):
        bus.ping()
    with pytest.raises(BusUnavailable):
        bus.publish(Envelope(type="sk.drafted", payload={}, producer="test"))
