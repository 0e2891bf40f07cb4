"""The Surat Edaran of SOP step 8: one letter per kampung, sent with the Formulir Instrumen.

Standard library only. Once the SK Tim is archived, the Tim asks every kampung's
Pokja to collect the Profil Kampung data: one Surat Edaran (one nomor) addressed
to each Kepala Kampung, each with its own Formulir Instrumen, each signed by the
Kadis. Hundreds of letters are produced in the background and signed as one
batch; each letter moves on its own (pending → produced → signed) so a crash
resumes where it stopped instead of starting over.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sk_service.domain.sk import DomainEvent, Role, Sk, TransitionNotAllowed
from sk_service.domain.sk import Status as SkStatus

KIND = "surat_edaran"  # the document kind on the bus and in signature-service


class Status(enum.StrEnum):
    PRODUCING = "producing"  # letters being rendered and converted
    SIGNING = "signing"  # all produced; the Kadis signs the batch
    SIGNED = "signed"
    REJECTED = "rejected"  # the Kadis refused the letters still unsigned; a new batch replaces them


class LetterStatus(enum.StrEnum):
    PENDING = "pending"
    PRODUCED = "produced"
    SIGNED = "signed"
    REJECTED = "rejected"


@dataclass
class Letter:
    """The letter to one kampung."""

    id: str
    position: int
    kampung: dict[str, str]  # nama, distrik, kepala
    slug: str  # its name in object keys and links, unique in its batch (naskah_shared.naming.letter_slugs)
    status: LetterStatus = LetterStatus.PENDING
    document: dict[str, Any] | None = None  # the unsigned PDF in naskah-drafts
    signed_document: dict[str, Any] | None = None


@dataclass
class SuratEdaran:
    id: str
    sk_id: str
    nomor: str
    content: dict[str, Any]  # perihal, sifat, batas_waktu, tembusan (api/schemas.py)
    created_by: str
    created_at: datetime
    letters: list[Letter]
    status: Status = Status.PRODUCING
    note: str | None = None  # why the Kadis refused
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def for_sk(cls, id: str, sk: Sk, nomor: str, content: dict[str, Any], letter_ids: list[str], actor: str,
               at: datetime, *, slugs: list[str]) -> SuratEdaran:
        if sk.status is not SkStatus.ARCHIVED:
            raise TransitionNotAllowed(
                f"the SK is {sk.status.value}; the Pokja can be assigned only once the SK Tim is archived",
                status=sk.status)
        kampung = content["kampung"]
        rows = zip(letter_ids, kampung, slugs, strict=True)
        se = cls(id=id, sk_id=sk.id, nomor=nomor, content={k: v for k, v in content.items() if k != "kampung"},
                 created_by=actor, created_at=at,
                 letters=[Letter(id=i, position=n, kampung=k, slug=s) for n, (i, k, s) in enumerate(rows)])
        se._record("surat_edaran.requested", sk_tim=sk.id, letters=len(se.letters))
        return se

    def produced(self, archive_key: Callable[[Letter], str],
                 formulir: Callable[[Letter], dict[str, Any]] | None = None) -> None:
        """Every letter is rendered: hand them all to the Kadis as one batch, each signed letter to be archived
        under `archive_key(letter)`.

        `formulir(letter)` adds what report-service needs to take that letter's Formulir back (its
        kampung and the digest of its web-form token) to the letter's entry; report-service reads them
        from this event."""
        if self.status is not Status.PRODUCING or any(x.status is LetterStatus.PENDING for x in self.letters):
            return
        self.status = Status.SIGNING
        self._record("signature.requested", batch_id=self.id, nomor=self.nomor,
                     title=f"Surat Edaran {self.nomor}", signers=[Role.KADIS.value],
                     documents=[{"document_id": x.id, "title": f"Surat Edaran {self.nomor}: {x.kampung['nama']}",
                                 "document": x.document, "archive_key": archive_key(x),
                                 **(formulir(x) if formulir else {})}
                                for x in self.letters], sk_tim=self.sk_id)

    def letter_signed(self, letter_id: str, document: dict[str, Any]) -> Letter | None:
        """The Kadis's signature on one letter is archived; the last one closes the batch."""
        letter = self._letter(letter_id)
        if letter is None or letter.status is LetterStatus.SIGNED:
            return None
        letter.status, letter.signed_document = LetterStatus.SIGNED, document
        if self.status is Status.SIGNING and all(x.status is LetterStatus.SIGNED for x in self.letters):
            self.status = Status.SIGNED
            self._record("surat_edaran.signed", nomor=self.nomor, letters=len(self.letters))
        return letter

    def letter_rejected(self, letter_id: str, note: str) -> Letter | None:
        """The Kadis refused to sign a letter: it closes, and so does the batch, with the Kadis's note."""
        letter = self._letter(letter_id)
        if letter is None or letter.status is not LetterStatus.PRODUCED:
            return None
        letter.status = LetterStatus.REJECTED
        if self.status is Status.SIGNING:
            self.status, self.note = Status.REJECTED, note
            self._record("surat_edaran.rejected", nomor=self.nomor, note=note)
        return letter

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in LetterStatus}
        for x in self.letters:
            out[x.status.value] += 1
        return {"total": len(self.letters), **out}

    def _letter(self, letter_id: str) -> Letter | None:
        return next((x for x in self.letters if x.id == letter_id), None)

    def _record(self, type: str, **data: Any) -> None:
        # No `sk_id` key: report-service reads events carrying one as steps of the SK itself.
        self.events.append(DomainEvent(type, {"kind": KIND, "surat_edaran_id": self.id, "status": self.status.value,
                                              **data}))
