"""The three services on the real stack (PostgreSQL, RabbitMQ, S3, LibreOffice, the test PKI), for attacks.

The runtimes are not started (no consumers, no relay): these tests speak HTTP to one service at a time
and look at its answers; the flows between services are the e2e tier's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from naskah_shared.convert.libreoffice import UnoserverPool
from signature_service.pki.devpki import DevPki, free_loopback_port
from tests.conftest import keyed


@pytest.fixture(scope="session")
def uno_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnoserverPool]:
    pool = UnoserverPool(1, workdir=tmp_path_factory.mktemp("uno-security"), timeout=60, start_timeout=90)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def security_pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    return DevPki.ensure(tmp_path_factory.mktemp("pki-security"), base_url=f"http://127.0.0.1:{free_loopback_port()}")


class Services(dict):
    """{"sk", "signature", "report"} → the app, each built on first use on its own fresh PostgreSQL database
    with its runtime not started (the buckets made, and the test PKI served)."""

    def __init__(self, real_stack, uno_pool, pki: DevPki, sqlite_dir=None) -> None:
        super().__init__()
        self.uno_pool, self.pki = uno_pool, pki
        if sqlite_dir is None:
            self.real_stack = real_stack
        else:  # the embedded run's database: SQLite, one file per service
            self.real_stack = lambda **kw: real_stack(**kw, database_url=f"sqlite:///{sqlite_dir}/{len(self)}.db")

    def __missing__(self, name: str) -> Flask:
        if name == "sk":
            from sk_service.app import create_app as sk_app

            app = sk_app(self.real_stack(), converter=self.uno_pool, migrate=True)
        elif name == "report":
            from report_service.app import create_app as report_app

            app = report_app(self.real_stack(), converter=self.uno_pool, migrate=True)
        else:
            from signature_service.app import create_app as signature_app

            app = signature_app(self.real_stack(allow_test_pki=True, pki_dir=str(self.pki.directory),
                                                pki_url=self.pki.base_url, signature_level="B-B"), migrate=True)
        for hook in app.extensions["naskah"].runtime.on_start:
            hook()
        self[name] = keyed(app)
        return self[name]


@pytest.fixture(params=["postgresql"])
def services(request, real_stack, uno_pool, security_pki, tmp_path) -> Iterator[Services]:
    """The apps on PostgreSQL; a test parametrized indirectly with "sqlite" gets them on SQLite files."""
    apps = Services(real_stack, uno_pool, security_pki, tmp_path if request.param == "sqlite" else None)
    yield apps
    for app in apps.values():
        app.extensions["naskah"].close()


@pytest.fixture(scope="session")
def docx_text():
    """Every paragraph of a DOCX, tables included, as python-docx reads it."""
    import io

    from docx import Document

    def text(data: bytes) -> str:
        doc = Document(io.BytesIO(data))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)

    return text
