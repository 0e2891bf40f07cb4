"""A Lembar Disposisi whose printing fails after its step was committed is printed once the outage is over.

The disposition is committed with its step and its `disposisi.created` event in the outbox; the sheet is
printed by report-service's own consumer of that event, so a failed printing is a failed delivery that the
bus retries (an outage through its retry queues, uncounted, until it is over). The fault is real: the
SeaweedFS server the service stores into is stopped while the step is recorded and for longer than the
consumer's five attempts, then started again.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.bus.topology import Queues
from naskah_shared.storage.ports import Buckets
from naskah_shared.testing.seaweedfs import start_seaweedfs
from report_service.adapters import tables as t
from report_service.app import create_app
from tests.conftest import keyed


class _Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        queue = getattr(record, "queue", "")
        if record.getMessage() == "handler failed; retrying" and queue == Queues.REPORT_DISPOSISI:
            self.count += 1


def _until(probe, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:g} s: {what}")


def _paraf_requests(container, disposisi_id: str) -> int:
    table = t.outbox.outbox
    with container.runtime.engine.connect() as conn:
        bodies = conn.execute(select(table.c.body).where(table.c.type == "signature.requested")).scalars().all()
    return sum(f'"document_id":"{disposisi_id}"' in b.replace(" ", "") for b in bodies)


def test_a_sheet_not_printed_while_the_store_is_down_is_printed_when_it_is_back(real_stack, tmp_path: Path) -> None:
    weed = start_seaweedfs(tmp_path / "weed")
    bus = InProcessBus(retry_delays=(0.2, 0.5))  # five counted attempts would be over in ~2 s
    retries = _Retries()
    logging.getLogger("naskah_shared.bus.inprocess").addHandler(retries)
    app = keyed(create_app(real_stack(store_url=f"s3://{weed.endpoint}", s3_access_key=weed.access_key,
                                      s3_secret_key=weed.secret_key, deadline_tick_seconds=0, converters=1),
                           bus=bus, migrate=True))
    container = app.extensions["naskah"]
    try:
        container.runtime.store.ensure_bucket(Buckets.REPORTS)
        container.runtime.start()
        client = app.test_client()
        aid = client.post("/api/activities", json={"kegiatan": "Pendataan Profil Kampung", "tahun": 2026}).json["id"]
        weed.stop()  # the store gone after the activity, before the step and its sheet
        r = client.post(f"/api/activities/{aid}/steps", json={
            "step": 1, "actor": "Drs. Yohanes Rumbiak, M.Si",
            "started_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "disposisi": {"sifat": "segera", "hal": "Pendataan Profil Kampung 2026"}})
        assert r.status_code == 201, r.json  # the step and its disposition need only the database
        d = client.get(f"/api/activities/{aid}/disposisi").json[0]
        _until(lambda: retries.count >= 8, 120, "the printing retried through the outage")
        assert container.disposisi.get(d["id"])[1]["pdf"] is None, "nothing printed while the store is down"
        assert bus.parked(Queues.REPORT_DISPOSISI) == [], "an outage past the five attempts parked the printing"
        assert _paraf_requests(container, d["id"]) == 0

        weed.start()
        files = _until(lambda: (f := container.disposisi.get(d["id"])[1])["pdf"] and f, 120, "the sheet printed")
        pdf, _ = container.runtime.store.get(files["pdf"]["bucket"], files["pdf"]["key"], files["pdf"]["version_id"])
        assert pdf.startswith(b"%PDF")
        _until(lambda: _paraf_requests(container, d["id"]) == 1, 30, "the giver's paraf asked for")
        time.sleep(1.0)  # a late redelivery would ask twice: it must not
        assert _paraf_requests(container, d["id"]) == 1 and bus.parked(Queues.REPORT_DISPOSISI) == []
        assert client.get(f"/api/disposisi/{d['id']}/lembar.pdf").data == pdf
    finally:
        logging.getLogger("naskah_shared.bus.inprocess").removeHandler(retries)
        container.close()
        bus.close()
        weed.stop()
