"""What sk-service's use cases are asked to do: one frozen command per use case. api/ builds them from a
request, consumers/ from an event (carried as `cause`: the claim and the causation of what follows), and one
handler in handlers.py or surat_edaran.py carries each out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naskah_shared.messages import Envelope
from sk_service.domain.sk import Decision, Role
from sk_service.service_layer.unit_of_work import StoredRef


@dataclass(frozen=True)
class DraftSk:
    content: dict[str, Any]  # the validated request body (api/schemas.py's SkInputSchema)
    drafter: str


@dataclass(frozen=True)
class ReviseSk:
    sk_id: str
    content: dict[str, Any]
    by: str


@dataclass(frozen=True)
class SubmitSk:
    sk_id: str
    by: str


@dataclass(frozen=True)
class ReviewSk:
    """A Kabid's or Kadis's decision. `reviewer` is the person's account id; `vouched_by` names the internal
    system that reviewed in their stead (an API key granted the review scope), None when the person did."""

    sk_id: str
    role: Role
    decision: Decision
    note: str
    reviewer: str
    reviewer_nama: str = ""
    vouched_by: str | None = None


@dataclass(frozen=True)
class RecordSkSigned:
    """signature-service archived the SK's last signature (document.signed)."""

    sk_id: str
    document: StoredRef  # the signed PDF in naskah-signed
    cause: Envelope


@dataclass(frozen=True)
class ReturnSkFromSigning:
    """A signer refused to sign the SK (signature.rejected)."""

    sk_id: str
    role: str
    note: str
    cause: Envelope


@dataclass(frozen=True)
class RequestSuratEdaran:
    sk_id: str
    content: dict[str, Any]  # api/schemas.py's SuratEdaranInputSchema: the kampung and the letter's text
    by: str


@dataclass(frozen=True)
class ProduceLetters:
    """This service's own surat_edaran.requested: render, convert and store the batch's letters."""

    surat_edaran_id: str
    cause: Envelope


@dataclass(frozen=True)
class RecordLetterSigned:
    """signature-service archived the Kadis's signature on one letter of a batch (document.signed)."""

    surat_edaran_id: str
    letter_id: str
    document: StoredRef
    cause: Envelope


@dataclass(frozen=True)
class RecordLetterRejected:
    """The Kadis refused a letter of a batch (signature.rejected)."""

    surat_edaran_id: str
    letter_id: str
    note: str
    cause: Envelope
