"""Signature requests: who must sign which document, in what order (standard library only).

An SK is signed by the Kabid (approval) and then by the Kadis (final, which
seals the nomor already on the page). Each signer gets one request; only the
first in line is `pending`, the next `waiting` until the one before it signed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class Status(enum.StrEnum):
    WAITING = "waiting"  # an earlier signer has not signed yet
    PENDING = "pending"  # this signer's turn
    SIGNED = "signed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # another signer rejected the document


class RequestError(Exception):
    code = "request_error"
    status = 409


class NotYourRequest(RequestError):
    code, status = "not_your_request", 403


class NotYourTurn(RequestError):
    code = "not_your_turn"


class RequestClosed(RequestError):
    code = "request_closed"


@dataclass(frozen=True)
class Requested:
    """The signature.requested command a request answers: what the request records follows on its chain."""

    id: str
    correlation_id: str


@dataclass
class SignatureRequest:
    id: str
    document_id: str
    kind: str  # "sk" | "report" | "surat_edaran"
    signer: str  # account id
    position: int
    status: Status
    title: str
    nomor: str | None
    source: dict[str, Any]  # bucket/key/version_id/sha256 of the PDF to sign
    requested_event: str
    created_at: datetime
    updated_at: datetime
    result: dict[str, Any] | None = None
    note: str | None = None
    batch_id: str | None = None  # one of many documents signed together (SOP step 8's letters)
    archive_key: str | None = None
    requested_correlation: str | None = None  # None on requests made before it was kept

    @property
    def cause(self) -> Requested | None:
        if self.requested_correlation is None:
            return None
        return Requested(self.requested_event, self.requested_correlation)

    def check_signer(self, account: str) -> None:
        if account != self.signer:
            raise NotYourRequest(f"request {self.id} is addressed to {self.signer}, not {account}")

    def ensure_signable(self) -> None:
        if self.status is Status.WAITING:
            raise NotYourTurn(f"request {self.id} waits for an earlier signature")
        if self.status in (Status.REJECTED, Status.CANCELLED):
            raise RequestClosed(f"request {self.id} is {self.status.value}")

    def signed(self, result: dict[str, Any], at: datetime) -> None:
        self.ensure_signable()
        self.status, self.result, self.updated_at = Status.SIGNED, result, at

    def reject(self, note: str, at: datetime) -> None:
        self.ensure_signable()
        if self.status is Status.SIGNED:
            raise RequestClosed(f"request {self.id} is already signed")
        self.status, self.note, self.updated_at = Status.REJECTED, note, at


def plan(document_id: str, signers: list[str]) -> list[tuple[str, int, Status]]:
    """The requests for one document: the first signer pending, the others waiting."""
    if len(set(signers)) != len(signers) or not signers:
        raise ValueError(f"signers must be distinct and non-empty, got {signers}")
    return [(s, i, Status.PENDING if i == 0 else Status.WAITING) for i, s in enumerate(signers)]
