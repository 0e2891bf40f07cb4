"""SQL read model of the dispositions addressed to people (report-service's disposisi.* events)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from signature_service.adapters import tables as t
from signature_service.service_layer.rows import DisposisiChange, DisposisiRow

COLUMNS = ("activity_id", "step", "dari", "kepada", "nomor", "hal", "sifat", "instruksi", "catatan", "batas_waktu",
           "diberikan_at", "status", "done_at", "done_by", "done_note")


def _row(r: Any) -> DisposisiRow:
    out = dict(r)
    for k in ("batas_waktu", "diberikan_at", "done_at", "updated_at"):
        out[k] = aware_utc(out[k])
    return cast(DisposisiRow, out)


class SqlDisposisiInbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, disposisi_id: str, values: DisposisiChange) -> None:
        c = t.inbox_disposisi.c
        existing = self.session.execute(select(c.status).where(c.disposisi_id == disposisi_id)
                                        .with_for_update()).first()
        row = {**values, "updated_at": datetime.now(UTC)}
        if existing is None:
            self.session.execute(insert(t.inbox_disposisi).values(disposisi_id=disposisi_id, **row))
        elif not (existing.status == "done" and row.get("status") != "done"):  # done stays done
            self.session.execute(update(t.inbox_disposisi).where(c.disposisi_id == disposisi_id).values(**row))

    def get(self, disposisi_id: str) -> DisposisiRow | None:
        r = self.session.execute(select(t.inbox_disposisi).where(t.inbox_disposisi.c.disposisi_id == disposisi_id)
                                 ).mappings().first()
        return _row(r) if r else None

    def for_role(self, role: str, *, limit: int = 200) -> list[DisposisiRow]:
        c = t.inbox_disposisi.c
        rows = self.session.execute(select(t.inbox_disposisi).where(c.kepada == role)
                                    .order_by(c.status.desc(), c.batas_waktu).limit(limit)).mappings()
        return [_row(r) for r in rows]
