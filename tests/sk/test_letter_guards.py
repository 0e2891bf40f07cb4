"""Issue 13 #1: a redelivered `surat_edaran.requested` handled by a second worker while the first still runs.

On PostgreSQL with real LibreOffice: run A starts producing a batch's letters; once it has made one, run
B starts on the same event (what the broker's redelivery to another worker does). Before the fix both
rendered every pending letter (two draft versions of most letters) and a late write could turn a
signed letter back into `produced`. Now each letter has one version, the batch is handed on once, and
a stale write is refused.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from sk_service.adapters.tables import outbox
from sk_service.app import create_app as sk_app
from sk_service.consumers import on_answer
from sk_service.domain.sk import Sk
from sk_service.domain.sk import Status as SkStatus
from sk_service.domain.surat_edaran import LetterStatus
from sk_service.service_layer.commands import ProduceLetters, RequestSuratEdaran
from sk_service.service_layer.surat_edaran import produce_letters, request_surat_edaran
from tests.data import sk_payload


class _Slow:
    """The real document production, a little slower, and counting who made what."""

    def __init__(self, real) -> None:
        self.real, self.made = real, []
        self.first = threading.Event()

    def produce_letter(self, se, sk, letter):
        time.sleep(0.3)
        ref = self.real.produce_letter(se, sk, letter)
        self.made.append(letter.id)
        self.first.set()
        return ref

    def __getattr__(self, name: str):  # the rest (formulir_of, ...) as the real one
        return getattr(self.real, name)


def _archived_sk(container) -> str:
    sk = Sk(id=str(uuid.uuid4()), content=sk_payload(members=2), drafter="kasubid", created_at=datetime.now(UTC),
            status=SkStatus.ARCHIVED, nomor="800/001/DPMK/2026")
    with container.uow() as uow:
        uow.sks.add(sk)
        uow.commit()
    return sk.id


def test_a_second_worker_on_the_same_event_renders_no_letter_twice_and_a_signed_letter_stays_signed(
        real_stack, uno_pool) -> None:
    app = sk_app(real_stack(), converter=uno_pool, migrate=True)
    container = app.extensions["naskah"]
    try:
        store = container.runtime.store
        store.ensure_bucket(Buckets.DRAFTS)
        sk_id = _archived_sk(container)
        kampung = [{"nama": f"Kampung {i}", "distrik": "Sentani"} for i in range(8)]
        se = request_surat_edaran(container.uow, container.office, RequestSuratEdaran(
            sk_id, {"kampung": kampung, "batas_waktu": "2026-12-24", "perihal": "Pendataan", "sifat": "Penting",
                    "tembusan": []}, "tim"))
        event = ProduceLetters(se.id, Envelope("surat_edaran.requested",
                                               {"kind": "surat_edaran", "surat_edaran_id": se.id}, "sk-service"))
        docs = _Slow(container.documents)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                produce_letters(container.uow, docs, event, workers=1)
            except BaseException as exc:
                errors.append(exc)

        a = threading.Thread(target=run)
        a.start()
        assert docs.first.wait(60)
        b = threading.Thread(target=run)  # the redelivery, while A still runs
        b.start()
        a.join(120)
        b.join(120)
        assert not a.is_alive() and not b.is_alive() and errors == []
        assert sorted(docs.made) == sorted(x.id for x in se.letters), "every letter made exactly once"
        for letter in se.letters:
            assert len(store.list_versions(Buckets.DRAFTS, f"bulk/{se.id}/{letter.slug}.pdf")) == 1
        with container.uow() as uow:
            done = uow.surat_edaran.get(se.id)
            asked = uow.session.scalars(select(outbox.outbox.c.body).where(
                outbox.outbox.c.type == "signature.requested")).all()
        assert done.status.value == "signing" and all(x.status is LetterStatus.PRODUCED for x in done.letters)
        assert len([b for b in asked if json.loads(b)["payload"].get("batch_id") == se.id]) == 1

        # The Kadis signs the first letter; a stale run's write for it must not undo that.
        first = done.letters[0]
        on_answer(container.uow, Envelope("document.signed", {
            "kind": "surat_edaran", "batch_id": se.id, "document_id": first.id,
            "document": {**first.document, "key": "signed"}}, "signature-service"))
        with container.uow() as uow:
            assert uow.surat_edaran.letter_produced(first.id, first.document) is False
            assert uow.surat_edaran.claim_letter(se.id, "late", until=datetime.now(UTC), now=datetime.now(UTC)) is None
            uow.commit()
        produce_letters(container.uow, docs, event, workers=2)  # and a third delivery changes nothing
        with container.uow() as uow:
            assert uow.surat_edaran.get(se.id).letters[0].status is LetterStatus.SIGNED
        assert len(docs.made) == len(se.letters)
    finally:
        container.close()
