"""signature-service's tables (SQLAlchemy Core)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint

from naskah_shared.db.outbox import outbox_tables

metadata = MetaData()
outbox = outbox_tables(metadata)

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
