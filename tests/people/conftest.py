"""Fixtures for people, login and reviews: signature-service (and sk-service, served on a real port) on the
real stack, people made through the service layer, browsers as `requests`-like Flask test clients."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from signature_service.app import create_app as signature_app
from sk_service.app import create_app as sk_app
from tests.conftest import PLAIN_API_KEY, keyed
from tests.signature.conftest import animator, dev_pki  # noqa: F401  (the session's PKI)
from tests.sk.conftest import uno_pool  # noqa: F401  (warm LibreOffice for an open sk-service)

PASSWORD = "kata-sandi-uji-123"  # TEST ONLY


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def log_in(app, login: str, password: str = PASSWORD):
    """A browser (test client) that logged in through the login form; returns (client, response)."""
    client = app.test_client()
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"login": login, "password": password, "csrf_token": token, "next": "/inbox"})
    return client, r


def add_people(sig) -> dict:
    container = sig.extensions["naskah"]
    made = {}
    for username, role, signer in (("kabid", "kabid", "kabid"), ("kadis", "kadis", "kadis"),
                                   ("arsip", "arsiparis", None)):
        account = container.accounts.get(signer) if signer else None
        made[username] = container.people.add(
            username=username, password=PASSWORD, role=role, nama=account.nama if account else "Arsiparis Uji",
            nip=account.nip if account else "", jabatan=account.jabatan if account else "Arsiparis",
            signer_id=signer)
    return made


@pytest.fixture
def sig(real_stack, dev_pki, animator):  # noqa: F811
    """signature-service alone (no sk-service behind NASKAH_SK_URL)."""
    app = keyed(signature_app(real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory),
                                         pki_url=dev_pki.base_url, sk_url="http://127.0.0.1:9/sk"), migrate=True))
    app.extensions["naskah"].runtime.start()
    yield app
    app.extensions["naskah"].close()


class Served:
    """A WSGI app on a loopback port, in a thread, as signature-service reaches sk-service in production."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture
def pair(real_stack, dev_pki, animator) -> Iterator[tuple]:  # noqa: F811
    """sk-service served on a port, and signature-service sending reviews to it with a plain API key."""
    sk = keyed(sk_app(real_stack(converters=1), migrate=True))
    served = Served(sk)
    sig = keyed(signature_app(real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory),
                                         pki_url=dev_pki.base_url, sk_url=served.url, sk_api_key=PLAIN_API_KEY),
                              migrate=True))
    for app in (sk, sig):
        app.extensions["naskah"].runtime.start()
    yield sk, sig, served
    served.stop()
    for app in (sk, sig):
        app.extensions["naskah"].close()
