"""A reminder that a step is past its deadline (standard library only): one per step, deadline and round."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from report_service.domain.events import DomainEvent

OVERDUE = "activity.step_overdue"


@dataclass
class Reminder:
    activity_id: str
    step: int
    seq: int  # the round: 0 when the deadline passed, then one more every repeat interval
    notified: bool  # an e-mail follows it
    event_id: str  # its event's: the reminder row names it
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def overdue(cls, activity_id: str, step: int, seq: int, *, notified: bool, facts: Mapping[str, Any]) -> Reminder:
        """`facts`: the due step as the overdue list shows it (JSON values), carried by the event."""
        event = DomainEvent(OVERDUE, {**facts, "reminder": seq, "notified": notified})
        reminder = cls(activity_id, step, seq, notified, event.id)
        reminder.events.append(event)
        return reminder
