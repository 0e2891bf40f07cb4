"""The rows report-service's repositories give and take, typed: one TypedDict per table as the service layer
reads it (the SQL repositories in adapters/ fill them; times are timezone-aware)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict


class StoredRef(TypedDict):
    """A stored version of a file in naskah-reports (or the signed copy signature-service archived)."""

    bucket: str
    key: str
    version_id: str | None
    sha256: str


def stored_ref(ref: Mapping[str, Any]) -> StoredRef:
    """`ref` (an object store's `StoredObject.ref()`, an event's document) as the rows keep it."""
    return {"bucket": str(ref["bucket"]), "key": str(ref["key"]),
            "version_id": None if ref.get("version_id") is None else str(ref["version_id"]),
            "sha256": str(ref["sha256"])}


class ActivityData(TypedDict):
    tahun: int | None
    unit_kerja: str


class ActivityRow(TypedDict):
    id: str
    title: str  # the kegiatan
    sk_id: str | None
    created_at: datetime
    data: ActivityData


class NewReport(TypedDict):
    id: str
    activity_id: str
    version: int
    status: str  # domain.report.ReportStatus
    docx: StoredRef
    pdf: StoredRef
    charts: dict[str, StoredRef]  # by file name
    missing_steps: list[int]


class ReportRow(NewReport):
    signed: StoredRef | None
    error: str | None
    created_at: datetime


class NewReminder(TypedDict):
    id: str
    activity_id: str
    step: int
    deadline_key: str  # the deadline in UTC, ISO 8601
    deadline: datetime
    seq: int
    event_id: str
    recipients: list[str]
    email_status: str  # none | pending | sending | sent | failed


class ReminderRow(NewReminder):
    created_at: datetime
    email_attempts: int
    email_error: str | None
    emailed_at: datetime | None


class NewLetter(TypedDict):
    letter_id: str
    batch_id: str
    sk_id: str
    kampung_kode: str
    kampung_nama: str
    distrik: str
    token_sha256: str | None
    created_at: datetime


class LetterRow(NewLetter):
    closed_at: datetime | None


class NewSubmission(TypedDict):
    id: str
    letter_id: str
    version: int
    source: str  # pdf | web | tim
    values: dict[str, Any]  # the instrument's values by field code, as naskah_shared.formulir.validate gives them
    document: StoredRef | None
    submitted_by: str
    submitted_at: datetime
    status: str  # submitted | accepted | sent_back
    notes: dict[str, str]  # the Tim's note per field code


class SubmissionRow(NewSubmission):
    reviewed_by: str | None
    reviewed_at: datetime | None


class DisposisiFiles(TypedDict):
    pdf: StoredRef | None  # the printed sheet
    signed: StoredRef | None  # with the giver's paraf
