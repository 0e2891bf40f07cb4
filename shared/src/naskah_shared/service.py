"""What every service's command line shares: `migrate`, `serve` (gunicorn), `worker`.

`python -m <service> serve` is the production command: it migrates the
database once, then runs gunicorn; each gunicorn worker starts the service's
runtime (consumers and outbox relay) after loading the app, so one process
type per service serves HTTP and handles events.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask

from naskah_shared.config import ConfigError

if TYPE_CHECKING:
    from naskah_shared.runtime import Runtime

log = logging.getLogger(__name__)


def runtime_of(app: Flask) -> Runtime:
    runtime: Runtime = app.extensions["naskah"].runtime  # every service's container holds its Runtime
    return runtime


def main(name: str, app_path: str, create_app: Callable[..., Flask], migrate: Callable[[], None],
         argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {name}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations and exit")
    serve = sub.add_parser("serve", help="migrate, then serve HTTP and handle events (gunicorn)")
    serve.add_argument("--bind", default=os.environ.get("NASKAH_BIND", "0.0.0.0:8000"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("NASKAH_WORKERS", "2")))
    serve.add_argument("--threads", type=int, default=int(os.environ.get("NASKAH_THREADS", "4")))
    sub.add_parser("worker", help="handle events and relay the outbox, without HTTP")
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            migrate()
        elif args.command == "serve":
            migrate()
            os.execvp(sys.executable, [
                sys.executable, "-m", "gunicorn", "--bind", args.bind, "--workers", str(args.workers),
                "--threads", str(args.threads), "--worker-class", "gthread", "--timeout", "120",
                "--graceful-timeout", "30", "--config", "python:naskah_shared.gunicorn_conf", app_path])
        else:
            migrate()
            app = create_app()
            runtime = runtime_of(app)
            runtime.start()
            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            stop.wait()
            runtime.stop()
    except ConfigError as exc:
        print(f"{name}: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0
