"""SOP steps 8-10 in report-service: the kampung's Formulir back, its versions, the Tim's verdict, the export.

report-service owns the submissions because it owns the activity and its kampung figures: each
submission is also step 9 of the activity ("returned"), each verdict step 10 ("verified" or
"sent_back"), recorded in the same transaction, so the timeline, the figures and the Laporan count
the Formulir themselves instead of figures typed in. It learns the letters from sk-service's batch
(the signature request of a Surat Edaran, whose entries carry each kampung and the digest of its
web-form token), so it never calls sk-service and never holds a token in clear.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from naskah_shared import formulir as f
from naskah_shared.storage.ports import Buckets
from report_service.service_layer.commands import (
    CloseBatch,
    RecordStep,
    ReviewFormulir,
    SubmitFormulir,
    SubmitFormulirPdf,
    TakeLetters,
)
from report_service.service_layer.ports import Dependencies
from report_service.service_layer.reports import ReportService
from report_service.service_layer.rows import LetterRow, SubmissionRow, stored_ref
from report_service.service_layer.unit_of_work import ReportUnitOfWork

SOURCES = ("pdf", "web", "tim")


class FormulirNotFound(LookupError):
    pass


class FormulirInvalid(ValueError):
    """The values break the instrument's rules; `errors` holds a message per field code (HTTP 422)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(f"{len(errors)} isian Formulir tidak valid")
        self.errors = errors


class FormulirConflict(ValueError):
    """The submission or verdict does not fit the kampung's state (HTTP 409); `code` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class FormulirRejected(ValueError):
    """An upload that is not a returned Formulir of this letter; `code` says why (the API answers 4xx).

    Raised by the `read_pdf` port (adapters/formulir_pdf.py); named here so api/errors.py can map it."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code, self.details = code, details


class FormulirService:
    def __init__(self, deps: Dependencies, reports: ReportService) -> None:
        self.deps, self.uow, self.reports = deps, deps.uow, reports

    # --- the letters, from sk-service's batch ----------------------------------------
    def take_letters(self, command: TakeLetters) -> None:
        """A Surat Edaran batch sent for signature: its letters, each a kampung's Formulir to take back."""
        now = self.deps.clock()
        with self.uow() as uow:
            for letter in command.letters[:5000]:  # one batch is a district's kampung, not more
                uow.formulir.add_letter({
                    "letter_id": letter.letter_id, "batch_id": command.batch_id, "sk_id": command.sk_id,
                    "kampung_kode": letter.kampung_kode[:120], "kampung_nama": letter.kampung_nama[:300],
                    "distrik": letter.distrik[:300], "token_sha256": letter.token_sha256, "created_at": now})
            uow.commit()

    def close_batch(self, command: CloseBatch) -> int:
        """The data collection is over: the batch's web-form links stop working."""
        with self.uow() as uow:
            n: int = uow.formulir.close_batch(command.batch_id, command.at or self.deps.clock())  # the links closed
            uow.commit()
        return n

    # --- submissions -------------------------------------------------------------------
    def letter_by_token(self, token: str) -> LetterRow:
        if not (8 <= len(token) <= 100):
            raise FormulirNotFound("no Formulir at this link")
        with self.uow() as uow:
            letter = uow.formulir.letter_by_token(f.token_digest(token))
        if letter is None or letter["closed_at"] is not None:
            raise FormulirNotFound("no Formulir at this link")  # unknown and expired look the same
        return letter

    def submit_pdf(self, command: SubmitFormulirPdf) -> SubmissionRow:
        letter = self._letter(command.letter_id)  # 404 before reading an upload for nobody
        read = self.deps.read_formulir(command.pdf, letter_id=command.letter_id,
                                       kampung_kode=letter["kampung_kode"])  # or FormulirRejected
        return self.submit(SubmitFormulir(command.letter_id, read.values, source="pdf", actor=command.actor,
                                          at=command.at, pdf=command.pdf))

    def submit(self, command: SubmitFormulir) -> SubmissionRow:
        letter_id, actor, pdf = command.letter_id, command.actor, command.pdf
        values, errors = f.validate(dict(command.values))
        if errors:
            raise FormulirInvalid(errors)
        at = command.at or self.deps.clock()
        submission_id = str(uuid.uuid4())
        document = None
        if pdf is not None:  # before the transaction: at worst an unreferenced object version
            document = stored_ref(self.deps.store.put(
                Buckets.REPORTS, f"formulir/{letter_id}/{submission_id}.pdf", pdf, content_type="application/pdf",
                metadata={"document-id": letter_id, "document-kind": "formulir", "submission-id": submission_id,
                          "producer": "report-service"}).ref())
        with self.uow() as uow:
            letter = self._letter(letter_id, uow=uow, for_update=True)
            if letter["closed_at"] is not None:
                raise FormulirConflict("batch_closed", "the data collection of this batch is closed")
            history = uow.formulir.submissions([letter_id])
            last = history[-1] if history else None
            if last and last["status"] == "submitted":
                raise FormulirConflict("awaiting_review", "the Tim has not verified the last submission yet")
            if last and last["status"] == "accepted":
                raise FormulirConflict("already_accepted", "the Tim already accepted this kampung's data")
            version = uow.formulir.next_version(letter_id)
            uow.formulir.add_submission({
                "id": submission_id, "letter_id": letter_id, "version": version, "source": command.source,
                "values": values, "document": document, "submitted_by": actor[:200], "submitted_at": at,
                "status": "submitted", "notes": {}})
            self._step(uow, letter, 9, actor, at, at, f"Formulir {letter['kampung_nama']} diterima (versi {version})",
                       {"returned": [{"kampung": letter["kampung_nama"], "note": f"Formulir versi {version}"}]})
            uow.commit()
        return self.submission(letter_id, version)

    def review(self, command: ReviewFormulir) -> SubmissionRow:
        """The Tim accepts the submission, or sends it back with a note per field (SOP step 10)."""
        letter_id, version, decision, notes = command.letter_id, command.version, command.decision, command.notes
        if decision not in ("accept", "send_back"):
            raise FormulirInvalid({"decision": "accept atau send_back"})
        unknown = [k for k in notes if k not in f.BY_CODE]
        if unknown or any(not isinstance(v, str) or not v.strip() or len(v) > 500 for v in notes.values()):
            raise FormulirInvalid({k: "bukan kode isian Formulir" for k in unknown} or
                                  {"notes": "catatan per isian: teks 1-500 karakter"})
        if decision == "send_back" and not notes:
            raise FormulirInvalid({"notes": "sebutkan isian yang harus diperbaiki"})
        at, reviewer = command.at or self.deps.clock(), command.reviewer
        with self.uow() as uow:
            letter = self._letter(letter_id, uow=uow, for_update=True)
            sub = uow.formulir.submission(letter_id, version)
            if sub is None:
                raise FormulirNotFound(f"no submission {version} of this kampung")
            if sub["status"] != "submitted":
                raise FormulirConflict("already_reviewed", f"submission {version} was already {sub['status']}")
            status = "accepted" if decision == "accept" else "sent_back"
            clean = {k: v.strip() for k, v in notes.items()}
            uow.formulir.review(sub["id"], status=status, notes=clean, reviewed_by=reviewer[:200], reviewed_at=at)
            name = letter["kampung_nama"]
            figures: dict[str, Any]
            if status == "accepted":
                figures = {"verified": [name]}
                outcome = f"Formulir {name} versi {version} diverifikasi"
            else:
                note = "; ".join(f"{f.BY_CODE[k].label}: {v}" for k, v in clean.items())[:1000]
                figures = {"sent_back": [{"kampung": name, "note": note}]}
                outcome = f"Formulir {name} versi {version} dikembalikan kepada Pokja"
            self._step(uow, letter, 10, reviewer, min(sub["submitted_at"], at), at,
                       outcome, figures)
            uow.commit()
        return self.submission(letter_id, version)

    def _step(self, uow: ReportUnitOfWork, letter: LetterRow, step: int, actor: str, start: datetime,
              end: datetime, outcome: str, figures: dict[str, Any]) -> None:
        activity_id = uow.formulir.activity_of_sk(letter["sk_id"])
        if activity_id is not None:  # no activity for this SK yet: the data is kept, the timeline has no run
            self.reports.record_step_in(uow, RecordStep(activity_id, step, actor, start, end, outcome, figures))

    # --- reading ---------------------------------------------------------------------
    def submission(self, letter_id: str, version: int) -> SubmissionRow:
        with self.uow() as uow:
            sub = uow.formulir.submission(letter_id, version)
        if sub is None:
            raise FormulirNotFound(f"no submission {version} of this kampung")
        return sub

    def kampung(self, letter_id: str) -> dict[str, Any]:
        with self.uow() as uow:
            letter = self._letter(letter_id, uow=uow)
            subs = uow.formulir.submissions([letter_id])
        return _view(letter, subs)

    def kampung_of_activity(self, activity_id: str) -> list[dict[str, Any]]:
        with self.uow() as uow:
            row = uow.reports.activity(activity_id)
            if row is None:
                raise FormulirNotFound(f"no activity {activity_id}")
            letters = uow.formulir.letters_of(row["sk_id"]) if row["sk_id"] else []
            subs = uow.formulir.submissions([x["letter_id"] for x in letters])
        by_letter: dict[str, list[SubmissionRow]] = {}
        for s in subs:
            by_letter.setdefault(s["letter_id"], []).append(s)
        return [_view(x, by_letter.get(x["letter_id"], [])) for x in letters]

    def export_rows(self, activity_id: str) -> tuple[list[str], list[list[Any]]]:
        """Prodeskel's shape: one row per kampung whose data the Tim accepted, one column per field code."""
        header = ["kode_kampung", "nama_kampung", "distrik", *f.CODES]
        rows = []
        for k in self.kampung_of_activity(activity_id):
            accepted = k["accepted"]
            if accepted is not None:
                rows.append([k["kampung_kode"], k["kampung_nama"], k["distrik"],
                             *[accepted["values"].get(c) for c in f.CODES]])
        return header, rows

    def _letter(self, letter_id: str, *, uow: ReportUnitOfWork | None = None,
                for_update: bool = False) -> LetterRow:
        letter: LetterRow | None
        if uow is None:
            with self.uow() as own:
                letter = own.formulir.letter(letter_id)
        else:
            letter = uow.formulir.letter(letter_id, for_update=for_update)
        if letter is None:
            raise FormulirNotFound(f"no Formulir letter {letter_id}")
        return letter


def _view(letter: LetterRow, subs: list[SubmissionRow]) -> dict[str, Any]:
    last = subs[-1] if subs else None
    accepted = next((s for s in reversed(subs) if s["status"] == "accepted"), None)
    status = "with_pokja" if last is None or last["status"] == "sent_back" else \
        ("with_tim" if last["status"] == "submitted" else "verified")
    return {**{k: letter[k] for k in ("letter_id", "batch_id", "kampung_kode", "kampung_nama", "distrik",
                                      "closed_at")},
            "status": status, "submissions": subs, "latest": last, "accepted": accepted,
            "sent_back": sum(s["status"] == "sent_back" for s in subs)}


__all__ = ["FormulirConflict", "FormulirInvalid", "FormulirNotFound", "FormulirService"]
