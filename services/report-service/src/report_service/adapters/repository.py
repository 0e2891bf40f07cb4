"""SQL repository of report-service: activities, their event streams, compiled reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from report_service.adapters import tables as t
from report_service.domain.activity import ActivityEvent
from report_service.domain.streams import activity_stream, sk_stream
from report_service.service_layer.rows import (
    ActivityData,
    ActivityRow,
    NewReminder,
    NewReport,
    ReminderRow,
    ReportRow,
    StoredRef,
)


class SqlReportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- activities and their events -------------------------------------------------
    def add_activity(self, activity_id: str, title: str, sk_id: str | None, data: ActivityData) -> None:
        self.session.execute(insert(t.activities).values(id=activity_id, title=title, sk_id=sk_id, data=data,
                                                         created_at=datetime.now(UTC)))

    def activity(self, activity_id: str, *, for_update: bool = False) -> ActivityRow | None:
        query = select(t.activities).where(t.activities.c.id == activity_id)
        if for_update:  # serialises commands on one activity
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return cast(ActivityRow, dict(row)) if row else None

    def activities(self, limit: int, offset: int) -> list[ActivityRow]:
        rows = self.session.execute(select(t.activities).order_by(t.activities.c.created_at.desc())
                                    .limit(limit).offset(offset)).mappings()
        return [cast(ActivityRow, dict(r)) for r in rows]

    def link_sk(self, activity_id: str, sk_id: str) -> None:
        self.session.execute(update(t.activities).where(t.activities.c.id == activity_id).values(sk_id=sk_id))

    def append(self, stream: str, event: ActivityEvent) -> None:
        self.session.execute(insert(t.activity_events).values(
            stream=stream, event_id=event.event_id, type=event.type, occurred_at=event.occurred_at,
            payload=dict(event.payload)))

    def events(self, activity: ActivityRow) -> list[ActivityEvent]:
        """The activity's own events and its SK's, in the order this service recorded them.

        Not by `occurred_at`: a step recorded today may describe field work that ends next month, and
        replay must apply events in the order the commands were accepted.
        """
        streams = [activity_stream(activity["id"])] + ([sk_stream(activity["sk_id"])] if activity["sk_id"] else [])
        rows = self.session.execute(select(t.activity_events).where(t.activity_events.c.stream.in_(streams))
                                    .order_by(t.activity_events.c.seq)).mappings()
        return [ActivityEvent(r["type"], aware_utc(r["occurred_at"]), r["payload"], r["event_id"]) for r in rows]

    # --- reports ---------------------------------------------------------------------
    def add_report(self, row: NewReport) -> None:
        self.session.execute(insert(t.reports).values(created_at=datetime.now(UTC), **row))

    def report(self, report_id: str, *, for_update: bool = False) -> ReportRow | None:
        query = select(t.reports).where(t.reports.c.id == report_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return cast(ReportRow, dict(row)) if row else None

    def reports_of(self, activity_id: str) -> list[ReportRow]:
        rows = self.session.execute(select(t.reports).where(t.reports.c.activity_id == activity_id)
                                    .order_by(t.reports.c.version)).mappings()
        return [cast(ReportRow, dict(r)) for r in rows]

    def answer_report(self, report_id: str, status: str, *, signed: StoredRef | None = None,
                      error: str | None = None) -> None:
        values: dict[str, Any] = {"status": status}
        if signed is not None:
            values["signed"] = signed
        if error is not None:
            values["error"] = error
        self.session.execute(update(t.reports).where(t.reports.c.id == report_id).values(**values))

    # --- reminders of steps past their deadline ------------------------------------------
    def add_reminder(self, row: NewReminder) -> bool:
        """Insert a reminder; False when another worker holds the same one (its unique key is the claim).

        In a savepoint, so a lost race leaves the rest of the transaction usable (PostgreSQL aborts a
        transaction at the first unique violation); a concurrent insert waits for the other to commit.
        """
        try:
            with self.session.begin_nested():
                self.session.execute(insert(t.step_reminders).values(created_at=datetime.now(UTC), email_attempts=0,
                                                                     **row))
        except IntegrityError:
            return False
        return True

    def has_reminder(self, activity_id: str, step: int, deadline_key: str, seq: int) -> bool:
        c = t.step_reminders.c
        return self.session.execute(select(c.id).where(
            c.activity_id == activity_id, c.step == step, c.deadline_key == deadline_key, c.seq == seq)).first() \
            is not None

    def reminders_of(self, activity_ids: list[str]) -> list[ReminderRow]:
        c = t.step_reminders.c
        rows = self.session.execute(select(t.step_reminders).where(c.activity_id.in_(activity_ids))
                                    .order_by(c.created_at)).mappings()
        return [cast(ReminderRow, {**r, "deadline": aware_utc(r["deadline"]), "created_at": aware_utc(r["created_at"]),
                                   "emailed_at": aware_utc(r["emailed_at"])}) for r in rows]

    def pending_emails(self, limit: int) -> list[ReminderRow]:
        c = t.step_reminders.c
        rows = self.session.execute(select(t.step_reminders).where(c.email_status == "pending")
                                    .order_by(c.created_at).limit(limit)).mappings()
        return [cast(ReminderRow, dict(r)) for r in rows]

    def claim_email(self, reminder_id: str) -> bool:
        """pending -> sending, atomically: of two workers only one sees its update change a row."""
        c = t.step_reminders.c
        done = self.session.execute(update(t.step_reminders).where(c.id == reminder_id, c.email_status == "pending")
                                    .values(email_status="sending", email_attempts=c.email_attempts + 1))
        return done.rowcount == 1

    def emailed(self, reminder_id: str, status: str, error: str | None, at: datetime | None) -> None:
        self.session.execute(update(t.step_reminders).where(t.step_reminders.c.id == reminder_id).values(
            email_status=status, email_error=error, emailed_at=at))
