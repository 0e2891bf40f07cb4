"""The dispositions in people's inboxes: a read model fed by report-service's disposisi.* events.

report-service owns the disposition; this service shows it to its addressee (by role, as report-service
checks it) and hands "done, with a note" back over HTTP with the person's signed assertion. The inbox
never waits on report-service to show what it has; a `disposisi.done` event confirms the row later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from naskah_shared import contracts
from naskah_shared.bus.topology import Queues
from naskah_shared.messages import Envelope
from signature_service.service_layer.people import Person
from signature_service.service_layer.rows import DisposisiChange, DisposisiRow
from signature_service.service_layer.unit_of_work import UnitOfWorkFactory

CONSUMER = Queues.SIGNATURE_DISPOSISI
NOTE_MAX = 2000


class DisposisiDone(Protocol):
    """The port to report-service, which alone decides a disposition done (adapters.report_client)."""

    def done(self, disposisi_id: str, person: Person, note: str, *, request_id: str = "") -> dict[str, Any]: ...


class DisposisiInbox:
    def __init__(self, *, uow: UnitOfWorkFactory, client: DisposisiDone) -> None:
        self.uow, self.client = uow, client

    def on_event(self, message: contracts.DisposisiCreated | contracts.DisposisiDone, event: Envelope) -> None:
        if message.kepada not in ("kadis", "kabid", "kasubid"):
            raise ValueError(f"{event.type} for {message.kepada!r}, not a person of this inbox")
        values: DisposisiChange = {
            "activity_id": message.activity_id, "step": message.step, "dari": message.dari,
            "kepada": message.kepada, "sifat": message.sifat, "instruksi": list(message.instruksi),
            "nomor": message.nomor[:120], "hal": message.hal[:2000], "catatan": message.catatan[:2000],
            "batas_waktu": message.batas_waktu, "diberikan_at": message.diberikan_at,
            "status": "done" if isinstance(message, contracts.DisposisiDone) else message.status}
        if values["status"] == "done":
            values["done_at"] = message.done_at or event.occurred_at
            values["done_by"] = (message.done_by or "")[:200]
            values["done_note"] = (message.done_note or "")[:2000]
        with self.uow(cause=event) as uow:
            if not uow.claim(event, CONSUMER):
                return
            uow.disposisi.upsert(message.disposisi_id, values)
            uow.commit()

    def for_person(self, person: Person) -> list[DisposisiRow]:
        with self.uow() as uow:
            return uow.disposisi.for_role(person.role)

    def get(self, disposisi_id: str) -> DisposisiRow | None:
        with self.uow() as uow:
            return uow.disposisi.get(disposisi_id)

    def done(self, row: DisposisiRow, person: Person, note: str, *, request_id: str = "") -> dict[str, Any]:
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
