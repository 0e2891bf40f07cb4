"""Issue 13 #1 with the broker doing it: RabbitMQ redelivers `surat_edaran.requested` to a second
sk-service worker while the first is still producing the letters.

Two sk-service runtimes (as two gunicorn workers) share one PostgreSQL database and consume the same
queue in this test's own vhost. Worker A takes the event and starts producing; then the broker closes
A's connections (`rabbitmqctl close_connection`, A's only, found by its connection name), so the
unacknowledged event goes to worker B while A's handler runs on. Every letter must still be made once.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

from sqlalchemy import select

from naskah_shared.storage.ports import Buckets
from naskah_shared.testing.rabbitmq import fresh_vhost, rabbitmqctl
from sk_service.adapters.tables import outbox
from sk_service.app import create_app as sk_app
from sk_service.service_layer.commands import RequestSuratEdaran
from sk_service.service_layer.surat_edaran import request_surat_edaran
from tests.flow import wait_for
from tests.sk.test_letter_guards import _archived_sk


def _close_connections_named(vhost: str, name: str) -> int:
    closed = 0
    for line in rabbitmqctl("list_connections", "pid", "vhost", "client_properties").splitlines():
        pid, conn_vhost, props = (line.split("\t") + ["", "", ""])[:3]
        if conn_vhost == vhost and f'"{name}"' in props:
            rabbitmqctl("close_connection", pid, "test: broker drops worker A mid-production")
            closed += 1
    return closed


def _counting(container, made: list[tuple[str, str]], worker: str, started: threading.Event) -> None:
    real = container.documents.produce_letter

    def produce_letter(se, sk, letter):
        started.set()
        time.sleep(0.4)  # a letter takes a while: the redelivery arrives while A is mid-batch
        ref = real(se, sk, letter)
        made.append((worker, letter.id))
        return ref

    container.documents.produce_letter = produce_letter


def test_a_redelivery_to_a_second_worker_mid_production_makes_every_letter_once(real_stack, uno_pool) -> None:
    with fresh_vhost("naskah-redelivery") as url:
        vhost = url.rsplit("/", 1)[1].replace("%2F", "/")
        config = real_stack(bus_url=url, converters=1)
        a, b = (sk_app(config, converter=uno_pool, migrate=True) for _ in range(2))
        ca, cb = a.extensions["naskah"], b.extensions["naskah"]
        name_a = f"naskah-worker-a-{uuid.uuid4().hex[:8]}"
        ca.runtime.bus.params.client_properties = {"connection_name": name_a}
        made: list[tuple[str, str]] = []
        a_started, b_started = threading.Event(), threading.Event()
        _counting(ca, made, "A", a_started)
        _counting(cb, made, "B", b_started)
        try:
            ca.runtime.store.ensure_bucket(Buckets.DRAFTS)
            sk_id = _archived_sk(ca)
            ca.runtime.start()
            assert ca.runtime.bus.wait_ready(30)
            kampung = [{"nama": f"Kampung {i}", "distrik": "Sentani"} for i in range(10)]
            se = request_surat_edaran(ca.uow, ca.office, RequestSuratEdaran(
                sk_id, {"kampung": kampung, "batas_waktu": "2026-12-24", "perihal": "Pendataan", "sifat": "Penting",
                        "tembusan": []}, "tim"))
            ca.runtime.relay.nudge()
            assert a_started.wait(60), "worker A never got the event"
            cb.runtime.start()
            assert cb.runtime.bus.wait_ready(30)
            assert _close_connections_named(vhost, name_a) >= 1
            assert b_started.wait(60), "the broker did not redeliver the event to worker B"

            def signing() -> bool:
                with ca.uow() as uow:
                    return uow.surat_edaran.get(se.id).status.value == "signing"

            wait_for(signing, timeout=180)
            time.sleep(1)  # let the other run finish its last letter, if it had one in hand
            letters = [x.id for x in se.letters]
            assert sorted(i for _, i in made) == sorted(letters), f"made twice: {made}"
            assert {w for w, _ in made} == {"A", "B"}, "both workers shared the batch"
            store = ca.runtime.store
            for letter in se.letters:
                assert len(store.list_versions(Buckets.DRAFTS, f"bulk/{se.id}/{letter.slug}.pdf")) == 1
            with ca.uow() as uow:
                asked = uow.session.scalars(select(outbox.outbox.c.body).where(
                    outbox.outbox.c.type == "signature.requested")).all()
            assert len([x for x in asked if json.loads(x)["payload"].get("batch_id") == se.id]) == 1
        finally:
            ca.close()
            cb.close()
