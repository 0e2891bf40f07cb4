"""The `idempotency_keys` table: one row per (caller, Idempotency-Key), holding the answer to replay.

Every service's metadata includes it (like the outbox); `naskah_shared.web.idempotency` uses it.
A row with no `status` is a request still running, or one that died: `owner` (`host:pid:boot`,
`naskah_shared.owners`) tells at once when its process is gone on this host, `started_at` otherwise.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text

TABLE = "idempotency_keys"


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        TABLE, metadata,
        Column("scope", String(200), nullable=False),  # who asked: API client and person/token digest
        Column("key", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),  # SHA-256 of method, path, query and body
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("owner", String(100)),  # the process running the first request (NULL: rows from before)
        Column("status", Integer),  # NULL while the first request runs
        Column("body", Text),
        Column("headers", JSON),
        Column("completed_at", DateTime(timezone=True)),
        PrimaryKeyConstraint("scope", "key"),
    )
