"""The dispositions in people's inboxes: a read model fed by report-service's disposisi.* events.

report-service owns the disposition; this service shows it to its addressee (by role, as report-service
checks it) and hands "done, with a note" back over HTTP with the person's signed assertion. The inbox
never waits on report-service to show what it has; a `disposisi.done` event confirms the row later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from naskah_shared.bus.topology import Queues
from naskah_shared.messages import Envelope
from signature_service.service_layer.people import Person
from signature_service.service_layer.unit_of_work import UnitOfWorkFactory

CONSUMER = Queues.SIGNATURE_DISPOSISI
NOTE_MAX = 2000


class DisposisiDone(Protocol):
    """The port to report-service, which alone decides a disposition done (adapters.report_client)."""

    def done(self, disposisi_id: str, person: Person, note: str, *, request_id: str = "") -> dict[str, Any]: ...


class DisposisiInbox:
    def __init__(self, *, uow: UnitOfWorkFactory, client: DisposisiDone) -> None:
        self.uow, self.client = uow, client

    def on_event(self, event: Envelope) -> None:
        p = event.payload
        if not p.get("disposisi_id") or p.get("kepada") not in ("kadis", "kabid", "kasubid"):
            raise ValueError(f"{event.type} without disposisi_id or a known kepada")
        values = {k: p.get(k) for k in ("activity_id", "step", "dari", "kepada", "sifat", "instruksi")}
        values.update(nomor=str(p.get("nomor") or "")[:120], hal=str(p.get("hal") or "")[:2000],
                      catatan=str(p.get("catatan") or "")[:2000],
                      batas_waktu=_time(p["batas_waktu"]), diberikan_at=_time(p["diberikan_at"]),
                      status="done" if event.type == "disposisi.done" else str(p.get("status") or "open"))
        if values["status"] == "done":
            values.update(done_at=_time(p.get("done_at")) if p.get("done_at") else event.occurred_at,
                          done_by=str(p.get("done_by") or "")[:200], done_note=str(p.get("done_note") or "")[:2000])
        with self.uow(cause=event) as uow:
            if not uow.claim(event, CONSUMER):
                return
            uow.disposisi.upsert(str(p["disposisi_id"]), values)
            uow.commit()

    def for_person(self, person: Person) -> list[dict[str, Any]]:
        with self.uow() as uow:
            rows: list[dict[str, Any]] = uow.disposisi.for_role(person.role)
            return rows

    def get(self, disposisi_id: str) -> dict[str, Any] | None:
        with self.uow() as uow:
            row: dict[str, Any] | None = uow.disposisi.get(disposisi_id)
            return row

    def done(self, row: dict[str, Any], person: Person, note: str, *, request_id: str = "") -> dict[str, Any]:
        """report-service decides (only the addressee); its answer moves the row at once."""
        answer = self.client.done(row["disposisi_id"], person, note, request_id=request_id)
        with self.uow() as uow:
            uow.disposisi.upsert(row["disposisi_id"], {
                "status": "done", "done_at": _time(answer["done_at"]) if answer.get("done_at") else datetime.now(UTC),
                "done_by": person.id, "done_note": note})
            uow.commit()
        return answer


def _time(value: Any) -> datetime:
    t = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return t if t.tzinfo else t.replace(tzinfo=UTC)
