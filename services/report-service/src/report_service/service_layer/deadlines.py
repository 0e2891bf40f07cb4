"""The mutu baku as live deadlines: which steps are overdue or due soon, and their reminders.

Each SOP step falls due at its standard time counted from its start in the office's
working calendar (`domain/calendar.py`; the Laporan uses the same one). The ticker
calls `tick()`: for every step past its deadline it records one reminder and its
`activity.step_overdue` event in one transaction, once when the deadline passes and
again every `repeat`; the reminder's unique key (activity, step, deadline, round) is
the claim, so two workers or a restarted one never remind twice. A service down for
several intervals sends the round that is due now, not every round it missed.

E-mail, when configured, follows the committed reminder: a worker moves it from
`pending` to `sending` atomically before it talks to the SMTP server, so a crash in
the middle loses that e-mail rather than sending it twice; a refused connection
(nothing delivered) puts it back to `pending` for up to `MAIL_ATTEMPTS` tries.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from report_service.domain import sop
from report_service.domain.activity import Activity
from report_service.domain.reminder import Reminder
from report_service.domain.timeline import DueStep
from report_service.service_layer.ports import Dependencies
from report_service.service_layer.reports import ActivityNotFound
from report_service.service_layer.rows import ActivityRow, ReminderRow

log = logging.getLogger(__name__)
MAIL_ATTEMPTS = 3
SCAN_LIMIT = 500  # activities looked at per tick and per query, newest first


class DeadlineService:
    def __init__(self, deps: Dependencies) -> None:
        self.deps, self.uow, self.calendar, self.zone, self.clock = deps, deps.uow, deps.calendar, deps.zone, deps.clock
        self.repeat, self.recipients, self.mailer = (deps.reminders.repeat, deps.reminders.recipients,
                                                     deps.reminders.mailer)

    # --- queries ------------------------------------------------------------------------
    def due(self, activity_id: str | None = None, *, within: timedelta = timedelta(hours=1),
            now: datetime | None = None) -> list[dict[str, Any]]:
        """Steps overdue or falling due within `within`, of one activity or of all, the most overdue first."""
        now = now or self.clock()
        items = []
        for row, activity in self._activities(activity_id):
            for due in activity.due_steps(self.calendar):
                if due.deadline - now <= within:
                    items.append(self._item(row, due, now))
        ids = sorted({i["activity_id"] for i in items})
        if ids:
            with self.uow() as uow:
                sent = uow.reports.reminders_of(ids)
            for item in items:
                mine = [r for r in sent if r["activity_id"] == item["activity_id"] and r["step"] == item["step"]
                        and r["deadline_key"] == _key(item["deadline"])]
                item["reminders"] = len(mine)
                item["last_reminded_at"] = mine[-1]["created_at"] if mine else None
        return sorted(items, key=lambda i: i["deadline"])

    # --- the ticker -----------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> dict[str, int]:
        now = now or self.clock()
        reminded = 0
        for row, activity in self._activities(None):
            for due in activity.due_steps(self.calendar):
                if due.overdue(now) and self._remind(row, due, now):
                    reminded += 1
        return {"reminded": reminded, "emailed": self.send_emails()}

    def _remind(self, row: ActivityRow, due: DueStep, now: datetime) -> bool:
        seq = int((now - due.deadline) / self.repeat)
        key = _key(due.deadline)
        to = self._recipients(due)
        item = self._item(row, due, now)
        with self.uow() as uow:
            if uow.reports.has_reminder(row["id"], due.number, key, seq):
                return False
            notified = bool(to and self.mailer)
            reminder = Reminder.overdue(row["id"], due.number, seq, notified=notified, facts=_jsonable(item))
            if not uow.reports.add_reminder({
                    "id": str(uuid.uuid4()), "activity_id": row["id"], "step": due.number, "deadline_key": key,
                    "deadline": due.deadline.astimezone(UTC), "seq": seq, "event_id": reminder.event_id,
                    "recipients": list(to), "email_status": "pending" if notified else "none"}):
                return False  # another worker committed the same reminder first
            uow.collect(reminder)
            uow.commit()
        log.info("step overdue reminder", extra={"activity_id": row["id"], "step": due.number, "reminder": seq})
        return True

    def send_emails(self, limit: int = 20) -> int:
        if self.mailer is None:
            return 0
        with self.uow() as uow:
            pending = uow.reports.pending_emails(limit)
        sent = 0
        for reminder in pending:
            with self.uow() as uow:
                if not uow.reports.claim_email(reminder["id"]):
                    continue  # another worker took it
                uow.commit()
            status, error, attempts = "sent", None, reminder["email_attempts"] + 1
            try:
                self.mailer.send(reminder["recipients"], *self._message(reminder))
            except Exception as exc:  # whatever happens, the claimed row must not stay `sending`
                # Nothing was accepted when the connection failed or the server refused: safe to try again.
                refused = isinstance(exc, ConnectionError | smtplib.SMTPConnectError | smtplib.SMTPRecipientsRefused
                                     | smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError)
                status = "pending" if refused and attempts < MAIL_ATTEMPTS else "failed"
                error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("reminder e-mail failed", extra={"reminder": reminder["id"], "error": error})
            with self.uow() as uow:
                uow.reports.emailed(reminder["id"], status, error, datetime.now(UTC) if status == "sent" else None)
                uow.commit()
            sent += status == "sent"
        return sent

    # --- internals --------------------------------------------------------------------------
    def _activities(self, activity_id: str | None) -> list[tuple[ActivityRow, Activity]]:
        with self.uow() as uow:
            if activity_id is not None:
                row = uow.reports.activity(activity_id)
                if row is None:
                    raise ActivityNotFound(f"no activity {activity_id}")
                rows = [row]
            else:
                rows = uow.reports.activities(limit=SCAN_LIMIT, offset=0)
            return [(row, Activity.replay(uow.reports.events(row))) for row in rows]

    def _item(self, row: ActivityRow, due: DueStep, now: datetime) -> dict[str, Any]:
        late = now - due.deadline
        return {"activity_id": row["id"], "kegiatan": row["title"], "step": due.number, "name": due.step.name,
                "roles": [a.value for a in due.step.actors], "actors": list(due.actors), "started": due.started,
                "start": due.start, "deadline": due.deadline.astimezone(self.zone),
                "standard": due.step.standard_text, "overdue": due.overdue(now),
                "overdue_seconds": max(0, int(late.total_seconds())),
                "due_in_seconds": max(0, int(-late.total_seconds()))}

    def _recipients(self, due: DueStep) -> tuple[str, ...]:
        keys = [a.value.lower() for a in due.step.actors] + [a.lower() for a in due.actors]
        if "semua" in keys:
            keys = list(self.recipients)
        out: list[str] = []
        for key in keys:
            out += [a for a in self.recipients.get(key, ()) if a not in out]
        return tuple(out)

    def _message(self, reminder: ReminderRow) -> tuple[str, str]:
        with self.uow() as uow:
            row = uow.reports.activity(reminder["activity_id"])
        step = reminder["step"]
        s = sop.BY_NUMBER[step]
        deadline = _aware(reminder["deadline"]).astimezone(self.zone)
        kegiatan = row["title"] if row else reminder["activity_id"]
        subject = f"[naskah] Terlambat: langkah {step} SOP, {kegiatan}"[:200]
        body = (f"Langkah {step} SOP kegiatan \"{kegiatan}\" telah melewati batas waktu mutu baku.\n\n"
                f"Langkah   : {s.name}\nPelaksana : {s.actor_label}\nMutu baku : {s.standard_text}\n"
                f"Batas     : {deadline:%d-%m-%Y %H.%M} {self.deps.reminders.zone_label}\n"
                f"Pengingat : ke-{reminder['seq'] + 1}\n\nPesan ini dikirim otomatis oleh naskah.\n")
        return subject, body


def _key(deadline: datetime) -> str:
    return deadline.astimezone(UTC).isoformat()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _jsonable(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in item.items()}
