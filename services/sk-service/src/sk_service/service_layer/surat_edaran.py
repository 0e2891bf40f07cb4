"""SOP step 8's letters: request a Surat Edaran for many kampung, produce them, follow their signatures.

The request only records the batch (with its nomor) and an event; the letters
are produced by this service's own consumer of that event, off the HTTP
request, in parallel up to the converter pool's size. Each letter commits on
its own, so a crash or a retry resumes with the letters still pending.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from naskah_shared.messages import Envelope
from sk_service.domain.naskah import Office
from sk_service.domain.surat_edaran import Letter, LetterStatus, SuratEdaran
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.handlers import get_sk
from sk_service.service_layer.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)


class SuratEdaranNotFound(LookupError):
    pass


def request_surat_edaran(uow_factory: UnitOfWorkFactory, office: Office, sk_id: str, content: dict[str, Any],
                         actor: str) -> SuratEdaran:
    """Record the batch and take its nomor from the office's register, in one transaction."""
    with uow_factory() as uow:
        sk = get_sk(uow, sk_id)
        year = int(sk.content["tahun"])  # the activity's year, as for the SK itself
        seq = uow.sks.next_nomor_seq(office.code, year)  # a refusal below rolls the number back
        se = SuratEdaran.for_sk(str(uuid.uuid4()), sk, office.format_nomor(seq, year), content,
                                [str(uuid.uuid4()) for _ in content["kampung"]], actor, datetime.now(UTC))
        uow.surat_edaran.add(se)
        uow.sks.record_nomor(office.code, year, seq, se.nomor, surat_edaran_id=se.id)
        uow.commit_aggregate(se)
    return se


def produce_letters(uow_factory: UnitOfWorkFactory, documents: SkDocuments, event: Envelope, *,
                    workers: int) -> None:
    """Render, convert and store every pending letter; then hand the batch to the Kadis's signature."""
    se_id = event.payload["surat_edaran_id"]
    with uow_factory() as uow:
        se = get_surat_edaran(uow, se_id)
        sk = get_sk(uow, se.sk_id)
    todo = [x for x in se.letters if x.status is LetterStatus.PENDING]
    started = time.perf_counter()

    def produce(letter: Letter) -> Exception | None:
        try:
            document = documents.produce_letter(se, sk, letter)
        except Exception as exc:  # one bad letter does not stop the others; the bus retries it below
            return exc
        with uow_factory() as uow:
            uow.surat_edaran.letter_produced(letter.id, document)
            uow.commit()
        return None

    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="surat-edaran") as pool:
        failures = [exc for exc in pool.map(produce, todo) if exc is not None]
    log.info("surat edaran letters produced", extra={"surat_edaran": se_id, "letters": len(todo) - len(failures),
                                                     "failed": len(failures),
                                                     "seconds": round(time.perf_counter() - started, 2)})
    if failures:
        raise failures[0]  # the event is retried later (then parked with this reason): only these are redone
    with uow_factory(cause=event) as uow:
        if not uow.claim(event):
            return
        se = get_surat_edaran(uow, se_id, for_update=True)
        se.produced()
        uow.surat_edaran.save(se)
        uow.commit_aggregate(se)


def on_letter_signed(uow_factory: UnitOfWorkFactory, event: Envelope) -> None:
    """signature-service archived the Kadis's signature on one letter."""
    _answer(uow_factory, event, lambda se, p: se.letter_signed(p["document_id"], p["document"]))


def on_letter_rejected(uow_factory: UnitOfWorkFactory, event: Envelope) -> None:
    """The Kadis refused a letter (or the whole batch, letter by letter)."""
    _answer(uow_factory, event, lambda se, p: se.letter_rejected(p["document_id"], p.get("note", "")))


def _answer(uow_factory: UnitOfWorkFactory, event: Envelope,
            apply: Callable[[SuratEdaran, dict[str, Any]], Letter | None]) -> None:
    with uow_factory(cause=event) as uow:
        if not uow.claim(event):
            return
        se = get_surat_edaran(uow, event.payload["batch_id"], for_update=True)
        letter = apply(se, event.payload)
        if letter is not None:
            uow.surat_edaran.save(se, letter)
        uow.commit_aggregate(se)


def get_surat_edaran(uow: Any, se_id: str, *, for_update: bool = False) -> SuratEdaran:
    se = uow.surat_edaran.get(se_id, for_update=for_update)
    if se is None:
        raise SuratEdaranNotFound(f"no Surat Edaran with id {se_id}")
    return se


__all__ = ["SuratEdaranNotFound", "get_surat_edaran", "on_letter_rejected", "on_letter_signed",
           "produce_letters", "request_surat_edaran"]
