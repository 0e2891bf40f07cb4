"""signature-service through its endpoint on the real stack: an SK that sk-service approved is signed by the
Kabid and then the Kadis, archived under object lock and verified; passphrases, lockout, double-sign, tamper."""

from __future__ import annotations

import io
import logging

import pytest

from naskah_shared.storage.ports import Buckets, ObjectLocked
from signature_service.adapters.pades import PadesSigner
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.flow import approved_sk, bearer, requests_of, wait_for

BY = {"reviewer": "Kabid/Kadis via tests"}  # the tests' API key vouches for reviews (review scope)


def test_kabid_then_kadis_sign_archive_and_verify(stack, caplog):
    sk, sig = stack
    caplog.set_level(logging.DEBUG)
    sk_id = approved_sk(sk)
    reqs = wait_for(lambda: len(r := requests_of(sig, sk_id)) == 2 and r)
    assert reqs["kabid"]["status"] == "pending" and reqs["kadis"]["status"] == "waiting"
    c = sig.test_client()
    kabid, kadis = reqs["kabid"]["id"], reqs["kadis"]["id"]

    assert c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": "x"}).status_code == 401
    r = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]},
               headers=bearer(sig, "kadis"))
    assert r.status_code == 403 and r.json["error"]["code"] == "not_your_request"
    r = c.post(f"/api/signature-requests/{kadis}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]},
               headers=bearer(sig, "kadis"))
    assert r.status_code == 409 and r.json["error"]["code"] == "not_your_turn"
    r = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": "salah"}, headers=bearer(sig, "kabid"))
    assert r.status_code == 403 and r.json["error"]["code"] == "bad_passphrase"

    first = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": SIGNER_PASSPHRASES["kabid"]},
                   headers=bearer(sig, "kabid"))
    assert first.status_code == 200 and first.json["status"] == "signed"
    again = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": SIGNER_PASSPHRASES["kabid"]},
                   headers=bearer(sig, "kabid"))
    assert again.status_code == 200 and again.json["result"] == first.json["result"], "the first result, once"
    r = c.post(f"/api/signature-requests/{kadis}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]},
               headers=bearer(sig, "kadis"))
    assert r.status_code == 200, r.json
    signed = r.json["result"]
    assert signed["bucket"] == Buckets.SIGNED

    archived = wait_for(lambda: (s := sk.test_client().get(f"/api/sk/{sk_id}").json)["status"] == "archived" and s)
    assert archived["signed_document"] == signed

    store = sig.extensions["naskah"].runtime.store
    data, obj = store.get(signed["bucket"], signed["key"], signed["version_id"])
    assert data.count(b"/Type /Sig") + data.count(b"/Type/Sig") >= 2
    assert store.get_retention(obj.bucket, obj.key, obj.version_id).mode == "COMPLIANCE"
    with pytest.raises(ObjectLocked):
        store.delete(obj.bucket, obj.key, obj.version_id)
    for bad in ("../etc/passwd", "sk//x.pdf"):
        r = c.get("/api/archive/versions", query_string={"key": bad})
        assert r.status_code == 422 and "key" in r.json["error"]["details"]["fields"]
    listing = c.get("/api/archive", query_string={"prefix": f"sk/{sk_id}/"}).json
    assert [o["key"] for o in listing] == [signed["key"]] and listing[0]["metadata"]["nomor"] == archived["nomor"]
    assert listing[0]["retain_until"] and listing[0]["legal_hold"] is False
    url = c.get("/api/archive/download", query_string={"key": signed["key"], "version_id": signed["version_id"]})
    import requests

    assert requests.get(url.json["url"], timeout=10).content == data

    report = c.post("/api/verify", data={"file": (io.BytesIO(data), "sk.pdf")}).json
    assert report["all_ok"]
    assert [(s["field"], s["level"], s["intact"], s["valid"], s["trusted"], s["revoked"])
            for s in report["signatures"]] == [("ttd-kabid", "B-LT", True, True, True, False),
                                               ("ttd-kadis", "B-LT", True, True, True, False)]
    page = c.get(f"/verify/{sk_id}")
    assert page.status_code == 200 and "Drs. Yohanes Rumbiak" in page.text

    tampered = bytearray(data)
    at = data.index(b"/ByteRange")
    start, length = [int(x) for x in data[at:at + 80].split(b"[")[1].split()[:2]]
    tampered[start + length // 2] ^= 0x01
    bad = c.post("/api/verify", data={"file": (io.BytesIO(bytes(tampered)), "sk.pdf")}).json
    assert not bad["all_ok"] and not bad["signatures"][0]["intact"]

    trail = sig.extensions["naskah"].signing.uow
    with trail() as uow:
        entries = uow.requests.audit_trail(document_id=sk_id)
    results = [(e["signer"], e["result"]) for e in reversed(entries)]
    assert ("kabid", "bad_passphrase") in results and results.count(("kabid", "ok")) == 1
    assert ("kadis", "ok") in results
    ok = [e for e in entries if e["result"] == "ok" and e["signer"] == "kadis"][0]
    assert ok["sha256_out"] == signed["sha256"] and len(ok["sha256_in"]) == 64
    for secret in (*SIGNER_PASSPHRASES.values(), *sig.extensions["naskah"].dev_tokens.values()):
        assert secret not in caplog.text


def test_five_wrong_passphrases_lock_the_signer_out(stack):
    sk, sig = stack
    sk_id = approved_sk(sk)
    kabid = wait_for(lambda: requests_of(sig, sk_id).get("kabid"))["id"]
    c = sig.test_client()
    for _ in range(5):
        r = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": "keliru"},
                   headers=bearer(sig, "kabid"))
        assert r.status_code == 403
    r = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": SIGNER_PASSPHRASES["kabid"]},
               headers=bearer(sig, "kabid"))
    assert r.status_code == 423 and r.json["error"]["code"] == "locked_out"
    assert c.get(f"/api/signature-requests/{kabid}").json["status"] == "pending"


def test_rejection_sends_the_sk_back(stack):
    sk, sig = stack
    sk_id = approved_sk(sk)
    kabid = wait_for(lambda: requests_of(sig, sk_id).get("kabid"))["id"]
    c = sig.test_client()
    r = c.post(f"/api/signature-requests/{kabid}/reject", json={"note": "Lampiran belum memuat NIP ketua."},
               headers=bearer(sig, "kabid"))
    assert r.status_code == 200 and r.json["status"] == "rejected"
    assert requests_of(sig, sk_id)["kadis"]["status"] == "cancelled"
    back = wait_for(lambda: (s := sk.test_client().get(f"/api/sk/{sk_id}").json)["status"] == "rejected_by_kadis"
                    and s)
    assert back["reviews"][-1]["note"] == "Lampiran belum memuat NIP ketua."
    # Fixed and approved again: the SK keeps its nomor, and signing starts over with new requests.
    c_sk = sk.test_client()
    assert c_sk.post(f"/api/sk/{sk_id}/reviews", json={"role": "kabid", **BY, "decision": "approve"}).status_code == 200
    again = c_sk.post(f"/api/sk/{sk_id}/reviews", json={"role": "kadis", **BY, "decision": "approve"}).json
    assert again["status"] == "signing" and again["nomor"] == back["nomor"]
    fresh = wait_for(lambda: (r := requests_of(sig, sk_id)).get("kabid", {}).get("status") == "pending" and r)
    assert fresh["kabid"]["id"] != kabid


def test_a_timestamp_authority_that_is_down_fails_loudly(stack, dev_pki):
    signer = PadesSigner.from_pkcs12(dev_pki.signers["kabid"].p12_path, SIGNER_PASSPHRASES["kabid"],
                                     trust_roots=[dev_pki.root_cert_pem], tsa_url="http://127.0.0.1:1/tsa")
    sk, sig = stack
    container = sig.extensions["naskah"]
    container.keyring._open = lambda account, passphrase: signer  # the real key, an unreachable TSA
    sk_id = approved_sk(sk)
    kabid = wait_for(lambda: requests_of(sig, sk_id).get("kabid"))["id"]
    r = sig.test_client().post(f"/api/signature-requests/{kabid}/sign",
                               json={"passphrase": SIGNER_PASSPHRASES["kabid"]}, headers=bearer(sig, "kabid"))
    assert r.status_code == 502 and r.json["error"]["code"] in ("timestamp_failed", "revocation_failed")
    assert sig.test_client().get(f"/api/signature-requests/{kabid}").json["status"] == "pending"
