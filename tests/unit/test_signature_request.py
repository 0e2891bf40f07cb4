"""A signature request's state machine, on the domain alone: no server, no database (the signing order:
test_signing_order.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signature_service.domain.requests import (
    NotYourRequest,
    NotYourTurn,
    RequestClosed,
    RequestError,
    SignatureRequest,
    Status,
)

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)
SOURCE = {"bucket": "naskah-drafts", "key": "sk/sk-1/prepared.pdf", "version_id": "v1", "sha256": "ab" * 32}
RESULT = {"bucket": "naskah-signed", "key": "sk/2026/800-001-dpmk-2026.pdf", "version_id": "v2"}


def request(status: Status, signer: str = "kabid", position: int = 0) -> SignatureRequest:
    return SignatureRequest(id=f"req-{signer}", document_id="sk-1", kind="sk", signer=signer, position=position,
                            status=status, title="SK Tim Pendataan", nomor="800/001/DPMK/2026", source=SOURCE,
                            requested_event="evt-1", created_at=AT, updated_at=AT)


def test_a_pending_request_is_signed_once_with_its_result() -> None:
    req = request(Status.PENDING)
    req.check_signer("kabid")
    req.signed(RESULT, LATER)
    assert (req.status, req.result, req.updated_at) == (Status.SIGNED, RESULT, LATER)
    with pytest.raises(RequestClosed, match="already signed"):
        req.reject("Terlambat.", LATER)
    assert req.status is Status.SIGNED and req.note is None


def test_a_pending_request_is_rejected_with_its_note() -> None:
    req = request(Status.PENDING)
    req.reject("Salah ketik pada diktum KEDUA.", LATER)
    assert (req.status, req.note, req.updated_at) == (Status.REJECTED, "Salah ketik pada diktum KEDUA.", LATER)
    with pytest.raises(RequestClosed):
        req.signed(RESULT, LATER)
    with pytest.raises(RequestClosed):
        req.reject("Lagi.", LATER)
    assert req.result is None


def test_a_waiting_request_waits_for_the_earlier_signer() -> None:
    req = request(Status.WAITING, signer="kadis", position=1)
    with pytest.raises(NotYourTurn):
        req.signed(RESULT, LATER)
    with pytest.raises(NotYourTurn):
        req.reject("Belum gilirannya.", LATER)
    assert (req.status, req.result, req.note, req.updated_at) == (Status.WAITING, None, None, AT)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.CANCELLED])
def test_a_closed_request_takes_neither_signature_nor_rejection(status: Status) -> None:
    req = request(status)
    for act in (lambda: req.signed(RESULT, LATER), lambda: req.reject("Tidak.", LATER), req.ensure_signable):
        with pytest.raises(RequestClosed, match=status.value):
            act()
    assert req.status is status and req.updated_at == AT


def test_only_the_addressed_signer_may_act() -> None:
    req = request(Status.PENDING, signer="kabid")
    with pytest.raises(NotYourRequest, match="addressed to kabid, not kadis"):
        req.check_signer("kadis")
    req.check_signer("kabid")


def test_each_refusal_carries_its_reason_code_and_http_status() -> None:
    assert issubclass(NotYourRequest, RequestError) and issubclass(NotYourTurn, RequestError)
    assert issubclass(RequestClosed, RequestError)
    assert (NotYourRequest.code, NotYourRequest.status) == ("not_your_request", 403)
    assert (NotYourTurn.code, NotYourTurn.status) == ("not_your_turn", 409)
    assert (RequestClosed.code, RequestClosed.status) == ("request_closed", 409)
