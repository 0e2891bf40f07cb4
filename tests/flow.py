"""Driving sk-service and signature-service apps through their HTTP APIs, as the flow tests do."""

from __future__ import annotations

import time

from naskah_shared.web.person import HEADER, PersonAssertion, issue
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.data import sk_payload


def as_person(app, role: str, *, person_id: str | None = None) -> dict[str, str]:
    """The header a logged-in person's review carries: a person assertion signed with the app's secret."""
    assertion = PersonAssertion(id=person_id or f"test-{role}", role=role, nama=f"{role.title()} (test)")
    return {HEADER: issue(app.extensions["naskah"].settings.secret_key, assertion)}


def approved_sk(sk) -> str:
    c = sk.test_client()
    sk_id = c.post("/api/sk", json=sk_payload(members=5)).json["id"]
    c.post(f"/api/sk/{sk_id}/submit")
    for role in ("kabid", "kadis"):
        r = c.post(f"/api/sk/{sk_id}/reviews", json={"role": role, "decision": "approve"}, headers=as_person(sk, role))
        assert r.status_code == 200, r.json
    assert r.json["status"] == "signing", r.json
    return sk_id


def wait_for(probe, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def requests_of(sig, sk_id: str) -> dict[str, dict]:
    rows = sig.test_client().get("/api/signature-requests").json  # newest first
    return {r["signer"]: r for r in reversed(rows) if r["document_id"] == sk_id}  # the newest round wins


def bearer(sig, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sig.extensions['naskah'].dev_tokens[who]}"}


def sign(sig, request_id: str, who: str):
    return sig.test_client().post(f"/api/signature-requests/{request_id}/sign",
                                  json={"passphrase": SIGNER_PASSPHRASES[who]}, headers=bearer(sig, who))


def archived_sk(sk, sig) -> str:
    """An SK through the whole loop: approved, signed by the Kabid and the Kadis, archived."""
    sk_id = approved_sk(sk)
    reqs = wait_for(lambda: len(r := requests_of(sig, sk_id)) == 2 and r)
    for who in ("kabid", "kadis"):
        assert sign(sig, reqs[who]["id"], who).status_code == 200
    wait_for(lambda: sk.test_client().get(f"/api/sk/{sk_id}").json["status"] == "archived")
    return sk_id
