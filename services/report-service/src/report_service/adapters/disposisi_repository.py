"""SQL repository of the Lembar Disposisi: rows to `Disposisi` values and back."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from naskah_shared.db.engine import aware_utc
from report_service.adapters import tables as t
from report_service.domain.disposisi import Disposisi, Sifat, Status
from report_service.service_layer.rows import DisposisiFiles, StoredRef


def _value(row: Any) -> Disposisi:
    return Disposisi(id=row["id"], activity_id=row["activity_id"], step=row["step"], dari=row["dari"],
                     kepada=row["kepada"], nomor=row["nomor"], tanggal=row["tanggal"], hal=row["hal"],
                     sifat=Sifat(row["sifat"]), instruksi=tuple(row["instruksi"]), catatan=row["catatan"],
                     batas_waktu=aware_utc(row["batas_waktu"]), diberikan_at=aware_utc(row["diberikan_at"]),
                     status=Status(row["status"]), done_at=aware_utc(row["done_at"]), done_by=row["done_by"],
                     done_note=row["done_note"])


class SqlDisposisiRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, d: Disposisi) -> None:
        row = {f.name: getattr(d, f.name) for f in fields(d) if f.init}  # not its events
        row.update(sifat=d.sifat.value, status=d.status.value, instruksi=list(d.instruksi))
        self.session.execute(insert(t.disposisi).values(created_at=datetime.now(UTC), **row))

    def get(self, disposisi_id: str, *, for_update: bool = False) -> tuple[Disposisi, DisposisiFiles] | None:
        """The disposition and its files (`pdf`, `signed`: stored-object refs or None)."""
        query = select(t.disposisi).where(t.disposisi.c.id == disposisi_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return (_value(row), {"pdf": row["pdf"], "signed": row["signed"]}) if row else None

    def of_activity(self, activity_id: str) -> list[tuple[Disposisi, DisposisiFiles]]:
        rows = self.session.execute(select(t.disposisi).where(t.disposisi.c.activity_id == activity_id)
                                    .order_by(t.disposisi.c.step)).mappings()
        return [(_value(r), {"pdf": r["pdf"], "signed": r["signed"]}) for r in rows]

    def printed(self, disposisi_id: str, pdf: StoredRef) -> None:
        self.session.execute(update(t.disposisi).where(t.disposisi.c.id == disposisi_id).values(pdf=pdf))

    def signed(self, disposisi_id: str, signed: StoredRef) -> None:
        self.session.execute(update(t.disposisi).where(t.disposisi.c.id == disposisi_id).values(signed=signed))

    def close(self, d: Disposisi) -> None:
        self.session.execute(update(t.disposisi).where(t.disposisi.c.id == d.id, t.disposisi.c.status == "open")
                             .values(status=d.status.value, done_at=d.done_at, done_by=d.done_by,
                                     done_note=d.done_note))
