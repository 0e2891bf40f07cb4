"""sk-service's service layer with no server: its use-case handlers on the embedded adapters (SQLite in a tmp
dir, the filesystem store, the in-process bus) and the fake converter of tests/unit/fakes.py. The DOCX is
rendered by the real renderer; only LibreOffice is left out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from naskah_shared import contracts
from naskah_shared.config import load
from naskah_shared.messages import Envelope
from sk_service.adapters.tables import outbox
from sk_service.app import create_app, migrate_database
from sk_service.bootstrap import Container, bootstrap
from sk_service.consumers import on_answer
from sk_service.domain.sk import Decision, Role, Status, WrongReviewer
from sk_service.service_layer import handlers, queries
from sk_service.service_layer.commands import DraftSk, ReviewSk, ReviseSk, SubmitSk
from sk_service.settings import SkSettings
from tests.data import sk_payload
from tests.unit.fakes import PlainTextConverter

KABID = {"reviewer": "kabid-1", "reviewer_nama": "Rahmi Suryantari, ST, M.Si"}
KADIS = {"reviewer": "kadis-1", "reviewer_nama": "Kepala Dinas"}


@pytest.fixture
def sk_service(tmp_path: Path) -> Iterator[Container]:
    settings = load(SkSettings, environ={}, database_url=f"sqlite:///{tmp_path / 'sk.sqlite'}",
                    bus_url="memory://", store_url=f"file://{tmp_path / 'store'}")
    migrate_database(settings)
    container = bootstrap(settings, converter=PlainTextConverter())
    container.runtime.store.ensure_bucket("naskah-drafts")
    yield container
    container.close()
    container.runtime.engine.dispose()


def events(container: Container) -> list[Envelope]:
    """Every envelope the service wrote to its outbox, in order."""
    with container.runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox.outbox.c.body).order_by(outbox.outbox.c.seq)).scalars()
        return [Envelope.from_json(body) for body in rows]


def signing(container: Container) -> str:
    """An SK approved by the Kabid and the Kadis: its nomor taken, its PDF sent to signing."""
    sk = handlers.draft_sk(container.uow, container.documents, DraftSk(sk_payload(members=3), "kasubid-1"))
    handlers.submit_sk(container.uow, SubmitSk(sk.id, "kasubid-1"))
    handlers.review_sk(container.uow, container.documents, ReviewSk(sk.id, Role.KABID, Decision.APPROVE, "", **KABID))
    sk = handlers.review_sk(container.uow, container.documents,
                            ReviewSk(sk.id, Role.KADIS, Decision.APPROVE, "", **KADIS))
    assert sk.status is Status.SIGNING and sk.nomor
    return sk.id


def document_signed(sk_id: str) -> Envelope:
    signed = {"bucket": "naskah-signed", "key": f"sk/{sk_id}/final.pdf", "version_id": "v1", "sha256": "cd" * 32}
    return Envelope(type="document.signed", producer="signature-service",
                    payload={"kind": "sk", "sk_id": sk_id, "document_id": sk_id, "document": signed,
                             "signatures": [{"signer": "kabid-1", "role": "kabid", "at": "2026-11-25T09:00:00+00:00"},
                                            {"signer": "kadis-1", "role": "kadis", "at": "2026-11-25T09:05:00+00:00"}]})


class ArchiveFails:
    """The unit-of-work factory whose first claim fails: the service stops between signing and archiving."""

    def __init__(self, container: Container) -> None:
        self.container, self.failed = container, False

    def __call__(self, *, cause: Envelope | None = None) -> Any:
        uow = self.container.uow(cause=cause)
        claim = uow.claim

        def failing(event: Envelope, consumer: str) -> bool:
            if not self.failed:
                self.failed = True
                raise ConnectionError("the database went away")
            return claim(event, consumer)

        uow.claim = failing  # type: ignore[method-assign]
        return uow


def stored_pdf_text(container: Container, ref: dict[str, str]) -> str:
    """The text of a stored PDF the SK names (and that its SHA-256 is the one named)."""
    data, obj = container.runtime.store.get(ref["bucket"], ref["key"], ref["version_id"])
    assert obj.sha256 == ref["sha256"] and data.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_one_sk_from_draft_through_a_rejection_to_its_archive(sk_service: Container) -> None:
    uow, documents = sk_service.uow, sk_service.documents
    content = sk_payload(members=3)
    sk = handlers.draft_sk(uow, documents, DraftSk(content, "kasubid-1"))
    assert (sk.status, sk.revision) == (Status.DRAFT, 1)
    sk = handlers.submit_sk(uow, SubmitSk(sk.id, "kasubid-1"))
    assert sk.awaiting_reviewer() is Role.KABID

    with pytest.raises(ValueError, match="note"):  # a rejection says what to change
        handlers.review_sk(uow, documents, ReviewSk(sk.id, Role.KABID, Decision.REJECT, " ", **KABID))
    with pytest.raises(WrongReviewer):
        handlers.review_sk(uow, documents, ReviewSk(sk.id, Role.KADIS, Decision.APPROVE, "", **KADIS))
    sk = handlers.review_sk(uow, documents, ReviewSk(sk.id, Role.KABID, Decision.REJECT, "Tambahkan dasar hukum.",
                                                     **KABID))
    assert sk.status is Status.REJECTED_BY_KABID

    revised = {**content, "mengingat": [*content["mengingat"], "Permendagri Nomor 1 Tahun 2023"]}
    sk, changed = handlers.revise_sk(uow, documents, ReviseSk(sk.id, revised, "kasubid-1"))
    assert (sk.status, sk.revision, changed) == (Status.DRAFT, 2, [f"mengingat[{len(content['mengingat'])}]"])
    assert queries.diff(uow, sk.id, 1, 2) == changed
    handlers.submit_sk(uow, SubmitSk(sk.id, "kasubid-1"))
    sk = handlers.review_sk(uow, documents, ReviewSk(sk.id, Role.KABID, Decision.APPROVE, "", **KABID))
    assert sk.status is Status.WITH_KADIS and sk.nomor is None
    sk = handlers.review_sk(uow, documents, ReviewSk(sk.id, Role.KADIS, Decision.APPROVE, "", **KADIS))
    assert sk.status is Status.SIGNING and sk.nomor == sk_service.office.format_nomor(1, int(content["tahun"]))

    versions = queries.versions(uow, sk.id)
    assert [(v.n, v.revision, v.status) for v in versions] == [(1, 1, "draft"), (2, 2, "draft"), (3, 2, "signing")]
    assert sk.nomor in stored_pdf_text(sk_service, versions[-1].pdf), "the final PDF prints its nomor"
    assert "Permendagri Nomor 1 Tahun 2023" in stored_pdf_text(sk_service, versions[1].pdf)

    on_answer(sk_service.uow, document_signed(sk.id))
    sk = queries.sk(uow, sk.id)
    assert sk.status is Status.ARCHIVED and [(r.role, r.decision) for r in sk.reviews] == [
        (Role.KABID, Decision.REJECT), (Role.KABID, Decision.APPROVE), (Role.KADIS, Decision.APPROVE)]

    sent = events(sk_service)
    assert [e.type for e in sent] == [
        "sk.drafted", "sk.submitted", "sk.reviewed", "sk.revised", "sk.submitted", "sk.reviewed", "sk.reviewed",
        "sk.approved", "signature.requested", "sk.archived"]
    # Each event names the rendering it was made with, as it was then: the revision's, then the final one.
    renderings = [e.payload["document"]["version_id"] for e in sent[:-1]]
    v1, v2, final = (v.pdf["version_id"] for v in versions)
    assert renderings == [v1, v1, v1, v2, v2, v2, final, final, final]
    # What leaves is each type's contract: it loads as that message, at that message's version.
    for e in sent:
        message = contracts.MESSAGES[e.type]
        assert isinstance(contracts.load(e), message) and e.version == message.VERSION
    requested = sent[-2].payload
    assert requested["nomor"] == sk.nomor and requested["signers"] == ["kabid", "kadis"]
    assert [d["document"] for d in requested["documents"]] == [versions[-1].pdf]


def test_a_signer_refusing_sends_the_sk_back_to_the_kabid_with_its_nomor(sk_service: Container) -> None:
    sk_id = signing(sk_service)
    nomor = queries.sk(sk_service.uow, sk_id).nomor
    refused = Envelope(type="signature.rejected", producer="signature-service",
                       payload={"kind": "sk", "sk_id": sk_id, "role": "kadis", "note": "Salah ketik pada diktum."})
    on_answer(sk_service.uow, refused)
    on_answer(sk_service.uow, refused)  # redelivered: one review, not two
    sk = queries.sk(sk_service.uow, sk_id)
    assert (sk.status, sk.nomor, sk.awaiting_reviewer()) == (Status.REJECTED_BY_KADIS, nomor, Role.KABID)
    assert [(r.role, r.note) for r in sk.reviews][-1] == (Role.KADIS, "Salah ketik pada diktum.")
    assert [e.type for e in events(sk_service)].count("sk.reviewed") == 3

    handlers.review_sk(sk_service.uow, sk_service.documents,
                       ReviewSk(sk_id, Role.KABID, Decision.APPROVE, "", **KABID))
    sk = handlers.review_sk(sk_service.uow, sk_service.documents,
                            ReviewSk(sk_id, Role.KADIS, Decision.APPROVE, "", **KADIS))
    assert (sk.status, sk.nomor) == (Status.SIGNING, nomor), "a nomor, once taken, stays with its SK"


def test_an_answer_out_of_its_contract_is_refused_and_changes_nothing(sk_service: Container) -> None:
    sk_id = signing(sk_service)
    broken = document_signed(sk_id)
    broken = Envelope(type=broken.type, producer=broken.producer,
                      payload={**broken.payload, "document": {"bucket": "naskah-signed"}})
    with pytest.raises(contracts.ContractViolation):  # the bus parks it with the reason
        on_answer(sk_service.uow, broken)
    assert queries.sk(sk_service.uow, sk_id).status is Status.SIGNING


def test_answers_about_other_documents_are_not_this_services(sk_service: Container) -> None:
    sk_id = signing(sk_service)
    for kind in ("report", "disposisi"):
        on_answer(sk_service.uow, Envelope(type="document.signed", producer="signature-service",
                                           payload={**document_signed(sk_id).payload, "kind": kind}))
    assert queries.sk(sk_service.uow, sk_id).status is Status.SIGNING


def test_an_sk_between_its_last_signature_and_its_archive_is_stored_signed(sk_service: Container) -> None:
    sk_id = signing(sk_service)
    event = document_signed(sk_id)
    with pytest.raises(ConnectionError):
        on_answer(ArchiveFails(sk_service), event)
    with sk_service.uow() as uow:
        sk = handlers.get_sk(uow, sk_id)
    assert sk.status is Status.SIGNED and sk.signed_document == event.payload["document"]
    assert [e.type for e in events(sk_service)].count("sk.archived") == 0

    on_answer(sk_service.uow, event)  # the bus redelivers it
    on_answer(sk_service.uow, event)  # and once more: nothing twice
    with sk_service.uow() as uow:
        assert handlers.get_sk(uow, sk_id).status is Status.ARCHIVED
    [archived] = [e for e in events(sk_service) if e.type == "sk.archived"]
    assert archived.payload["document"] == event.payload["document"] and archived.causation_id == event.id


def test_the_openapi_document_names_every_status_an_sk_is_stored_in(tmp_path: Path) -> None:
    settings = load(SkSettings, environ={}, database_url=f"sqlite:///{tmp_path / 'sk.sqlite'}",
                    bus_url="memory://", store_url=f"file://{tmp_path / 'store'}")
    app = create_app(settings, converter=PlainTextConverter())
    try:
        spec = app.test_client().get("/openapi.json").json
    finally:
        app.extensions["naskah"].close()
    status = spec["components"]["schemas"]["Sk"]["properties"]["status"]
    assert set(status["enum"]) == {s.value for s in Status}
    assert "signed (the last signature recorded)" in status["description"]
