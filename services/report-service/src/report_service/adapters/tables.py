"""report-service's tables (SQLAlchemy Core): the activity event log and compiled reports."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, UniqueConstraint

from naskah_shared.db.idempotency import idempotency_table
from naskah_shared.db.outbox import outbox_tables

metadata = MetaData()
outbox = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)  # answers kept for Idempotency-Key retries

activities = Table(
    "activities", metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("sk_id", String(36), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("data", JSON, nullable=False),
)

# Event-sourced: an activity is rebuilt from these rows alone, from its own stream and its SK's.
activity_events = Table(
    "activity_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("stream", String(60), nullable=False, index=True),  # "activity:{id}" or "sk:{sk_id}"
    Column("event_id", String(36), nullable=False),
    Column("type", String(100), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSON, nullable=False),
    UniqueConstraint("stream", "event_id", name="uq_stream_event"),
)

reports = Table(
    "reports", metadata,
    Column("id", String(36), primary_key=True),
    Column("activity_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # compiled|signing|signed
    Column("docx", JSON, nullable=False),
    Column("pdf", JSON, nullable=False),
    Column("charts", JSON, nullable=False),
    Column("signed", JSON),
    Column("error", String(500)),
    Column("missing_steps", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("activity_id", "version", name="uq_report_version"),
)

# One row per reminder sent about a step past its deadline (the event went out with it, through the outbox).
# The unique key is the claim: two workers, or one restarted, cannot both remind of the same step, deadline and
# round. seq 0 is the reminder when the deadline passed, seq n the one n repeat intervals later.
step_reminders = Table(
    "step_reminders", metadata,
    Column("id", String(36), primary_key=True),
    Column("activity_id", String(36), nullable=False, index=True),
    Column("step", Integer, nullable=False),
    Column("deadline_key", String(40), nullable=False),  # the deadline in UTC, ISO 8601 (exact on every DB)
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("recipients", JSON, nullable=False),
    # none (no SMTP or nobody to tell) | pending | sending (claimed by one worker) | sent | failed
    Column("email_status", String(10), nullable=False, index=True),
    Column("email_attempts", Integer, nullable=False, default=0),
    Column("email_error", String(500)),
    Column("emailed_at", DateTime(timezone=True)),
    UniqueConstraint("activity_id", "step", "deadline_key", "seq", name="uq_step_reminder"),
)

# SOP steps 8-10: each kampung's letter, learnt from sk-service's batch (its signature request), and every
# Formulir the kampung returned, one version per submission with the Tim's verdict on it.
formulir_letters = Table(
    "formulir_letters", metadata,
    Column("letter_id", String(36), primary_key=True),  # sk-service's letter = the Formulir's document id
    Column("batch_id", String(36), nullable=False, index=True),
    Column("sk_id", String(36), nullable=False, index=True),  # the SK Tim: the activity that owns the data
    Column("kampung_kode", String(120), nullable=False),
    Column("kampung_nama", String(300), nullable=False),
    Column("distrik", String(300), nullable=False),
    Column("token_sha256", String(64), unique=True),  # the web form's link; the token itself is only on the letter
    Column("closed_at", DateTime(timezone=True)),  # the batch closed: the link stops working
    Column("created_at", DateTime(timezone=True), nullable=False),
)

formulir_submissions = Table(
    "formulir_submissions", metadata,
    Column("id", String(36), primary_key=True),
    Column("letter_id", String(36), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("source", String(10), nullable=False),  # pdf | web | tim (typed from paper by the Tim)
    Column("values", JSON, nullable=False),
    Column("document", JSON),  # the uploaded PDF in naskah-reports
    Column("submitted_by", String(200), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),  # submitted | accepted | sent_back
    Column("notes", JSON, nullable=False),  # the Tim's note per field code when sent back
    Column("reviewed_by", String(200)),
    Column("reviewed_at", DateTime(timezone=True)),
    UniqueConstraint("letter_id", "version", name="uq_formulir_version"),
)

# The Lembar Disposisi (SOP steps 1, 2, 6, 7, 8, 12): one row per disposition, its sheet and the giver's paraf.
disposisi = Table(
    "disposisi", metadata,
    Column("id", String(36), primary_key=True),
    Column("activity_id", String(36), nullable=False, index=True),
    Column("step", Integer, nullable=False),
    Column("dari", String(20), nullable=False),
    Column("kepada", String(20), nullable=False, index=True),
    Column("nomor", String(120), nullable=False),
    Column("tanggal", String(40), nullable=False),
    Column("hal", String(2000), nullable=False),
    Column("sifat", String(20), nullable=False),
    Column("instruksi", JSON, nullable=False),
    Column("catatan", String(2000), nullable=False),
    Column("batas_waktu", DateTime(timezone=True), nullable=False),
    Column("diberikan_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),  # open | done
    Column("done_at", DateTime(timezone=True)),
    Column("done_by", String(200), nullable=False, default=""),
    Column("done_note", String(2000), nullable=False, default=""),
    Column("pdf", JSON),  # the printed sheet in naskah-reports, once rendered
    Column("signed", JSON),  # the sheet with the giver's paraf, from signature-service
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("activity_id", "step", name="uq_disposisi_step"),  # one per step: a retry makes no second
)
