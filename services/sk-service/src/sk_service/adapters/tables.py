"""sk-service's tables (SQLAlchemy Core). Migrations in sk_service/migrations mirror them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from naskah_shared.db.idempotency import idempotency_table
from naskah_shared.db.outbox import outbox_tables

metadata = MetaData()
outbox = outbox_tables(metadata)
idempotency_keys = idempotency_table(metadata)  # answers kept for Idempotency-Key retries

sk = Table(
    "sk", metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(30), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("nomor", String(100), unique=True),
    Column("drafter", String(200), nullable=False),
    Column("content", JSON, nullable=False),
    Column("signed_document", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("lock_version", Integer, nullable=False, default=1),  # optimistic concurrency
)

sk_reviews = Table(
    "sk_reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sk_id", String(36), ForeignKey("sk.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewer", String(200), nullable=False),  # the person's account id, or the name a system gave
    Column("at", DateTime(timezone=True), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("reviewer_nama", String(200)),
    Column("vouched_by", String(100)),  # the internal system whose API key vouched; NULL when the person did
)

# One row per stored rendering: every revision, and the final one with its nomor.
sk_versions = Table(
    "sk_versions", metadata,
    Column("sk_id", String(36), ForeignKey("sk.id"), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("status", String(30), nullable=False),
    Column("content", JSON, nullable=False),
    Column("docx", JSON, nullable=False),
    Column("pdf", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The gapless register: one counter per office and year, taken under a row lock.
nomor_register = Table(
    "nomor_register", metadata,
    Column("office", String(50), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

nomor_assignments = Table(
    "nomor_assignments", metadata,
    Column("office", String(50), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("nomor", String(100), nullable=False, unique=True),
    # One register for every naskah of the office: an SK Tim or a Surat Edaran holds each number.
    Column("sk_id", String(36), ForeignKey("sk.id"), unique=True),
    Column("surat_edaran_id", String(36), ForeignKey("surat_edaran.id", name="fk_nomor_surat_edaran")),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("office", "year", "seq", name="uq_nomor_seq"),
    UniqueConstraint("surat_edaran_id", name="uq_nomor_surat_edaran"),
)

templates = Table(
    "templates", metadata,
    Column("name", String(100), primary_key=True),
    Column("document", JSON, nullable=False),  # bucket/key/version_id/sha256
    Column("size", Integer, nullable=False),
    Column("placeholders", JSON, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploaded_by", String(200), nullable=False),
)

# SOP step 8: one Surat Edaran (one nomor) to many kampung, a letter each.
surat_edaran = Table(
    "surat_edaran", metadata,
    Column("id", String(36), primary_key=True),
    Column("sk_id", String(36), ForeignKey("sk.id"), nullable=False, index=True),
    Column("nomor", String(100), nullable=False, unique=True),
    Column("status", String(30), nullable=False),
    Column("content", JSON, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),  # the Kadis's, when refused
    Column("lock_version", Integer, nullable=False, default=1),
)

surat_edaran_letters = Table(
    "surat_edaran_letters", metadata,
    Column("id", String(36), primary_key=True),
    Column("surat_edaran_id", String(36), ForeignKey("surat_edaran.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("slug", String(250), nullable=False),
    Column("kampung", JSON, nullable=False),
    Column("status", String(30), nullable=False),
    Column("document", JSON),
    Column("signed_document", JSON),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # Who is producing the letter and until when (a lease), and a version every write compares and bumps:
    # a redelivered request run beside the first never renders a letter twice or undoes a signature.
    Column("claimed_by", String(64)),
    Column("claimed_until", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, default=1, server_default="1"),
    UniqueConstraint("surat_edaran_id", "slug", name="uq_letter_slug"),
)
