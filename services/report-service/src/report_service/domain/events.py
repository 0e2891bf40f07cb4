"""What an aggregate records for the other services (standard library only).

An aggregate appends a `DomainEvent` to its `events` when a command changes it; the unit of work writes
them to the outbox when it commits, in the same transaction, on the chain of the event it was handling.
`id` is the envelope's id: an activity's event keeps the id it has in the activity's stream, so a consumer's
claim on it and the stream agree.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    type: str  # the routing key (naskah_shared.bus.topology.Events)
    payload: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
