"""What report-service's use cases are asked to do: one frozen command per use case (api/ builds them from a
request, consumers/ from an event, the service layer's handlers carry them out)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from report_service.domain import disposisi as dd


@dataclass(frozen=True)
class DisposisiSpec:
    """What the giver writes on the sheet; empty fields take the SOP's defaults."""

    dari: str | None = None
    kepada: str | None = None
    sifat: str = dd.Sifat.BIASA.value
    instruksi: tuple[str, ...] = ("untuk ditindaklanjuti",)
    catatan: str = ""
    nomor: str = ""
    tanggal: str = ""
    hal: str = ""


@dataclass(frozen=True)
class CreateActivity:
    kegiatan: str
    tahun: int | None = None
    unit_kerja: str = ""
    sk_id: str | None = None


@dataclass(frozen=True)
class LinkSk:
    activity_id: str
    sk_id: str


@dataclass(frozen=True)
class RecordStep:
    """A step people did. `ended_at` None leaves a step that gives a Disposisi open until it is done;
    `disposisi` is what its sheet says (the SOP's defaults when None)."""

    activity_id: str
    step: int
    actor: str
    started_at: datetime
    ended_at: datetime | None
    outcome: str = ""
    figures: Mapping[str, Any] = field(default_factory=dict)
    disposisi: DisposisiSpec | None = None


@dataclass(frozen=True)
class CompileReport:
    """`written_at`: when the Tim finished writing the report (step 11 ends then); None is now."""

    activity_id: str
    written_at: datetime | None = None


@dataclass(frozen=True)
class MarkDone:
    """The addressee marks a disposition done; `at` None is now."""

    disposisi_id: str
    person_id: str
    role: str
    note: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class SubmitFormulir:
    """A kampung's values, typed in by the Tim or the Pokja (`source` web|tim), or read from its PDF
    (`pdf`: the upload, kept with the submission)."""

    letter_id: str
    values: Mapping[str, Any]
    source: str
    actor: str
    at: datetime | None = None
    pdf: bytes | None = None


@dataclass(frozen=True)
class SubmitFormulirPdf:
    letter_id: str
    pdf: bytes
    actor: str
    at: datetime | None = None


@dataclass(frozen=True)
class ReviewFormulir:
    """The Tim's verdict on a submission: `decision` accept|send_back, with a note per field code."""

    letter_id: str
    version: int
    decision: str
    notes: Mapping[str, str]
    reviewer: str
    at: datetime | None = None


@dataclass(frozen=True)
class FormulirLetter:
    """One kampung's letter of a Surat Edaran batch: its Formulir comes back to report-service."""

    letter_id: str
    kampung_kode: str
    kampung_nama: str = ""
    distrik: str = ""
    token_sha256: str | None = None  # the digest of its web-form link's token, never the token


@dataclass(frozen=True)
class TakeLetters:
    """A Surat Edaran batch sent for signature, for the SK Tim `sk_id`: its letters' Formulir to take back."""

    batch_id: str
    sk_id: str
    letters: tuple[FormulirLetter, ...]


@dataclass(frozen=True)
class CloseBatch:
    batch_id: str
    at: datetime | None = None
