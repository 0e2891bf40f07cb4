"""A worker that starts while the object store is away still starts (issue 13, found by the chaos run).

gunicorn restarts a SIGKILLed worker at once; when the S3 server was down at that moment the worker's
start-up (`ensure_bucket`) raised, gunicorn's master took that for "Worker failed to boot" and shut the
whole service down. Now the step is deferred and retried, and readiness says the store is missing.
"""

from __future__ import annotations

import socket

import pytest

from naskah_shared.config import Settings, load
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import StoreUnavailable
from naskah_shared.storage.s3 import S3ObjectStore
from signature_service.adapters.tables import metadata, outbox


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


def test_a_start_up_step_that_needs_the_store_is_deferred_while_it_is_away(tmp_path):
    settings = load(Settings, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", bus_url="memory://")
    store = S3ObjectStore(f"127.0.0.1:{_closed_port()}", "key", "secret", connect_timeout=0.2)
    runtime = Runtime.build(settings, metadata, outbox, store=store)
    tried: list[str] = []

    def needs_store() -> None:
        tried.append("ensure_bucket")
        store.ensure_bucket("naskah-signed", object_lock=True)

    runtime.on_start.append(needs_store)
    runtime.start()  # did not raise: the worker is up, serving what it can
    try:
        assert runtime.started and tried == ["ensure_bucket"]
        with pytest.raises(StoreUnavailable):
            runtime.checks()["store"]()  # /readyz says what is missing
    finally:
        runtime.stop()
