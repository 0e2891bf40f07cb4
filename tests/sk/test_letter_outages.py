"""The chaos run's two Surat Edaran defects, each in a fast test on the real servers.

1. The S3 server stopped for longer than the letters' consumer retries (5 attempts): before the fix the
   event was parked after its fifth failure and the batch never left `producing`. Now an outage is retried
   without counting, and the batch is produced once the store is back.
2. A worker SIGKILLed while it holds letters' leases (180 s): before the fix the letters waited the lease
   out. Now a lease whose owner is a dead process on this host is taken over at once, while a live
   process's lease is still respected.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta

from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.bus.topology import Queues
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from naskah_shared.testing.seaweedfs import start_seaweedfs
from sk_service.app import create_app as sk_app
from sk_service.domain.surat_edaran import LetterStatus
from sk_service.service_layer.commands import ProduceLetters, RequestSuratEdaran
from sk_service.service_layer.surat_edaran import produce_letters, request_surat_edaran
from tests.sk.test_letter_guards import _archived_sk

CONTENT = {"batas_waktu": "2026-12-24", "perihal": "Pendataan", "sifat": "Penting", "tembusan": []}


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "handler failed; retrying":
            self.retries += 1


def _kampung(n: int) -> list[dict[str, str]]:
    return [{"nama": f"Kampung {i}", "distrik": "Sentani"} for i in range(n)]


def _status(container, se_id: str) -> tuple[str, list[LetterStatus]]:
    with container.uow() as uow:
        se = uow.surat_edaran.get(se_id)
    return se.status.value, [x.status for x in se.letters]


def test_an_s3_outage_longer_than_the_retries_does_not_park_the_letters(real_stack, uno_pool, tmp_path) -> None:
    weed = start_seaweedfs(tmp_path / "weed")
    bus = InProcessBus(retry_delays=(0.2, 0.5))  # five attempts take ~2 s: the outage below lasts longer
    counter = _Count()
    logging.getLogger("naskah_shared.bus.inprocess").addHandler(counter)
    app = sk_app(real_stack(store_url=f"s3://{weed.endpoint}", s3_access_key=weed.access_key,
                            s3_secret_key=weed.secret_key), bus=bus, converter=uno_pool, migrate=True)
    container = app.extensions["naskah"]
    try:
        container.runtime.store.ensure_bucket(Buckets.DRAFTS)
        container.runtime.start()
        sk_id = _archived_sk(container)
        weed.stop()  # S3 gone before the letters are produced
        se = request_surat_edaran(container.uow, container.office,
                                  RequestSuratEdaran(sk_id, {"kampung": _kampung(2), **CONTENT}, "tim"))
        deadline = time.monotonic() + 60
        while counter.retries < 8 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert counter.retries >= 8, "the consumer kept retrying through the outage"
        assert bus.parked(Queues.SK_LETTERS) == [], "an outage past max_attempts (5) did not park the event"
        weed.start()
        deadline = time.monotonic() + 90
        while _status(container, se.id)[0] != "signing" and time.monotonic() < deadline:
            time.sleep(0.3)
        status, letters = _status(container, se.id)
        assert status == "signing" and letters == [LetterStatus.PRODUCED] * 2
        assert bus.parked(Queues.SK_LETTERS) == []
    finally:
        logging.getLogger("naskah_shared.bus.inprocess").removeHandler(counter)
        container.close()
        bus.close()
        weed.stop()


_HOLDER = textwrap.dedent("""
    import sys, time
    from datetime import UTC, datetime, timedelta
    from sqlalchemy.orm import Session
    from naskah_shared.db.engine import make_engine
    from naskah_shared.owners import process_owner
    from sk_service.adapters.surat_edaran_repository import SqlSuratEdaranRepository

    url, se_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Session(make_engine(url)) as session:
        repo, now = SqlSuratEdaranRepository(session), datetime.now(UTC)
        held = [repo.claim_letter(se_id, process_owner() + ":run", until=now + timedelta(seconds=180), now=now)
                for _ in range(n)]
        session.commit()
    print(",".join(held), flush=True)
    time.sleep(600)  # a worker mid-conversion, until it is SIGKILLed
""")


def test_letters_leased_by_a_sigkilled_worker_are_taken_over_at_once(real_stack, uno_pool) -> None:
    config = real_stack()
    app = sk_app(config, converter=uno_pool, migrate=True)
    container = app.extensions["naskah"]
    holder = None
    try:
        container.runtime.store.ensure_bucket(Buckets.DRAFTS)
        sk_id = _archived_sk(container)
        se = request_surat_edaran(container.uow, container.office,
                                  RequestSuratEdaran(sk_id, {"kampung": _kampung(2), **CONTENT}, "tim"))
        holder = subprocess.Popen([sys.executable, "-c", _HOLDER, config["database_url"], se.id, "2"],
                                  stdout=subprocess.PIPE, text=True)
        held = holder.stdout.readline().strip().split(",")
        assert sorted(held) == sorted(x.id for x in se.letters), "the other worker holds both letters"
        now = datetime.now(UTC)
        with container.uow() as uow:  # alive: its leases stand
            assert uow.surat_edaran.claim_letter(se.id, "probe", until=now + timedelta(seconds=1), now=now) is None
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        started = time.monotonic()
        produce_letters(container.uow, container.documents, ProduceLetters(se.id, Envelope(
            "surat_edaran.requested", {"kind": "surat_edaran", "surat_edaran_id": se.id}, "sk-service")), workers=1)
        assert time.monotonic() - started < 90, "not the 180 s lease"
        status, letters = _status(container, se.id)
        assert status == "signing" and letters == [LetterStatus.PRODUCED] * 2
    finally:
        if holder is not None and holder.poll() is None:
            holder.kill()
            holder.wait(10)
        container.close()
