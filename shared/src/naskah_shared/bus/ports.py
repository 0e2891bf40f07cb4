"""The `Bus` port: publish events, consume them with at-least-once delivery.

Promises every adapter keeps (tests/contract/test_bus_contract.py):
- `publish` returns only once the broker holds the message durably.
- A handler's message is acknowledged only after the handler returns; a
  consumer that dies first gets it redelivered.
- A handler that raises is retried with growing delay, then parked with the
  failure reason after `max_attempts`.
- Delivery is at-least-once: handlers must be idempotent on `Envelope.id`
  (see `naskah_shared.db.processed`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from naskah_shared.messages import Envelope

Handler = Callable[[Envelope], None]


@dataclass(frozen=True)
class Subscription:
    queue: str  # e.g. "sk-service.events"
    routing_keys: tuple[str, ...]
    handler: Handler
    max_attempts: int = 5


@dataclass(frozen=True)
class ParkedMessage:
    envelope: Envelope
    attempts: int
    reason: str


class Bus(Protocol):
    def publish(self, envelope: Envelope) -> None:
        """Publish on the topic exchange with `envelope.type` as routing key."""

    def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler,
                  *, max_attempts: int = 5) -> None:
        """Declare (idempotently) and register a consumer; takes effect on `start`."""

    def start(self) -> None:
        """Start consuming in background threads. No side effects before this."""

    def stop(self) -> None:
        """Stop consuming; unacknowledged messages go back to their queue."""

    def ping(self) -> None:
        """Raise `BusUnavailable` when the broker cannot be reached."""

    def parked(self, queue: str) -> list[ParkedMessage]:
        """Messages parked after their last attempt, with the reason (oldest first)."""


class BusUnavailable(RuntimeError):
    """The broker cannot be reached."""
