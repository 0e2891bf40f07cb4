"""Fixtures for the people's pages: signature-service (and sk-service) on the real stack, people logged in."""

from __future__ import annotations

import re

import pytest

from signature_service.api.session import SESSION_COOKIE
from tests.signature.conftest import animator, dev_pki, stack  # noqa: F401  (the real stack and its PKI)

PEOPLE = {  # username -> (role, signer account)
    "kabid": ("kabid", "kabid"), "kadis": ("kadis", "kadis"), "arsip": ("arsiparis", None),
}
PASSWORD = "kata-sandi-uji-123"  # TEST ONLY


@pytest.fixture
def people(stack):  # noqa: F811 - the imported fixture
    """The Kabid, the Kadis and an arsiparis as person accounts of signature-service."""
    _, sig = stack
    container = sig.extensions["naskah"]
    made = {}
    for username, (role, signer) in PEOPLE.items():
        account = container.accounts.get(signer) if signer else None
        made[username] = container.people.add(
            username=username, password=PASSWORD, role=role, nama=account.nama if account else "Arsiparis Uji",
            nip=account.nip if account else "", jabatan=account.jabatan if account else "Arsiparis",
            pangkat=account.pangkat if account else "", signer_id=signer)
    return made


def logged_in(sig, person):
    """A test client carrying a fresh session of `person` (the login form itself is tested in the browser)."""
    sid, _ = sig.extensions["naskah"].people.open_session(person)
    client = sig.test_client()
    client.set_cookie(SESSION_COOKIE, sid, path="/")
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)
