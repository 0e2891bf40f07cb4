"""gunicorn hooks: each worker starts its service's runtime after loading the app."""

from __future__ import annotations

import gc
from typing import Any

accesslog = None  # naskah logs each request itself, as JSON with its request id


# gunicorn ships no types: its worker and arbiter are Any here.
def post_worker_init(worker: Any) -> None:
    worker.wsgi.extensions["naskah"].runtime.start()
    # The boot heap (Flask, SQLAlchemy, pyHanko: ~300k objects) leaves the collector's view, so a full
    # collection scans only what requests made: measured in a test process holding such a heap, each
    # scan took 0.15-0.35 s, counted against whatever request was waiting (a verification's budget).
    gc.collect()
    gc.freeze()


def worker_exit(server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and "naskah" in getattr(app, "extensions", {}):
        app.extensions["naskah"].runtime.stop()
