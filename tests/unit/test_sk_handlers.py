"""sk-service's service layer with no server: its use-case handlers on the embedded adapters (SQLite in a tmp
dir, the filesystem store, the in-process bus) and the fake converter of tests/unit/fakes.py. The DOCX is
rendered by the real renderer; only LibreOffice is left out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from naskah_shared.config import load
from naskah_shared.messages import Envelope
from sk_service.adapters.tables import outbox
from sk_service.app import create_app, migrate_database
from sk_service.bootstrap import Container, bootstrap
from sk_service.domain.sk import Status
from sk_service.service_layer import handlers
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
    sk = handlers.draft_sk(container.uow, container.documents, sk_payload(members=3), "kasubid-1")
    handlers.submit_sk(container.uow, sk.id, "kasubid-1")
    handlers.review_sk(container.uow, container.documents, sk.id, "kabid", "approve", "", **KABID)
    sk = handlers.review_sk(container.uow, container.documents, sk.id, "kadis", "approve", "", **KADIS)
    assert sk.status is Status.SIGNING and sk.nomor
    return sk.id


def document_signed(sk_id: str) -> Envelope:
    signed = {"bucket": "naskah-signed", "key": f"sk/{sk_id}/final.pdf", "version_id": "v1", "sha256": "cd" * 32}
    return Envelope(type="document.signed", producer="signature-service",
                    payload={"kind": "sk", "sk_id": sk_id, "document_id": sk_id, "document": signed,
                             "signatures": [{"signer": "kabid-1", "role": "kabid"},
                                            {"signer": "kadis-1", "role": "kadis"}]})


class ArchiveFails:
    """The unit-of-work factory whose first claim fails: the service stops between signing and archiving."""

    def __init__(self, container: Container) -> None:
        self.container, self.failed = container, False

    def __call__(self, *, cause: Envelope | None = None) -> Any:
        uow = self.container.uow(cause=cause)
        claim = uow.claim

        def failing(event: Envelope) -> bool:
            if not self.failed:
                self.failed = True
                raise ConnectionError("the database went away")
            return claim(event)

        uow.claim = failing  # type: ignore[method-assign]
        return uow


def test_an_sk_between_its_last_signature_and_its_archive_is_stored_signed(sk_service: Container) -> None:
    sk_id = signing(sk_service)
    event = document_signed(sk_id)
    with pytest.raises(ConnectionError):
        handlers.on_document_signed(ArchiveFails(sk_service), event)
    with sk_service.uow() as uow:
        sk = handlers.get_sk(uow, sk_id)
    assert sk.status is Status.SIGNED and sk.signed_document == event.payload["document"]
    assert [e.type for e in events(sk_service)].count("sk.archived") == 0

    handlers.on_document_signed(sk_service.uow, event)  # the bus redelivers it
    handlers.on_document_signed(sk_service.uow, event)  # and once more: nothing twice
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
