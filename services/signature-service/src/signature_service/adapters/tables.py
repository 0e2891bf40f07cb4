"""signature-service's tables (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint

from naskah_shared.db.idempotency import idempotency_table
from naskah_shared.db.outbox import outbox_tables

metadata = MetaData()
outbox = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)  # answers kept for Idempotency-Key retries

# One request per signer and document, in the order the SK must be signed.
signature_requests = Table(
    "signature_requests", metadata,
    Column("id", String(36), primary_key=True),
    Column("document_id", String(36), nullable=False, index=True),  # the SK, report or letter id
    Column("kind", String(20), nullable=False),  # sk | report | surat_edaran
    Column("batch_id", String(36), index=True),  # documents signed together with one passphrase
    Column("archive_key", String(300)),  # where a batch document goes in naskah-signed
    Column("signer", String(50), nullable=False, index=True),  # kabid | kadis (account id)
    Column("position", Integer, nullable=False),
    Column("status", String(20), nullable=False, index=True),  # waiting|pending|signed|rejected
    Column("title", String(500), nullable=False),
    Column("nomor", String(100)),
    Column("source", JSON, nullable=False),  # the PDF to sign: bucket/key/version/sha256
    Column("result", JSON),  # the signed PDF after this signature
    Column("note", Text),
    Column("requested_event", String(36), nullable=False),
    Column("requested_correlation", String(200)),  # that event's correlation: its answers follow on it
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("lock_version", Integer, nullable=False, default=1),
    UniqueConstraint("document_id", "signer", "requested_event", name="uq_request_signer"),
)

signer_lockouts = Table(
    "signer_lockouts", metadata,
    Column("signer", String(50), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True)),
    # Attempts whose key is being opened right now: counted with the failures, so parallel guesses
    # cannot pass the limit; they expire at reserved_until if their process died.
    Column("reserved", Integer, nullable=False, default=0, server_default="0"),
    Column("reserved_until", DateTime(timezone=True)),
)

# A batch's background signing job, in the database so every worker answers about it truthfully: the
# owner renews its lease while it runs; a lease left to expire means the job died (shown as interrupted).
batch_jobs = Table(
    "batch_jobs", metadata,
    Column("batch_id", String(36), primary_key=True),
    Column("signer", String(50), primary_key=True),
    Column("owner", String(200), nullable=False),  # host:pid:boot of the process running it
    Column("state", String(20), nullable=False),  # running | done | failed (interrupted: a lapsed lease)
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("done_count", Integer, nullable=False),  # documents this job signed
    Column("left_count", Integer, nullable=False),  # still pending at the last heartbeat
    Column("error_code", String(50)),
    Column("error_message", String(500)),
)

# Written (and committed) before a signed PDF goes to the store, deleted in the transaction that records
# the signature: one left behind names the version a crash may have written, to adopt or to forget.
archive_intents = Table(
    "archive_intents", metadata,
    Column("request_id", String(36), primary_key=True),
    Column("signer", String(50), nullable=False),
    Column("bucket", String(100), nullable=False),
    Column("key", String(300), nullable=False),
    Column("sha256", String(64), nullable=False),  # of the signed bytes about to be written
    Column("owner", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("level", String(10)),
    Column("sha256_in", String(64)),
    Column("remote_addr", String(100)),
    Column("user_agent", String(300)),
)

# Append-only: who signed (or tried to sign) what, when, from where.
audit_trail = Table(
    "audit_trail", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("signer", String(50), nullable=False),
    Column("request_id", String(36)),
    Column("document_id", String(36)),
    Column("action", String(30), nullable=False),  # sign|reject|verify
    Column("result", String(30), nullable=False),  # ok|bad_passphrase|locked_out|error code
    Column("level", String(10)),
    Column("remote_addr", String(100)),
    Column("user_agent", String(300)),
    Column("sha256_in", String(64)),
    Column("sha256_out", String(64)),
    Column("detail", Text),
    Column("remote_ref", String(200)),  # the remote signing service's receipt (BSrE's id_dokumen)
)

# The office's people (DESIGN §12); a Kabid or Kadis names the signer account they sign as.
people = Table(
    "people", metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(50), nullable=False, unique=True),
    Column("nip", String(18), index=True),
    Column("nama", String(200), nullable=False),
    Column("role", String(20), nullable=False),  # kasubid|kabid|kadis|arsiparis|admin
    Column("jabatan", String(200), nullable=False, default=""),
    Column("pangkat", String(200), nullable=False, default=""),
    Column("signer_id", String(50)),  # the SignerAccount.id this person signs as
    Column("password_hash", String(300), nullable=False),  # argon2id
    Column("failed_logins", Integer, nullable=False, default=0),  # apart from the passphrase lockout
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Server-side login sessions: only the SHA-256 of the id the browser holds.
sessions = Table(
    "sessions", metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("csrf_token", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# The inbox's read model of sk-service's SKs, fed by its sk.* events: what awaits whose review.
inbox_sk = Table(
    "inbox_sk", metadata,
    Column("sk_id", String(36), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("nomor", String(100)),
    Column("status", String(30), nullable=False),
    Column("awaiting", String(20), index=True),  # kabid | kadis | None
    Column("revision", Integer, nullable=False),
    Column("document", JSON),  # the current revision's PDF: bucket/key/version_id/sha256 (naskah-drafts)
    Column("last_action", String(30), nullable=False),  # the event type that set this row
    Column("last_by", String(200)),  # who acted last (nama or role)
    Column("last_at", DateTime(timezone=True), nullable=False),  # the event's time: older events are ignored
)

# What each person did (reviews), for the inbox's "baru saja saya kerjakan".
inbox_activity = Table(
    "inbox_activity", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("sk_id", String(36), nullable=False),
    Column("person_id", String(36), index=True),
    Column("role", String(20), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The verification of each archived version, computed once (DESIGN §7): an archived version never changes
# (object lock), so its report is reused by the public page and the API instead of re-verifying per visit.
verification_cache = Table(
    "verification_cache", metadata,
    Column("bucket", String(63), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("version_id", String(200), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("report", JSON, nullable=False),  # DocumentVerification.to_json()
    Column("verified_at", DateTime(timezone=True), nullable=False),
)

# The dispositions addressed to people here (report-service's disposisi.* events): the inbox's read model.
inbox_disposisi = Table(
    "inbox_disposisi", metadata,
    Column("disposisi_id", String(36), primary_key=True),
    Column("activity_id", String(36), nullable=False),
    Column("step", Integer, nullable=False),
    Column("dari", String(20), nullable=False),
    Column("kepada", String(20), nullable=False, index=True),
    Column("nomor", String(120), nullable=False),
    Column("hal", String(2000), nullable=False),
    Column("sifat", String(20), nullable=False),
    Column("instruksi", JSON, nullable=False),
    Column("catatan", String(2000), nullable=False),
    Column("batas_waktu", DateTime(timezone=True), nullable=False),
    Column("diberikan_at", DateTime(timezone=True), nullable=False),
    Column("status", String(10), nullable=False),  # open | done
    Column("done_at", DateTime(timezone=True)),
    Column("done_by", String(200)),
    Column("done_note", String(2000)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
