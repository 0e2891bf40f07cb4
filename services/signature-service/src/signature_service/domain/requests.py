"""Signature requests: who must sign which document, in what order (standard library only).

An SK is signed by the Kabid (approval) and then by the Kadis (final, which
seals the nomor already on the page). Each signer gets one request; only the
first in line is `pending`, the next `waiting` until the one before it signed:
`SigningOrder` holds that line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from signature_service.domain.events import DocumentSigned, DomainEvent, Signature, SignatureRejected


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


class SigningOrder:
    """One document's requests from one signature.requested, in signing order: it decides whose turn it is,
    refuses a signature out of turn, passes the turn on (the next signer signs the PDF the last one signed),
    and records `DocumentSigned` after the last signer or `SignatureRejected` when one refuses.

    The requests it changed are in `changed`, for the repository to save; what it recorded is in `events`,
    for the unit of work to write to the outbox.
    """

    def __init__(self, requests: list[SignatureRequest]) -> None:
        if not requests or len({(r.document_id, r.requested_event) for r in requests}) != 1:
            raise ValueError("a signing order is one document's requests from one signature.requested")
        self.requests = sorted(requests, key=lambda r: r.position)
        self.events: list[DomainEvent] = []
        self._changed: dict[str, SignatureRequest] = {}

    @classmethod
    def plan(cls, *, ids: list[str], document_id: str, kind: str, signers: list[str], title: str,
             nomor: str | None, source: dict[str, Any], requested: Requested, at: datetime,
             batch_id: str | None = None, archive_key: str | None = None) -> SigningOrder:
        """The requests for one document: the first signer pending, the others waiting, in `signers`' order."""
        if len(set(signers)) != len(signers) or not signers:
            raise ValueError(f"signers must be distinct and non-empty, got {signers}")
        order = cls([SignatureRequest(
            id=request_id, document_id=document_id, kind=kind, signer=signer, position=i,
            status=Status.PENDING if i == 0 else Status.WAITING, title=title, nomor=nomor, source=source,
            requested_event=requested.id, created_at=at, updated_at=at, batch_id=batch_id,
            archive_key=archive_key, requested_correlation=requested.correlation_id)
            for i, (request_id, signer) in enumerate(zip(ids, signers, strict=True))])
        order._changed = {r.id: r for r in order.requests}
        return order

    @property
    def cause(self) -> Requested | None:
        return self.requests[0].cause

    @property
    def changed(self) -> list[SignatureRequest]:
        return list(self._changed.values())

    def request(self, request_id: str) -> SignatureRequest:
        for r in self.requests:
            if r.id == request_id:
                return r
        raise KeyError(f"request {request_id} is not in this signing order")

    def is_last(self, request_id: str) -> bool:
        """Whether `request_id`'s signature is the document's last (its PDF goes to the locked archive)."""
        return self.request(request_id) is self.requests[-1]

    def sign(self, request_id: str, result: dict[str, Any], at: datetime, *, level: str,
             role_of: dict[str, str]) -> SignatureRequest:
        """`request_id`'s signer signed: `result` is the PDF with their signature. `role_of` names each
        signer's role for `DocumentSigned`, `level` its PAdES level."""
        req = self.request(request_id)
        req.ensure_signable()
        if req.status is Status.SIGNED:
            raise RequestClosed(f"request {req.id} is already signed")
        if any(r.status is not Status.SIGNED for r in self.requests[:self.requests.index(req)]):
            raise NotYourTurn(f"request {req.id} waits for an earlier signature")
        req.signed(result, at)
        self._changed[req.id] = req
        later = self.requests[self.requests.index(req) + 1:]
        if later:
            nxt = later[0]
            nxt.status, nxt.source, nxt.updated_at = Status.PENDING, result, at
            self._changed[nxt.id] = nxt
        else:
            self.events.append(DocumentSigned(
                kind=req.kind, document_id=req.document_id, batch_id=req.batch_id, nomor=req.nomor,
                document=result, level=level,
                signatures=tuple(Signature(r.signer, role_of[r.signer], r.updated_at) for r in self.requests)))
        return req

    def reject(self, request_id: str, note: str, at: datetime, *, role: str) -> SignatureRequest:
        """`request_id`'s signer refused: every other open request closes, cancelled."""
        req = self.request(request_id)
        req.reject(note, at)
        self._changed[req.id] = req
        for other in self.requests:
            if other is not req and other.status in (Status.WAITING, Status.PENDING):
                other.status, other.updated_at = Status.CANCELLED, at
                self._changed[other.id] = other
        self.events.append(SignatureRejected(kind=req.kind, document_id=req.document_id, batch_id=req.batch_id,
                                             signer=req.signer, role=role, note=note))
        return req
