"""gunicorn hooks: each worker starts its service's runtime after loading the app."""

from __future__ import annotations

accesslog = None  # naskah logs each request itself, as JSON with its request id


def post_worker_init(worker) -> None:
    worker.wsgi.extensions["naskah"].runtime.start()


def worker_exit(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and "naskah" in getattr(app, "extensions", {}):
        app.extensions["naskah"].runtime.stop()
