"""Issue 13 #4: a consumer's reconnect delay resets after a good connection, and readiness tells the truth.

The broker drops the consumer's connection (`rabbitmqctl close_connection` of the connections listed in
this test's own vhost) five times in a row; before the fix the delay doubled each time (0.5, 1, 2, 4,
8 s) and /readyz said ready throughout.
"""

from __future__ import annotations

import time
import uuid

import pytest

from naskah_shared.bus.amqp import AmqpBus
from naskah_shared.bus.ports import BusUnavailable
from naskah_shared.messages import Envelope
from naskah_shared.testing.rabbitmq import fresh_vhost, rabbitmqctl
from tests.contract.test_bus_contract import Inbox


def close_connections(url: str) -> None:
    """Close every connection of this test's vhost (and no other), one by one, from RabbitMQ's side."""
    vhost = url.rsplit("/", 1)[1]
    for line in rabbitmqctl("list_connections", "pid", "vhost").splitlines():
        pid, _, conn_vhost = line.partition("\t")
        if conn_vhost == vhost:
            rabbitmqctl("close_connection", pid, "test: broker drops the consumer")


def _ping_fails(bus: AmqpBus) -> bool:
    try:
        bus.ping()
    except BusUnavailable:
        return True
    return False


def _until(probe, timeout: float) -> float:
    """Seconds until `probe()` is true; fails the test after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if probe():
            return time.monotonic() - start
        time.sleep(0.05)
    pytest.fail(f"not within {timeout} s")


def test_reconnect_delay_resets_after_each_good_connection_and_readiness_reports_a_lost_consumer() -> None:
    with fresh_vhost("naskah-reconnect") as url:
        bus = AmqpBus(url, "test", retry_delays_ms=(100,))
        inbox = Inbox()
        queue = f"reconnect-{uuid.uuid4().hex[:6]}"
        bus.subscribe(queue, ["probe.sent"], inbox.add)
        bus.start()
        try:
            assert bus.wait_ready(15)
            consumer = bus._consumers[0]
            reconnects = []
            for _ in range(5):
                close_connections(url)
                # Readiness must notice the consumer is gone (it sees nothing while reconnecting).
                _until(lambda: not consumer.ready.is_set(), 10)
                reconnects.append(_until(consumer.ready.is_set, 20))
            assert max(reconnects) < 2.5, f"reconnect delays kept growing: {reconnects}"
            assert not _ping_fails(bus)
            sent = time.monotonic()
            bus.publish(Envelope("probe.sent", {"n": 1}, "test"))
            assert inbox.wait(1, timeout=10) and inbox.items[0][0] - sent < 2.0
        finally:
            bus.stop()


def test_readyz_says_not_ready_while_a_consumer_is_reconnecting() -> None:
    with fresh_vhost("naskah-ready") as url:
        bus = AmqpBus(url, "test", retry_delays_ms=(100,))
        bus.subscribe(f"ready-{uuid.uuid4().hex[:6]}", ["probe.sent"], lambda e: None)
        bus.start()
        try:
            assert bus.wait_ready(15) and not _ping_fails(bus)
            consumer = bus._consumers[0]
            consumer.ready.clear()  # what a lost connection does, held still so the answer can be read
            with pytest.raises(BusUnavailable, match="not consuming"):
                bus.ping()
        finally:
            bus.stop()
