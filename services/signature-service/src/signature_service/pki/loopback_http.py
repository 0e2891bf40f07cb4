"""Serving a TEST-ONLY loopback HTTP service (werkzeug, on a daemon thread), quietly: the loopback signing
services (`remote_loopback`, `bsre_loopback`) start and stop the same way."""

from __future__ import annotations

import threading
from typing import Any


def serve(app: Any, host: str, port: int, *, name: str) -> tuple[Any, threading.Thread, str]:
    """`app` served on `host:port` (0: a free port) by a daemon thread called `name`; answers the server,
    its thread and its URL."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: object, **kwargs: object) -> None:
            pass

    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return server, thread, f"http://{host}:{server.server_port}"


def shut(server: Any) -> None:
    """Stop a server `serve` started (None: nothing to stop)."""
    if server is not None:
        server.shutdown()
        server.server_close()
