"""SOP step 8's letters: request a Surat Edaran for many kampung, produce them, follow their signatures.

The request only records the batch (with its nomor) and an event; the letters
are produced by this service's own consumer of that event, off the HTTP
request, in parallel up to the converter pool's size. Each letter commits on
its own, so a crash or a retry resumes with the letters still pending.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from naskah_shared.bus.transient import is_transient
from naskah_shared.messages import Envelope
from naskah_shared.naming import letter_key, letter_slugs
from naskah_shared.owners import process_owner
from sk_service.domain.naskah import Office
from sk_service.domain.surat_edaran import Letter, SuratEdaran
from sk_service.service_layer.commands import (
    ProduceLetters,
    RecordLetterRejected,
    RecordLetterSigned,
    RequestSuratEdaran,
)
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.handlers import get_sk
from sk_service.service_layer.unit_of_work import PRODUCER, SkUnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


class SuratEdaranNotFound(LookupError):
    pass


def request_surat_edaran(uow_factory: UnitOfWorkFactory, office: Office, cmd: RequestSuratEdaran) -> SuratEdaran:
    """Record the batch and take its nomor from the office's register, in one transaction."""
    content = cmd.content
    with uow_factory() as uow:
        sk = get_sk(uow, cmd.sk_id)
        year = int(sk.content["tahun"])  # the activity's year, as for the SK itself
        seq = uow.sks.next_nomor_seq(office.code, year)  # a refusal below rolls the number back
        se = SuratEdaran.for_sk(str(uuid.uuid4()), sk, office.format_nomor(seq, year), content,
                                [str(uuid.uuid4()) for _ in content["kampung"]], cmd.by, datetime.now(UTC),
                                slugs=letter_slugs(content["kampung"]))
        uow.surat_edaran.add(se)
        uow.sks.record_nomor(office.code, year, seq, se.nomor, surat_edaran_id=se.id)
        uow.commit_aggregate(se)
    return se


LEASE_S = 180.0  # longer than one letter's render + conversion (timeout 60 s) + store; then another may take it
RUN_ID_MAX = 64  # surat_edaran_letters.claimed_by


def _run_id() -> str:
    """`host:pid:boot:run`, so a lease whose process died on this host is taken over at once (`owners`)."""
    run_id = f"{process_owner()}:{uuid.uuid4().hex[:8]}"
    if len(run_id) <= RUN_ID_MAX:
        return run_id
    # A hostname too long for the column: a host part no real host has ('~'), so only the lease's time frees it.
    return f"{process_owner().split(':')[0][:24]}~:{uuid.uuid4().hex[:24]}"


class LettersBusy(RuntimeError):
    """Another worker still holds letters of this batch past the wait: the bus retries the event later."""


def produce_letters(uow_factory: UnitOfWorkFactory, documents: SkDocuments, cmd: ProduceLetters, *,
                    workers: int, lease_s: float = LEASE_S) -> None:
    """Render, convert and store every pending letter; then hand the batch to the Kadis's signature.

    Each letter is leased before it is rendered and recorded only while the lease is this run's
    (compare-and-set), so a redelivered event handled by a second worker *while the first still
    runs* shares the pending letters with it instead of rendering them twice; whichever run ends
    last hands the batch on, once. A crashed run's letters are taken over at once when its process is
    certainly dead on this host, else when its leases run out. A letter failing through an outage (store,
    database) raises that outage, which the bus retries without counting it against the message.
    """
    se_id, event = cmd.surat_edaran_id, cmd.cause
    with uow_factory() as uow:
        se = get_surat_edaran(uow, se_id)
        sk = get_sk(uow, se.sk_id)
    letters = {x.id: x for x in se.letters}
    run_id = _run_id()
    failures: dict[str, Exception] = {}
    made: list[str] = []
    lock = threading.Lock()  # the pool's threads share `failures`
    started = time.perf_counter()

    def claim() -> Letter | None:
        now = datetime.now(UTC)
        with lock:
            skip = set(failures)
        with uow_factory() as uow:
            letter_id = uow.surat_edaran.claim_letter(se_id, run_id, until=now + timedelta(seconds=lease_s), now=now,
                                                      skip=skip)
            uow.commit()
        return letters.get(letter_id) if letter_id else None

    def produce_claimed() -> None:
        while (letter := claim()) is not None:
            try:
                document = documents.produce_letter(se, sk, letter)
            except Exception as exc:  # one bad letter does not stop the others; the bus retries it below
                with lock:
                    failures[letter.id] = exc
                with uow_factory() as uow:
                    uow.surat_edaran.release_letter(letter.id, run_id)
                    uow.commit()
                continue
            with uow_factory() as uow:
                recorded = uow.surat_edaran.letter_produced(letter.id, document, run_id)
                uow.commit()
            if recorded:
                made.append(letter.id)
            else:  # our lease ran out and another run made it: its version is the letter's
                log.warning("letter produced elsewhere meanwhile", extra={"surat_edaran": se_id, "letter": letter.id})

    deadline = time.monotonic() + lease_s + 30
    while True:
        with ThreadPoolExecutor(max(1, workers), thread_name_prefix="surat-edaran") as pool:
            for future in [pool.submit(produce_claimed) for _ in range(max(1, workers))]:
                future.result()
        if failures:
            break
        with uow_factory() as uow:
            pending = uow.surat_edaran.pending_letters(se_id)
        if not pending:
            break
        if time.monotonic() > deadline:  # bounded: the retry comes back when the holder is done or dead
            raise LettersBusy(f"{pending} letters of {se_id} are still being produced by another worker")
        time.sleep(0.5)  # the rest are leased to another run: wait for it to finish them or for its leases to end
    log.info("surat edaran letters produced", extra={"surat_edaran": se_id, "letters": len(made),
                                                     "failed": len(failures),
                                                     "seconds": round(time.perf_counter() - started, 2)})
    if failures:
        # The event is retried later, only these letters redone. A letter that can never be made is raised
        # first, so its attempts count (then it is parked); an outage alone is retried until it is over.
        raise sorted(failures.values(), key=is_transient)[0]
    with uow_factory(cause=event) as uow:
        if not uow.claim(event, PRODUCER):
            return
        se = get_surat_edaran(uow, se_id, for_update=True)
        se.produced(lambda letter: letter_key(se.id, letter.slug), documents.formulir_of)
        uow.surat_edaran.save(se)
        uow.commit_aggregate(se)


def record_letter_signed(uow_factory: UnitOfWorkFactory, cmd: RecordLetterSigned) -> None:
    """signature-service archived the Kadis's signature on one letter."""
    _answer(uow_factory, cmd.cause, cmd.surat_edaran_id, lambda se: se.letter_signed(cmd.letter_id, cmd.document))


def record_letter_rejected(uow_factory: UnitOfWorkFactory, cmd: RecordLetterRejected) -> None:
    """The Kadis refused a letter (or the whole batch, letter by letter)."""
    _answer(uow_factory, cmd.cause, cmd.surat_edaran_id, lambda se: se.letter_rejected(cmd.letter_id, cmd.note))


def _answer(uow_factory: UnitOfWorkFactory, event: Envelope, se_id: str,
            apply: Callable[[SuratEdaran], Letter | None]) -> None:
    with uow_factory(cause=event) as uow:
        if not uow.claim(event, PRODUCER):
            return
        se = get_surat_edaran(uow, se_id, for_update=True)
        letter = apply(se)
        if letter is not None:
            uow.surat_edaran.save(se, letter)
        uow.commit_aggregate(se)


def get_surat_edaran(uow: SkUnitOfWork, se_id: str, *, for_update: bool = False) -> SuratEdaran:
    se = uow.surat_edaran.get(se_id, for_update=for_update)
    if se is None:
        raise SuratEdaranNotFound(f"no Surat Edaran with id {se_id}")
    return se


__all__ = ["LettersBusy", "SuratEdaranNotFound", "get_surat_edaran", "produce_letters", "record_letter_rejected",
           "record_letter_signed", "request_surat_edaran"]
