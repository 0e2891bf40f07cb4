"""A document's signing order on the domain alone: whose turn it is, refusal out of turn, the turn passed on
with the PDF just signed, document.signed after the last signer, signature.rejected closing the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signature_service.domain.events import DocumentSigned, Signature, SignatureRejected
from signature_service.domain.requests import (
    NotYourTurn,
    RequestClosed,
    Requested,
    SignatureRequest,
    SigningOrder,
    Status,
)

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SOURCE = {"bucket": "naskah-drafts", "key": "sk/sk-1/prepared.pdf", "version_id": "v1", "sha256": "ab" * 32}
BY_KABID = {"bucket": "naskah-drafts", "key": "sk/sk-1/signed-kabid.pdf", "version_id": "v2", "sha256": "cd" * 32}
FINAL = {"bucket": "naskah-signed", "key": "sk/sk-1/800-001-DPMK-2026.pdf", "version_id": "v3", "sha256": "ef" * 32}
ROLES = {"kabid": "kabid", "kadis": "kadis"}
REQUESTED = Requested("evt-1", "corr-sk-1")


def order(signers: tuple[str, ...] = ("kabid", "kadis"), **kw: str) -> SigningOrder:
    return SigningOrder.plan(ids=[f"req-{s}" for s in signers], document_id="sk-1", kind="sk", signers=list(signers),
                             title="SK Tim Pendataan", nomor="800/001/DPMK/2026", source=SOURCE, requested=REQUESTED,
                             at=AT, **kw)


def statuses(o: SigningOrder) -> dict[str, Status]:
    return {r.signer: r.status for r in o.requests}


def test_the_plan_puts_the_first_signer_first_and_the_others_waiting() -> None:
    o = order()
    assert statuses(o) == {"kabid": Status.PENDING, "kadis": Status.WAITING}
    assert [r.position for r in o.requests] == [0, 1] and o.changed == o.requests
    assert o.cause == REQUESTED and all(r.cause == REQUESTED for r in o.requests)
    assert not o.is_last("req-kabid") and o.is_last("req-kadis") and o.events == []
    for signers in ((), ("kabid", "kabid"), ("kabid", "kadis", "kabid")):
        with pytest.raises(ValueError, match="distinct and non-empty"):
            order(signers)


def test_the_first_signature_passes_the_turn_on_with_the_signed_pdf() -> None:
    o = order()
    o.sign("req-kabid", BY_KABID, AT + timedelta(minutes=1), level="B-LT", role_of=ROLES)
    assert statuses(o) == {"kabid": Status.SIGNED, "kadis": Status.PENDING}
    kadis = o.request("req-kadis")
    assert kadis.source == BY_KABID and kadis.updated_at == AT + timedelta(minutes=1)
    assert {r.id for r in o.changed} == {"req-kabid", "req-kadis"}
    assert o.events == [], "the document is not signed until its last signer signed"


def test_a_signature_out_of_turn_is_refused_and_changes_nothing() -> None:
    o = order()
    with pytest.raises(NotYourTurn):
        o.sign("req-kadis", FINAL, AT, level="B-LT", role_of=ROLES)
    assert statuses(o) == {"kabid": Status.PENDING, "kadis": Status.WAITING} and o.events == []
    # even a request whose status was moved to pending by hand waits for the one before it
    o.request("req-kadis").status = Status.PENDING
    with pytest.raises(NotYourTurn, match="earlier signature"):
        o.sign("req-kadis", FINAL, AT, level="B-LT", role_of=ROLES)


def test_the_last_signature_records_document_signed_with_every_signature_in_order() -> None:
    o = order()
    o.sign("req-kabid", BY_KABID, AT + timedelta(minutes=1), level="B-LT", role_of=ROLES)
    signed = o.sign("req-kadis", FINAL, AT + timedelta(minutes=2), level="B-LT", role_of=ROLES)
    assert signed.status is Status.SIGNED and signed.result == FINAL
    assert o.events == [DocumentSigned(
        kind="sk", document_id="sk-1", batch_id=None, nomor="800/001/DPMK/2026", document=FINAL, level="B-LT",
        signatures=(Signature("kabid", "kabid", AT + timedelta(minutes=1)),
                    Signature("kadis", "kadis", AT + timedelta(minutes=2))))]
    with pytest.raises(RequestClosed, match="already signed"):
        o.reject("req-kadis", "Terlambat.", AT, role="kadis")
    with pytest.raises(RequestClosed, match="already signed"):
        o.sign("req-kadis", FINAL, AT, level="B-LT", role_of=ROLES)
    assert len(o.events) == 1


def test_one_signer_is_first_and_last() -> None:
    o = order(("kadis",), batch_id="batch-1", archive_key="bulk/batch-1/kampung-0.pdf")
    o.sign("req-kadis", FINAL, AT, level="B-T", role_of=ROLES)
    [event] = o.events
    assert isinstance(event, DocumentSigned) and event.batch_id == "batch-1" and len(event.signatures) == 1


def test_a_refusal_cancels_the_open_requests_and_records_signature_rejected() -> None:
    o = order()
    o.reject("req-kabid", "Diktum KEDUA salah.", AT + timedelta(minutes=1), role="kabid")
    assert statuses(o) == {"kabid": Status.REJECTED, "kadis": Status.CANCELLED}
    assert o.events == [SignatureRejected(kind="sk", document_id="sk-1", batch_id=None, signer="kabid",
                                          role="kabid", note="Diktum KEDUA salah.")]
    with pytest.raises(RequestClosed):
        o.sign("req-kadis", FINAL, AT, level="B-LT", role_of=ROLES)


def test_a_refusal_after_the_first_signature_keeps_that_signature() -> None:
    o = order()
    o.sign("req-kabid", BY_KABID, AT, level="B-LT", role_of=ROLES)
    o.reject("req-kadis", "Nomor belum benar.", AT + timedelta(minutes=1), role="kadis")
    assert statuses(o) == {"kabid": Status.SIGNED, "kadis": Status.REJECTED}
    assert [type(e) for e in o.events] == [SignatureRejected]


def test_an_order_is_one_document_from_one_request() -> None:
    a, b = order().requests
    other = SignatureRequest(**{**vars(b), "requested_event": "evt-2"})
    with pytest.raises(ValueError, match="one document"):
        SigningOrder([a, other])
    with pytest.raises(ValueError):
        SigningOrder([])
