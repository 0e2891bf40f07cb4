"""The embedded default: all three services in one process, no server installed.

One in-process bus (journaled in ./var so a crash loses nothing), one
filesystem object store under ./var/store, one SQLite database per service,
and one HTTP port with the services under /sk, /signatures and /reports.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from naskah_cli.bsre_demo import loopback_bsre
from naskah_shared.bus.inprocess import InProcessBus
from naskah_shared.config import load
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.storage.download import download_blueprint
from naskah_shared.storage.filesystem import FilesystemObjectStore

PREFIXES = {"sk": "/sk", "signature": "/signatures", "report": "/reports"}
log = logging.getLogger("naskah.embedded")


@dataclass
class Embedded:
    url: str
    apps: dict[str, Flask]
    bus: InProcessBus
    store: FilesystemObjectStore
    people: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # the demo people's logins

    def service_url(self, name: str) -> str:
        return self.url + PREFIXES[name]

    def signer_tokens(self) -> dict[str, str]:
        """The TEST-ONLY signer accounts' API tokens (generated with the dev PKI under ./var/pki)."""
        return self.apps["signature"].extensions["naskah"].dev_tokens


def _root_app(store: FilesystemObjectStore, urls: dict[str, str]) -> Flask:
    root = Flask("naskah")
    root.register_blueprint(download_blueprint(store))

    @root.get("/")
    def index():
        return {"naskah": "embedded", "services": urls}

    return root


@contextmanager
def embedded(var: Path, *, host: str = "127.0.0.1", port: int = 8080,
             log_level: str = "WARNING", signer_backend: str = "pkcs12") -> Iterator[Embedded]:
    """Start the three services in this process; stop them on exit. ``signer_backend="bsre"``: the Kabid
    and the Kadis sign through a loopback BSrE Esign Client Service (TEST ONLY) instead of PKCS#12 files."""
    from report_service.app import create_app as report_app
    from report_service.settings import ReportSettings
    from signature_service.app import create_app as signature_app
    from signature_service.settings import SignatureSettings
    from sk_service.app import create_app as sk_app
    from sk_service.settings import SkSettings

    var.mkdir(parents=True, exist_ok=True)
    public = f"http://{host}:{port}"
    bus = InProcessBus(journal_path=var / "bus.sqlite")
    store = FilesystemObjectStore(var / "store", signing_key=_local_secret(var), public_base_url=public)
    # One per-checkout secret for every service: sk-service checks the person assertions signature-service signs.
    common = {"bus_url": "memory://", "store_url": f"file://{var / 'store'}", "public_url": public,
              "verify_base_url": public + PREFIXES["signature"], "log_level": log_level,
              "secret_key": _local_secret(var).hex()}
    converter = UnoserverPool(2, workdir=var / "converters")
    threading.Thread(target=converter.warm, name="converter-warm", daemon=True).start()
    backends = ExitStack()
    bsre = backends.enter_context(loopback_bsre(var)) if signer_backend == "bsre" else None
    apps = {
        "sk": sk_app(load(SkSettings, service="sk-service", database_url=f"sqlite:///{var / 'sk.db'}",
                          formulir_url=public + PREFIXES["report"] + "/formulir", **common),
                     bus=bus, store=store, converter=converter, migrate=True),
        "signature": signature_app(load(SignatureSettings, service="signature-service",
                                        database_url=f"sqlite:///{var / 'signature.db'}",
                                        pki_dir=str(var / "pki"), sk_url=public + PREFIXES["sk"],
                                        report_url=public + PREFIXES["report"], **common,
                                        **(bsre.settings if bsre else {})),
                                   bus=bus, store=store, migrate=True),
        # Deadlines looked at every 2 s here rather than every minute (NASKAH_DEADLINE_TICK_SECONDS still wins):
        # the demo shows an overdue step's reminder without waiting; a tick over a few activities costs little.
        "report": report_app(load(ReportSettings, service="report-service",
                                  database_url=f"sqlite:///{var / 'report.db'}", **common,
                                  **({} if os.environ.get("NASKAH_DEADLINE_TICK_SECONDS")
                                     else {"deadline_tick_seconds": 2.0})),
                             bus=bus, store=store, converter=converter, migrate=True),
    }
    if bsre is not None:
        apps["signature"].extensions["naskah"].dev_tokens = bsre.tokens
    urls = {name: public + PREFIXES[name] for name in apps}
    wsgi = DispatcherMiddleware(_root_app(store, urls), {PREFIXES[n]: a for n, a in apps.items()})
    server = make_server(host, port, wsgi, threaded=True)
    for app in apps.values():
        app.extensions["naskah"].runtime.start()
    thread = threading.Thread(target=server.serve_forever, name="naskah-http", daemon=True)
    thread.start()
    try:
        from naskah_cli.people import demo_people

        people = demo_people(var, apps["signature"].extensions["naskah"])
        yield Embedded(url=public, apps=apps, bus=bus, store=store, people=people)
    finally:
        server.shutdown()
        server.server_close()
        for app in apps.values():
            app.extensions["naskah"].close()
        converter.close()
        bus.close()
        backends.close()


def _local_secret(var: Path) -> bytes:
    """A per-checkout secret for signed download URLs, made once and kept in ./var."""
    import secrets

    path = var / "secret.key"
    if not path.exists():
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()
