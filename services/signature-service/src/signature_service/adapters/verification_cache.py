"""VerificationCache on the service's database (table ``verification_cache``, migration 0004_verify_cache)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from signature_service.adapters.tables import verification_cache as t
from signature_service.service_layer.ports import DocumentVerification


class SqlVerificationCache:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, bucket: str, key: str, version_id: str) -> DocumentVerification | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.report).where(t.c.bucket == bucket, t.c.key == key,
                                                        t.c.version_id == version_id)).first()
        return DocumentVerification.from_json(row.report) if row is not None else None

    def put(self, bucket: str, key: str, version_id: str, report: DocumentVerification) -> None:
        """First writer wins: two workers verifying the same version at once store one report."""
        make = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        stmt = make(t).values(bucket=bucket, key=key, version_id=version_id, sha256=report.sha256,
                              report=report.to_json(), verified_at=datetime.now(UTC)).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            conn.execute(stmt)
