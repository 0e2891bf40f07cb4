"""gunicorn hooks: each worker starts its service's runtime after loading the app."""

from __future__ import annotations

import gc

accesslog = None  # naskah logs each request itself, as JSON with its request id


def post_worker_init(worker) -> None:
    worker.wsgi.extensions["naskah"].runtime.start()
    # The boot heap (Flask, SQLAlchemy, pyHanko: ~300k objects) leaves the collector's view, so a full
    # collection scans only what requests made: measured in a test process holding such a heap, each
    # scan took 0.15-0.35 s, counted against whatever request was waiting (a verification's budget).
    gc.collect()
    gc.freeze()


def worker_exit(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and "naskah" in getattr(app, "extensions", {}):
        app.extensions["naskah"].runtime.stop()
