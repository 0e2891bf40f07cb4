"""The timeline read model of an activity: the thirteen steps' times, durations and deadlines,
the SK's review rounds and the steps due now (standard library only).

Durations: a step's actual time is its end minus its start; steps 9 and 10, recorded in rounds,
count the time their rounds cover. Deadlines are counted in the office's working calendar
(`calendar.py`); the rules are in `activity.py`'s docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from report_service.domain import sop
from report_service.domain.calendar import Calendar, ElapsedCalendar


@dataclass(frozen=True)
class StepLine:
    step: sop.SopStep
    actor: str  # who did it, by name, when known ("" otherwise)
    start: datetime | None
    end: datetime | None
    actual: timedelta | None  # end - start; for a repeated step the time its rounds cover (their union)
    standard: timedelta
    late: bool  # actual > standard (equal is on time); a running step when past it at `now`
    missing: bool  # not finished (never started, or still running)
    in_progress: bool
    notes: tuple[str, ...]  # the outcomes people recorded for it, in order (report_service.adapters words the rest)
    rounds: int  # how many times it was recorded (steps 9 and 10 repeat)
    due: datetime | None = None  # the deadline of the step (of its last stretch of rounds), when it has a start

    @property
    def number(self) -> int:
        return self.step.number


@dataclass(frozen=True)
class DueStep:
    """A step people are expected to be doing now, and when it falls due."""

    step: sop.SopStep
    start: datetime  # its own start, or the end of the step before it when it is not recorded yet
    deadline: datetime
    started: bool  # False: waiting for its first record (the start is the step before's end)
    actors: tuple[str, ...]  # who did it so far, by name (the SOP's roles are in `step.actors`)

    def overdue(self, now: datetime) -> bool:
        return now > self.deadline

    @property
    def number(self) -> int:
        return self.step.number


@dataclass(frozen=True)
class ReviewRound:
    number: int  # 1, 2, ... in the order the reviews happened
    role: str  # kabid | kadis
    reviewer: str
    decision: str  # approve | reject
    note: str
    at: datetime
    revision: int | None
    at_signing: bool  # refused at the signature, not at the review

    @property
    def rejected(self) -> bool:
        return self.decision == "reject"



@dataclass
class _Progress:
    start: datetime | None = None
    end: datetime | None = None
    actors: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    rounds: int = 0
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)  # recorded rounds (API steps)

    def actual(self) -> timedelta | None:
        """End minus start; for a step recorded in several rounds, the time its rounds cover (their
        union), so kampung handing over in batches a week apart do not count the week between."""
        if self.start is None or self.end is None:
            return None
        if len(self.spans) < 2:
            return self.end - self.start
        return sum((b - a for a, b in self.stretches()), timedelta(0))

    def stretches(self) -> list[tuple[datetime, datetime]]:
        """The recorded rounds merged where they overlap; the whole step when it was not recorded in rounds."""
        if len(self.spans) < 2:
            return [(self.start, self.end)] if self.start is not None and self.end is not None else []
        merged: list[tuple[datetime, datetime]] = []
        for a, b in sorted(self.spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def add_actor(self, actor: str) -> None:
        if actor and actor not in self.actors:
            self.actors.append(actor)



def timeline(progress: Mapping[int, _Progress], now: datetime | None = None,
             calendar: Calendar | None = None) -> list[StepLine]:
    """One line per SOP step, in order, with its times, duration, deadline and recorded outcomes."""
    cal = calendar or ElapsedCalendar()
    lines = []
    for s in sop.STEPS:
        p = progress[s.number]
        running = p.start is not None and p.end is None
        stretches = p.stretches()
        late = any(end > cal.deadline(start, s.standard) for start, end in stretches)
        due = cal.deadline(stretches[-1][0] if stretches else p.start, s.standard) if p.start else None
        if running and now is not None and due is not None:
            late = now > due
        lines.append(StepLine(step=s, actor=", ".join(p.actors), start=p.start, end=p.end, actual=p.actual(),
                              standard=s.standard, late=late, missing=p.end is None, in_progress=running,
                              notes=tuple(p.outcomes), rounds=p.rounds, due=due))
    return lines

def due_steps(progress: Mapping[int, _Progress], calendar: Calendar | None = None) -> list[DueStep]:
    """Steps not finished that have a start: their own, or the end of the step before them."""
    cal = calendar or ElapsedCalendar()
    out = []
    for s in sop.STEPS:
        p = progress[s.number]
        if p.end is not None:
            continue
        before = progress.get(s.number - 1)
        start = p.start or (before.end if before is not None else None)
        if start is None:
            continue
        out.append(DueStep(s, start, cal.deadline(start, s.standard), p.start is not None, tuple(p.actors)))
    return out
