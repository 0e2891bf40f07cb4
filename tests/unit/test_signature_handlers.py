"""signature-service's service layer with no server: its use cases on the embedded adapters (SQLite in a tmp dir,
the filesystem store, the in-process bus) and the test PKI's PKCS#12 keys, signing at PAdES B-B (no TSA)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from naskah_shared import contracts
from naskah_shared.config import load
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from signature_service.adapters.tables import outbox
from signature_service.app import migrate_database
from signature_service.bootstrap import Container, bootstrap
from signature_service.consumers import on_signature_requested
from signature_service.domain.requests import NotYourTurn, RequestClosed, Status
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from signature_service.pki.sample_pdf import sk_sample_pdf
from signature_service.service_layer.commands import Reject, Sign
from signature_service.settings import SignatureSettings


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pki")  # generated once by the first bootstrap, reused by the others


@pytest.fixture
def sig(tmp_path: Path, pki_dir: Path) -> Iterator[Container]:
    settings = load(SignatureSettings, environ={}, database_url=f"sqlite:///{tmp_path / 'sig.sqlite'}",
                    bus_url="memory://", store_url=f"file://{tmp_path / 'store'}", pki_dir=str(pki_dir),
                    signature_level="B-B")
    migrate_database(settings)
    container = bootstrap(settings)
    container.runtime.store.ensure_bucket(Buckets.DRAFTS)
    container.runtime.store.ensure_bucket(Buckets.SIGNED, object_lock=True)
    yield container
    container.close()
    container.runtime.engine.dispose()


def requested(sig: Container, signers: list[str]) -> Envelope:
    document_id = str(uuid.uuid4())
    draft = sig.runtime.store.put(Buckets.DRAFTS, f"sk/{document_id}/sk.pdf", sk_sample_pdf(),
                                  content_type="application/pdf")
    return Envelope(type="signature.requested", producer="sk-service", correlation_id=f"sk-{document_id}",
                    payload={"kind": "sk", "signers": signers, "nomor": "800/7/DPMK/2026", "title": "SK Tim",
                             "documents": [{"document_id": document_id, "title": "SK Tim",
                                            "document": draft.ref()}]})


def request_ids(sig: Container, event: Envelope) -> dict[str, str]:
    with sig.signing.uow() as uow:
        return {r.signer: r.id for r in uow.requests.for_document(event.payload["documents"][0]["document_id"])}


def answers(sig: Container) -> list[Envelope]:
    with sig.runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox.outbox.c.body).order_by(outbox.outbox.c.seq)).scalars()
        return [Envelope.from_json(body) for body in rows]


def sign(sig: Container, request_id: str, signer: str):
    return sig.signing.sign(Sign(request_id, sig.accounts[signer], SIGNER_PASSPHRASES[signer]))


def test_the_kabid_then_the_kadis_sign_and_document_signed_answers_the_request(sig: Container) -> None:
    event = requested(sig, ["kabid", "kadis"])
    on_signature_requested(sig.signing, event)
    ids = request_ids(sig, event)
    assert sig.signing.request(ids["kadis"]).status is Status.WAITING
    with pytest.raises(NotYourTurn):
        sign(sig, ids["kadis"], "kadis")

    first = sign(sig, ids["kabid"], "kabid")
    assert first.status is Status.SIGNED and first.result is not None and first.result["bucket"] == Buckets.DRAFTS
    assert sign(sig, ids["kabid"], "kabid").result == first.result, "signed once: the first result again"
    kadis = sig.signing.request(ids["kadis"])
    assert kadis.status is Status.PENDING and kadis.source == first.result, "the Kadis signs what the Kabid signed"
    assert answers(sig) == []

    last = sign(sig, ids["kadis"], "kadis")
    assert last.result is not None and last.result["bucket"] == Buckets.SIGNED
    [answer] = answers(sig)
    assert (answer.type, answer.correlation_id, answer.causation_id) == ("document.signed", event.correlation_id,
                                                                          event.id)
    signed = contracts.load(answer)
    assert isinstance(signed, contracts.DocumentSigned) and signed.document.to_dict() == last.result
    assert [(s.signer, s.role) for s in signed.signatures] == [("kabid", "kabid"), ("kadis", "kadis")]
    data, _ = sig.runtime.store.get(last.result["bucket"], last.result["key"], last.result["version_id"])
    assert data.count(b"/Type /Sig") + data.count(b"/Type/Sig") == 2


def test_a_refusal_closes_the_order_and_answers_signature_rejected(sig: Container) -> None:
    event = requested(sig, ["kabid", "kadis"])
    on_signature_requested(sig.signing, event)
    ids = request_ids(sig, event)
    refused = sig.signing.reject(Reject(ids["kabid"], sig.accounts["kabid"], "Diktum KEDUA salah."))
    assert refused.status is Status.REJECTED and sig.signing.request(ids["kadis"]).status is Status.CANCELLED
    with pytest.raises(RequestClosed):
        sign(sig, ids["kadis"], "kadis")
    [answer] = answers(sig)
    rejected = contracts.load(answer)
    assert isinstance(rejected, contracts.SignatureRejected) and answer.causation_id == event.id
    assert (rejected.signer, rejected.role, rejected.note) == ("kabid", "kabid", "Diktum KEDUA salah.")


def test_a_redelivered_request_opens_its_requests_once(sig: Container) -> None:
    event = requested(sig, ["kadis"])
    for _ in range(2):
        on_signature_requested(sig.signing, event)
    with sig.signing.uow() as uow:
        assert len(uow.requests.for_document(event.payload["documents"][0]["document_id"])) == 1


def test_a_request_in_no_contracts_shape_or_for_an_unknown_signer_is_refused(sig: Container) -> None:
    event = requested(sig, ["kabid"])
    broken = Envelope(type=event.type, producer=event.producer, payload={**event.payload, "signers": []})
    with pytest.raises(contracts.ContractViolation):
        on_signature_requested(sig.signing, broken)
    stranger = Envelope(type=event.type, producer=event.producer, payload={**event.payload, "signers": ["camat"]})
    with pytest.raises(ValueError, match="unknown signers"):
        on_signature_requested(sig.signing, stranger)
    assert request_ids(sig, event) == {}
