"""A consumer on the real bus that records every event of some routing keys, for assertions."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from naskah_shared.bus.amqp import AmqpBus
from naskah_shared.messages import Envelope


class Spy:
    def __init__(self) -> None:
        self.events: list[Envelope] = []
        self.cond = threading.Condition()

    def add(self, envelope: Envelope) -> None:
        with self.cond:
            self.events.append(envelope)
            self.cond.notify_all()

    def types(self, where: Callable[[Envelope], bool] = lambda e: True) -> list[str]:
        with self.cond:
            return [e.type for e in self.events if where(e)]

    def wait_for(self, predicate: Callable[[list[Envelope]], bool], timeout: float = 30.0) -> list[Envelope]:
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.events), timeout), \
                f"timed out; saw {[e.type for e in self.events]}"
            return list(self.events)


@contextmanager
def spy_on(amqp_url: str, keys: Sequence[str] = ("#",)) -> Iterator[Spy]:
    spy, bus = Spy(), AmqpBus(amqp_url, "test-spy")
    bus.subscribe(f"spy-{uuid.uuid4().hex[:8]}", keys, spy.add)
    bus.start()
    assert bus.wait_ready()
    try:
        yield spy
    finally:
        bus.stop()
