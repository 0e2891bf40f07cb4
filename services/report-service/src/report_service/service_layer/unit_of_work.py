"""The unit of work report-service's service layer sees: its three repositories plus the outbox, in one
transaction (adapters/unit_of_work.py's SqlReportUnitOfWork is the one implementation).

The rows the repositories read and write are the TypedDicts of `rows.py`; the repositories and the unit of
work themselves are typed here, so a handler's `uow` is never `Any`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from naskah_shared.messages import Envelope
from naskah_shared.transaction import Transaction
from report_service.domain.activity import Activity, ActivityEvent
from report_service.domain.disposisi import Disposisi
from report_service.domain.events import DomainEvent
from report_service.domain.streams import activity_stream
from report_service.service_layer.rows import (
    ActivityData,
    ActivityRow,
    DisposisiFiles,
    LetterRow,
    NewLetter,
    NewReminder,
    NewReport,
    NewSubmission,
    ReminderRow,
    ReportRow,
    StoredRef,
    SubmissionRow,
)

PRODUCER = "report-service"


class ReportRepository(Protocol):
    """Activities with their event streams, the compiled reports and the deadline reminders."""

    def add_activity(self, activity_id: str, title: str, sk_id: str | None, data: ActivityData) -> None: ...
    def activity(self, activity_id: str, *, for_update: bool = False) -> ActivityRow | None: ...
    def activities(self, limit: int, offset: int) -> list[ActivityRow]: ...
    def link_sk(self, activity_id: str, sk_id: str) -> None: ...
    def append(self, stream: str, event: ActivityEvent) -> None: ...
    def events(self, activity: ActivityRow) -> list[ActivityEvent]: ...
    def add_report(self, row: NewReport) -> None: ...
    def report(self, report_id: str, *, for_update: bool = False) -> ReportRow | None: ...
    def reports_of(self, activity_id: str) -> list[ReportRow]: ...
    def answer_report(self, report_id: str, status: str, *, signed: StoredRef | None = None,
                      error: str | None = None) -> None:
        """signature-service's answer: the new status with the signed copy, or the refusal's note."""
    def add_reminder(self, row: NewReminder) -> bool: ...
    def has_reminder(self, activity_id: str, step: int, deadline_key: str, seq: int) -> bool: ...
    def reminders_of(self, activity_ids: list[str]) -> list[ReminderRow]: ...
    def pending_emails(self, limit: int) -> list[ReminderRow]: ...
    def claim_email(self, reminder_id: str) -> bool: ...
    def emailed(self, reminder_id: str, status: str, error: str | None, at: datetime | None) -> None:
        """The e-mail's outcome: sent (at `at`), pending again, or failed with `error`."""


class FormulirRepository(Protocol):
    """The Formulir letters of a Surat Edaran batch and the kampung's submissions of them."""

    def add_letter(self, row: NewLetter) -> bool: ...
    def letter(self, letter_id: str, *, for_update: bool = False) -> LetterRow | None: ...
    def letter_by_token(self, digest: str) -> LetterRow | None: ...
    def letters_of(self, sk_id: str) -> list[LetterRow]: ...
    def close_batch(self, batch_id: str, at: datetime) -> int: ...
    def activity_of_sk(self, sk_id: str) -> str | None: ...
    def close_letters_of_sk(self, sk_id: str, at: datetime) -> int: ...
    def add_submission(self, row: NewSubmission) -> None: ...
    def next_version(self, letter_id: str) -> int: ...
    def submissions(self, letter_ids: list[str]) -> list[SubmissionRow]: ...
    def submission(self, letter_id: str, version: int) -> SubmissionRow | None: ...
    def review(self, submission_id: str, *, status: str, notes: dict[str, str], reviewed_by: str,
               reviewed_at: datetime) -> None: ...


class DisposisiRepository(Protocol):
    """Lembar Disposisi, each with its files (the rendered sheet, the signed one)."""

    def add(self, d: Disposisi) -> None: ...
    def get(self, disposisi_id: str, *, for_update: bool = False) -> tuple[Disposisi, DisposisiFiles] | None: ...
    def of_activity(self, activity_id: str) -> list[tuple[Disposisi, DisposisiFiles]]: ...
    def printed(self, disposisi_id: str, pdf: StoredRef) -> None: ...
    def signed(self, disposisi_id: str, signed: StoredRef) -> None: ...
    def close(self, d: Disposisi) -> None: ...


class Aggregate(Protocol):
    """An activity, a disposition, a report or a reminder: what it recorded waits in `events` until the commit."""

    @property
    def events(self) -> list[DomainEvent]: ...


class ReportUnitOfWork(Transaction, Protocol):
    reports: ReportRepository
    formulir: FormulirRepository
    disposisi: DisposisiRepository

    def collect(self, aggregate: Aggregate) -> None:
        """Write `aggregate`'s new events to the outbox when this unit of work commits."""


def envelope_for(event: DomainEvent, cause: Envelope | None) -> Envelope:
    """`event` as an envelope, on the chain of `cause` when one is handled (its correlation, it as causation);
    otherwise the outbox gives it the request's correlation."""
    return Envelope.following(cause, event.type, event.payload, PRODUCER, id=event.id)


class UnitOfWorkFactory(Protocol):
    def __call__(self, cause: Envelope | None = None) -> ReportUnitOfWork: ...


def keep_activity(uow: ReportUnitOfWork, activity: Activity) -> None:
    """Append what `activity` recorded to its stream; its events go to the outbox with the commit."""
    for event in activity.new_events:
        uow.reports.append(activity_stream(activity.activity_id), event)
    activity.new_events.clear()
    uow.collect(activity)
