"""The Lembar Disposisi: a recorded instruction from one official to another (SOP steps 1, 2, 6, 7, 8 and 12).

Standard library only. A disposition names who gives it (`dari`) and who receives it (`kepada`) as the
office's people roles (DESIGN §12: kadis, kabid, kasubid), the document it is about (nomor, tanggal, hal),
its sifat, the instruction (the office's checklist and free text), a deadline and the giver's paraf time.
Only the addressee may mark it done; marking it done closes the SOP step it came from.

Routes: the SOP's Pelaksana column names who passes the step to whom; where the step ends with the Tim
or the Pokja (7, 8), who are not people accounts, the disposition goes to the Kasubid who leads the Tim,
on the Kabid's instruction. Step 12's Disposisi is the Kadis's answer on the report he received. Step 6's
(the Kabid hands the signed SK to the Kasubid to document and archive) is given when the Kadis's signature
arrives, since that event starts the step; the archive's own event ends the step.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from report_service.domain.events import DomainEvent

KIND = "disposisi"  # the kind of document signature-service signs for a Lembar Disposisi
ROLES = ("kadis", "kabid", "kasubid")
ROUTES: dict[int, tuple[str, str]] = {1: ("kadis", "kabid"), 2: ("kabid", "kasubid"), 6: ("kabid", "kasubid"),
                                      7: ("kabid", "kasubid"), 8: ("kabid", "kasubid"), 12: ("kadis", "kabid")}
DISPOSISI_STEPS: frozenset[int] = frozenset(ROUTES)
MAX_CATATAN = 2000


class Sifat(enum.StrEnum):
    BIASA = "biasa"
    SEGERA = "segera"
    SANGAT_SEGERA = "sangat segera"
    RAHASIA = "rahasia"


# The checklist printed on the office's Lembar Disposisi, in its order.
INSTRUKSI: tuple[str, ...] = ("untuk diketahui", "untuk ditindaklanjuti", "untuk dipelajari", "siapkan jawaban",
                              "hadir mewakili", "arsip")


class Status(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class DisposisiError(Exception):
    code = "invalid_disposisi"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class InvalidDisposisi(DisposisiError):
    code = "invalid_disposisi"


class NotAddressee(DisposisiError):
    code = "not_addressee"


class AlreadyDone(DisposisiError):
    code = "disposisi_done"


@dataclass(frozen=True)
class Disposisi:
    id: str
    activity_id: str
    step: int
    dari: str  # the giver's role
    kepada: str  # the addressee's role
    nomor: str  # the document it is about
    tanggal: str  # its date, as written on it (ISO date)
    hal: str
    sifat: Sifat
    instruksi: tuple[str, ...]  # from INSTRUKSI
    catatan: str  # the free text
    batas_waktu: datetime  # the deadline, in the office's working calendar
    diberikan_at: datetime  # the paraf's date and time
    status: Status = Status.OPEN
    done_at: datetime | None = None
    done_by: str = ""
    done_note: str = ""
    # what it recorded for the other services, for the unit of work; a copy made by `closed` starts empty
    events: list[DomainEvent] = field(default_factory=list, init=False, compare=False, repr=False)

    @classmethod
    def give(cls, **values: Any) -> Disposisi:
        """A new disposition (the fields of the class): `disposisi.created`, from which its sheet is printed."""
        d = cls(**values)
        d.events.append(DomainEvent("disposisi.created", d.payload()))
        return d

    def ask_paraf(self, sheet: Mapping[str, Any], *, visible: bool) -> None:
        """Its printed sheet (a stored PDF) goes to signature-service for the giver's paraf."""
        self.events.append(DomainEvent("signature.requested", {
            "kind": KIND, "disposisi_id": self.id, "signers": [self.dari], "nomor": self.nomor or None,
            "documents": [{"document_id": self.id, "document": dict(sheet),
                           "title": f"Lembar Disposisi langkah {self.step}: {self.hal}"[:300]}],
            "invisible": not visible}))

    def payload(self) -> dict[str, Any]:
        """The disposition as its events carry it."""
        return {"disposisi_id": self.id, "activity_id": self.activity_id, "step": self.step, "dari": self.dari,
                "kepada": self.kepada, "nomor": self.nomor, "tanggal": self.tanggal, "hal": self.hal,
                "sifat": self.sifat.value, "instruksi": list(self.instruksi), "catatan": self.catatan,
                "batas_waktu": self.batas_waktu.isoformat(), "diberikan_at": self.diberikan_at.isoformat(),
                "status": self.status.value, "done_at": self.done_at.isoformat() if self.done_at else None,
                "done_by": self.done_by, "done_note": self.done_note}

    def may_close(self, person_id: str, role: str) -> None:
        """Only the addressee marks it done (by role: the office has one Kadis, Kabid, Kasubid per Bidang)."""
        if role != self.kepada:
            raise NotAddressee(f"this disposition is for the {self.kepada}, not the {role}", kepada=self.kepada)
        if self.status is Status.DONE:
            raise AlreadyDone("this disposition is already done", done_at=self.done_at.isoformat()
                              if self.done_at else None)

    def closed(self, person_id: str, role: str, note: str, at: datetime) -> Disposisi:
        self.may_close(person_id, role)
        if at < self.diberikan_at:
            raise InvalidDisposisi("a disposition cannot be done before it was given", field="at")
        done = replace(self, status=Status.DONE, done_at=at, done_by=person_id, done_note=_text(note, "note"))
        done.events.append(DomainEvent("disposisi.done", done.payload()))
        return done


def check(step: int, *, dari: str | None, kepada: str | None, sifat: str, instruksi: list[str] | tuple[str, ...],
          catatan: str, hal: str, nomor: str = "") -> tuple[str, str, Sifat, tuple[str, ...]]:
    """The disposition's route, sifat and checklist, validated; the route defaults to the SOP's."""
    if step not in ROUTES:
        raise InvalidDisposisi(f"step {step} gives no Disposisi; steps {sorted(ROUTES)} do", field="step")
    default_dari, default_kepada = ROUTES[step]
    dari, kepada = dari or default_dari, kepada or default_kepada
    for name, role in (("dari", dari), ("kepada", kepada)):
        if role not in ROLES:
            raise InvalidDisposisi(f"{name} must be one of {list(ROLES)}, not {role!r}", field=name)
    if dari == kepada:
        raise InvalidDisposisi("a disposition goes from one official to another", field="kepada")
    try:
        s = Sifat(sifat)
    except ValueError:
        raise InvalidDisposisi(f"sifat must be one of {[x.value for x in Sifat]}", field="sifat") from None
    unknown = [i for i in instruksi if i not in INSTRUKSI]
    if unknown:
        raise InvalidDisposisi(f"instruksi {unknown} are not on the Lembar Disposisi; use catatan for free text",
                               field="instruksi")
    if not instruksi and not catatan.strip():
        raise InvalidDisposisi("a disposition needs an instruction: a checklist item or catatan", field="instruksi")
    for name, text in (("catatan", catatan), ("hal", hal), ("nomor", nomor)):
        _text(text, name)
    return dari, kepada, s, tuple(i for i in INSTRUKSI if i in instruksi)  # the sheet's order, each once


def _text(value: str, name: str) -> str:
    if len(value) > MAX_CATATAN:
        raise InvalidDisposisi(f"{name} is longer than {MAX_CATATAN} characters", field=name)
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidDisposisi(f"{name} holds control characters", field=name)
    return value.strip()
