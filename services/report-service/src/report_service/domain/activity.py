"""The `Activity` aggregate: one run of the SOP, rebuilt from its events.

Standard library only. State is never stored, only events: `Activity.replay(events)`
folds them, in order, into the timeline of the thirteen steps, the review rounds
of the SK and the figures per kampung. Commands (`create`, `record_step`) check
the SOP's rules, apply the new event to the aggregate and keep it in
`new_events` for the service layer to store in its stream, and in `events` for the outbox.

Times: every `datetime` is timezone-aware (naive ones in events are read as UTC).
An event's time is `payload["at"]` when present, else `ActivityEvent.occurred_at`.
Events are idempotent on `event_id`: applying one twice changes nothing.

Event types and the payload fields read (others are ignored)
------------------------------------------------------------
activity.created         activity_id, kegiatan, tahun, unit_kerja, sk_id (all optional)
activity.step_recorded   step (1-13, a step of `sop.API_STEPS`), actor, started_at, ended_at
                         (ISO 8601 with offset), outcome, figures (steps 8-10, below); ended_at
                         null opens a step that gives a Disposisi (1, 2, 7, 8, 12)
activity.step_closed     step, actor, ended_at, disposisi_id -> ends that open step: its disposition done
sk.drafted               sk_id, drafter                  -> step 3 starts
sk.revised               sk_id, revision                 -> counted (the Kasubid's revisions)
sk.submitted             sk_id                           -> the first one ends step 3 and starts step 4
sk.reviewed              sk_id, role (kabid|kadis), decision (approve|reject), note, reviewer,
                         revision, at_signing            -> a review round; the Kabid's approval
                                                            ends step 4 and starts step 5 (a later
                                                            approval, after the Kadis sent it back,
                                                            moves both)
sk.approved              sk_id, nomor                    -> the SK's nomor
document.signed          sk_id (or document_id), role (or signer_role: kabid|kadis), signer, nomor
                                                         -> the Kadis's signature ends step 5 and
                                                            starts step 6
sk.archived              sk_id, nomor                    -> ends step 6 (the archive part of step 7
                                                            is done; its meeting is recorded by API)
report.compiled          report_id, started_at (optional) -> ends step 11; it starts at `started_at`
                                                            or else when step 10 last ended

Figures (steps 8-10), lists of kampung names, or of {"kampung": name, "note": text}:
step 8   {"assigned": [...]}                         the kampung given to the Pokja
step 9   {"returned": [...]}                         the Pokja handed the manual data to the Tim
step 10  {"verified": [...], "sent_back": [...], "published": [...]}
A kampung moves with Pokja -> with Tim -> verified (-> published), or back to the Pokja when
sent back, after which it must be returned (step 9 again) before it can be verified.

Ordering rule (`StepOutOfOrder`): a step cannot end before it starts; a step needs the step
before it finished (2 needs 1, 7 needs the SK archived, 12 needs the report compiled, ...) and
cannot start before that one started (steps may overlap: data collection runs per kampung);
steps recorded through the API go in non-decreasing SOP order, except that 9 and 10 may
repeat (batches of kampung, a kampung sent back) until the report is compiled. Steps 1 and 2
may be recorded after the SK events arrived: those come from another service at their own pace.

Durations: a step's actual time is its end minus its start; steps 9 and 10, recorded in rounds,
count the time their rounds cover, so batches handed over a week apart do not count the week.

Deadlines (`calendar.py`): a step is late when it ends after its deadline, its mutu baku counted
from its start in the office's working calendar (`timeline(calendar=...)`; without one, around the
clock: start plus the standard). A step recorded in rounds is late when one of its continuous
stretches of rounds ends after the deadline counted from that stretch's start. A running step
is late once `now` passes its deadline. `due_steps` lists the steps people are expected to be
doing now: a started one not finished, or the next one after a finished step (it starts then).
Step 4 runs from the first submission to the Kabid's last approval and step 5 from there to the
Kadis's signature, so the two never overlap and a Kadis's rejection lengthens step 4.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from report_service.domain import kampung, sop, timeline
from report_service.domain.calendar import Calendar
from report_service.domain.disposisi import DISPOSISI_STEPS
from report_service.domain.errors import (
    InvalidEvent,
    InvalidFigures,
    InvalidStep,
    StepAlreadyRecorded,
    StepOutOfOrder,
    StepProducedByEvents,
    UnknownStep,
)
from report_service.domain.events import DomainEvent
from report_service.domain.kampung import KampungFigures, _Kampung
from report_service.domain.timeline import DueStep, ReviewRound, StepLine, _Progress

# --- events ---------------------------------------------------------------


@dataclass(frozen=True)
class ActivityEvent:
    type: str
    occurred_at: datetime
    payload: Mapping[str, Any]
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))


# --- the aggregate --------------------------------------------------------


@dataclass
class Activity:
    activity_id: str = ""
    kegiatan: str = ""
    tahun: int | None = None
    unit_kerja: str = ""
    sk_id: str | None = None
    sk_nomor: str | None = None
    report_id: str | None = None
    new_events: list[ActivityEvent] = field(default_factory=list)  # for the activity's stream
    events: list[DomainEvent] = field(default_factory=list)  # the same, for the other services (the outbox)
    _progress: dict[int, _Progress] = field(default_factory=lambda: {s.number: _Progress() for s in sop.STEPS})
    _reviews: list[ReviewRound] = field(default_factory=list)
    _kampung: dict[str, _Kampung] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    _api_max: int = 0  # highest step recorded through the API
    _sk_revisions: int = 0

    # --- construction ------------------------------------------------------

    @classmethod
    def replay(cls, events: Iterable[ActivityEvent]) -> Activity:
        activity = cls()
        for event in events:
            activity.apply(event)
        return activity

    @classmethod
    def create(cls, activity_id: str, kegiatan: str, *, tahun: int | None = None, unit_kerja: str = "",
               sk_id: str | None = None, at: datetime | None = None) -> Activity:
        activity = cls()
        activity._emit("activity.created", {"activity_id": activity_id, "kegiatan": kegiatan, "tahun": tahun,
                                            "unit_kerja": unit_kerja, "sk_id": sk_id}, at)
        return activity

    # --- commands ----------------------------------------------------------

    def record_step(self, step_no: int, actor: str, started_at: datetime, ended_at: datetime | None,
                    outcome: str = "", figures: Mapping[str, Any] | None = None, *,
                    recorded_at: datetime | None = None, event_id: str | None = None) -> ActivityEvent:
        """Record a step done by people (SOP steps 1, 2, 7, 8, 9, 10, 12, 13). Returns the new event.

        `ended_at` None opens a step that gives a Disposisi (`disposisi.DISPOSISI_STEPS`): it runs until
        its addressee marks the disposition done (`close_step`)."""
        for name, value in (("started_at", started_at), ("ended_at", ended_at)):
            if value is None and name == "ended_at":
                continue
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise InvalidStep(f"{name} must be a timezone-aware datetime", step=step_no, field=name)
        payload = {"step": step_no, "actor": actor, "started_at": started_at.isoformat(),
                   "ended_at": ended_at.isoformat() if ended_at else None, "outcome": outcome,
                   "figures": dict(figures or {})}
        return self._emit("activity.step_recorded", payload, recorded_at, event_id)

    def close_step(self, step_no: int, actor: str, ended_at: datetime, *, disposisi_id: str = "",
                   event_id: str | None = None) -> ActivityEvent:
        """End an open step: its disposition's addressee marked it done at `ended_at`."""
        if not isinstance(ended_at, datetime) or ended_at.tzinfo is None:
            raise InvalidStep("ended_at must be a timezone-aware datetime", step=step_no, field="ended_at")
        return self._emit("activity.step_closed", {"step": step_no, "actor": actor, "ended_at": ended_at.isoformat(),
                                                   "disposisi_id": disposisi_id}, None, event_id)

    def is_open(self, step_no: int) -> bool:
        p = self._progress.get(step_no)
        return p is not None and p.start is not None and p.end is None

    def apply(self, event: ActivityEvent) -> bool:
        """Fold one event in; False when it was seen before (at-least-once delivery)."""
        if event.event_id in self._seen:
            return False
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(self, event.payload, _event_time(event))
        self._seen.add(event.event_id)
        return True

    # --- queries -----------------------------------------------------------

    def timeline(self, now: datetime | None = None, calendar: Calendar | None = None) -> list[StepLine]:
        return timeline.timeline(self._progress, now, calendar)

    def due_steps(self, calendar: Calendar | None = None) -> list[DueStep]:
        """Steps not finished that have a start: their own, or the end of the step before them."""
        return timeline.due_steps(self._progress, calendar)


    def missing_steps(self) -> list[sop.SopStep]:
        return [s for s in sop.STEPS if self._progress[s.number].end is None]

    @property
    def sk_revisions(self) -> int:
        """How many times the SK's konsep was revised (sk.revised)."""
        return self._sk_revisions

    def review_rounds(self) -> list[ReviewRound]:
        return list(self._reviews)

    def rejections(self) -> list[ReviewRound]:
        return [r for r in self._reviews if r.rejected]

    def kampung_figures(self) -> list[KampungFigures]:
        return kampung.kampung_figures(self._kampung)

    def figure_totals(self) -> dict[str, int]:
        """Kampung counted once per figure: how many were assigned, returned, verified, sent back, published."""
        return kampung.figure_totals(self._kampung)

    # --- internals ---------------------------------------------------------

    def _emit(self, type: str, payload: dict[str, Any], at: datetime | None,
              event_id: str | None = None) -> ActivityEvent:
        event = ActivityEvent(type, at or datetime.now(UTC), payload, event_id or str(uuid.uuid4()))
        self.apply(event)  # raises before anything is kept when the SOP says no
        self.new_events.append(event)
        self.events.append(DomainEvent(type, {"activity_id": self.activity_id, **payload}, event.event_id))
        return event

    def _on_created(self, payload: Mapping[str, Any], at: datetime) -> None:
        self.activity_id = str(payload.get("activity_id") or self.activity_id)
        self.kegiatan = str(payload.get("kegiatan") or self.kegiatan)
        tahun = payload.get("tahun")
        self.tahun = int(tahun) if tahun not in (None, "") else self.tahun
        self.unit_kerja = str(payload.get("unit_kerja") or self.unit_kerja)
        self.sk_id = payload.get("sk_id") or self.sk_id

    def _on_sk_drafted(self, payload: Mapping[str, Any], at: datetime) -> None:
        self.sk_id = _required(payload, "sk_id", "sk.drafted")
        p = self._progress[3]
        if p.start is None:
            p.start = at
        p.add_actor(str(payload.get("drafter") or ""))

    def _on_sk_revised(self, payload: Mapping[str, Any], at: datetime) -> None:
        self._sk_revisions += 1

    def _on_sk_submitted(self, payload: Mapping[str, Any], at: datetime) -> None:
        p3, p4 = self._progress[3], self._progress[4]
        if p3.end is None:
            p3.end = at
            p4.start = at
        p3.rounds += 1

    def _on_sk_reviewed(self, payload: Mapping[str, Any], at: datetime) -> None:
        role = _required(payload, "role", "sk.reviewed")
        decision = _required(payload, "decision", "sk.reviewed")
        if role not in ("kabid", "kadis") or decision not in ("approve", "reject"):
            raise InvalidEvent(f"sk.reviewed with role {role!r} and decision {decision!r}",
                               role=role, decision=decision)
        revision = payload.get("revision")
        reviewer = str(payload.get("reviewer") or "")
        self._reviews.append(ReviewRound(len(self._reviews) + 1, role, reviewer, decision,
                                         str(payload.get("note") or ""), at,
                                         int(revision) if revision is not None else None,
                                         bool(payload.get("at_signing"))))
        if role == "kabid":
            p4 = self._progress[4]
            p4.add_actor(reviewer)
            p4.rounds += 1
            if decision == "approve":
                # The last approval counts: after the Kadis sent it back, step 4 runs again.
                p4.end = at
                self._progress[5].start = at
        else:
            self._progress[5].add_actor(reviewer)
            self._progress[5].rounds += 1

    def _on_sk_approved(self, payload: Mapping[str, Any], at: datetime) -> None:
        self.sk_nomor = payload.get("nomor") or self.sk_nomor

    def _on_document_signed(self, payload: Mapping[str, Any], at: datetime) -> None:
        if not (payload.get("sk_id") or payload.get("document_id")):
            return  # a report or bulk document: not a step of the SK
        role = payload.get("role") or payload.get("signer_role")
        if role not in ("kabid", "kadis"):
            raise InvalidEvent(f"document.signed with role {role!r}; expected kabid or kadis", role=role)
        self.sk_nomor = payload.get("nomor") or self.sk_nomor
        if role == "kadis":
            p5 = self._progress[5]
            p5.end = at
            p5.add_actor(str(payload.get("signer") or ""))
            self._progress[6].start = at

    def _on_sk_archived(self, payload: Mapping[str, Any], at: datetime) -> None:
        self.sk_nomor = payload.get("nomor") or self.sk_nomor
        p6 = self._progress[6]
        p6.end = at  # without the Kadis's signature event the start stays unknown (no duration)

    def _on_report_compiled(self, payload: Mapping[str, Any], at: datetime) -> None:
        self.report_id = payload.get("report_id") or self.report_id
        p = self._progress[11]
        started = _parse_time(payload.get("started_at"), "started_at") if payload.get("started_at") else None
        p.start = started or p.start or self._progress[10].end or at
        p.end = at  # a recompile moves the end: the report was made then
        p.rounds += 1

    def _on_step_recorded(self, payload: Mapping[str, Any], at: datetime) -> None:
        n = payload.get("step")
        if not isinstance(n, int) or isinstance(n, bool) or (s := sop.step(n)) is None:
            raise UnknownStep(f"the SOP has steps 1 to {len(sop.STEPS)}, not {n!r}", step=None, given=n)
        if s.source is sop.Source.EVENTS:
            raise StepProducedByEvents(
                f"step {n} is produced by the services from their events, not recorded by hand", step=n)
        actor = payload.get("actor")
        if not isinstance(actor, str) or not actor.strip():
            raise InvalidStep("actor is required", step=n, field="actor")
        outcome = payload.get("outcome") or ""
        if not isinstance(outcome, str):
            raise InvalidStep("outcome must be text", step=n, field="outcome")
        started = _parse_time(payload.get("started_at"), "started_at", n)
        if payload.get("ended_at") is None and n not in DISPOSISI_STEPS:
            raise InvalidStep(f"step {n} needs ended_at (only a step that gives a Disposisi stays open)",
                              step=n, field="ended_at")
        ended = _parse_time(payload["ended_at"], "ended_at", n) if payload.get("ended_at") is not None else None
        if ended is not None and ended < started:
            raise StepOutOfOrder(f"step {n} ends before it starts", step=n, reason="ends_before_start")
        self._check_order(n, started)
        figures = payload.get("figures") or {}
        if not isinstance(figures, Mapping):
            raise InvalidFigures("figures must be an object", step=n)
        kampung.apply_figures(self._kampung, n, figures)
        p = self._progress[n]
        p.start = started if p.start is None else min(p.start, started)
        if ended is not None:  # else open until its disposition is done (`_on_step_closed`)
            p.end = ended if p.end is None else max(p.end, ended)
            p.spans.append((started, ended))
        p.add_actor(actor.strip())
        if outcome.strip():
            p.outcomes.append(outcome.strip())
        p.rounds += 1
        self._api_max = max(self._api_max, n)

    def _on_step_closed(self, payload: Mapping[str, Any], at: datetime) -> None:
        n = payload.get("step")
        p = self._progress.get(n) if isinstance(n, int) and not isinstance(n, bool) else None
        if p is None or p.start is None or p.end is not None:
            raise StepOutOfOrder(f"step {n} is not open", step=n if p is not None else None, reason="not_open")
        ended = _parse_time(payload.get("ended_at"), "ended_at", n)
        if ended < p.start:
            raise StepOutOfOrder(f"step {n} ends before it starts", step=n, reason="ends_before_start")
        p.end = ended
        p.spans.append((p.start, ended))
        p.add_actor(str(payload.get("actor") or "").strip())

    def _check_order(self, n: int, started: datetime) -> None:
        p = self._progress[n]
        if p.rounds and n not in sop.REPEATABLE_STEPS:
            raise StepAlreadyRecorded(f"step {n} is already recorded", step=n)
        if n in sop.REPEATABLE_STEPS and self._progress[11].end is not None:
            raise StepOutOfOrder(f"step {n} cannot be recorded after the report was compiled (step 11)",
                                 step=n, reason="report_compiled")
        if self._api_max > n and not (n in sop.REPEATABLE_STEPS and self._api_max <= 10):
            raise StepOutOfOrder(f"step {n} cannot be recorded after step {self._api_max}",
                                 step=n, reason="later_step_recorded", recorded=self._api_max)
        if n > 1:
            before = self._progress[n - 1]
            if before.end is None:
                raise StepOutOfOrder(f"step {n} needs step {n - 1} done first", step=n,
                                     reason="prerequisite_missing", requires=n - 1)
            if before.start is not None and started < before.start:
                raise StepOutOfOrder(f"step {n} cannot start before step {n - 1} started", step=n,
                                     reason="starts_before_prerequisite", requires=n - 1)

_HANDLERS = {
    "activity.created": Activity._on_created,
    "activity.step_recorded": Activity._on_step_recorded,
    "activity.step_closed": Activity._on_step_closed,
    "sk.drafted": Activity._on_sk_drafted,
    "sk.revised": Activity._on_sk_revised,
    "sk.submitted": Activity._on_sk_submitted,
    "sk.reviewed": Activity._on_sk_reviewed,
    "sk.approved": Activity._on_sk_approved,
    "document.signed": Activity._on_document_signed,
    "sk.archived": Activity._on_sk_archived,
    "report.compiled": Activity._on_report_compiled,
}


# --- helpers ----------------------------------------------------------------


def _event_time(event: ActivityEvent) -> datetime:
    at = event.payload.get("at")
    return _parse_time(at, "at") if at else _aware(event.occurred_at)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _parse_time(value: Any, name: str, step: int | None = None) -> datetime:
    if isinstance(value, datetime):
        return _aware(value)
    try:
        return _aware(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        raise InvalidStep(f"{name} must be an ISO 8601 time, got {value!r}", step=step, field=name) from None


def _required(payload: Mapping[str, Any], key: str, type: str) -> Any:
    value = payload.get(key)
    if value in (None, ""):
        raise InvalidEvent(f"{type} without {key}", missing=key)
    return value

