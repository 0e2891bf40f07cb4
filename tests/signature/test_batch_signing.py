"""SOP step 8 on the real stack: a Surat Edaran to every kampung, produced in the background by sk-service
(LibreOffice), signed by the Kadis as one batch through signature-service, archived under object lock."""

from __future__ import annotations

import io
import subprocess

from naskah_shared.storage.ports import Buckets
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.flow import approved_sk, archived_sk, bearer, wait_for

KAMPUNG = [
    {"nama": "Kampung Sereh", "distrik": "Sentani", "kepala": "Yulianus Ohee"},
    {"nama": "Kampung Ifar Besar", "distrik": "Sentani", "kepala": ""},
    {"nama": "Kampung Doyo Baru", "distrik": "Waibu"},
    {"nama": "Kampung Harapan", "distrik": "Sentani Timur"},
    {"nama": "Kampung Harapan", "distrik": "Nimboran"},  # the same name elsewhere: its own letter and key
]


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_a_letter_to_every_kampung_signed_by_the_kadis_as_one_batch(stack):
    sk, sig = stack
    sk_id = archived_sk(sk, sig)
    c = sk.test_client()
    sk_nomor = c.get(f"/api/sk/{sk_id}").json["nomor"]

    r = c.post(f"/api/sk/{sk_id}/surat-edaran", json={"kampung": KAMPUNG, "batas_waktu": "2026-12-24",
                                                      "tembusan": ["Bupati Jayapura"]})
    assert r.status_code == 202, r.json
    se = r.json
    assert se["nomor"] != sk_nomor and se["progress"]["total"] == 5 and r.headers["Location"].endswith(se["id"])
    with sk.extensions["naskah"].uow() as uow:  # one gapless register for the SK and the letter
        numbers = [(a["seq"], a["sk_id"], a["surat_edaran_id"]) for a in uow.sks.nomor_assignments("DPMK", 2026)]
    assert (numbers[-2][1], numbers[-1][2]) == (sk_id, se["id"]) and numbers[-1][0] == numbers[-2][0] + 1

    se = wait_for(lambda: (s := c.get(f"/api/surat-edaran/{se['id']}").json)["status"] == "signing" and s, 120)
    assert se["progress"]["produced"] == 5
    keys = {x["kampung"]["distrik"] + "/" + x["kampung"]["nama"]: x["links"]["pdf"] for x in se["letters"]}
    assert keys["Nimboran/Kampung Harapan"].endswith("/nimboran-kampung-harapan.pdf")
    assert keys["Sentani/Kampung Sereh"].endswith("/kampung-sereh.pdf")
    text = _text(c.get(keys["Sentani/Kampung Sereh"]).data)
    for expected in ("SURAT EDARAN", se["nomor"], sk_nomor, "Kampung Sereh", "Sentani", "Yulianus Ohee",
                     "24 Desember 2026", "FORMULIR INSTRUMEN", "Bupati Jayapura", "Drs. Yohanes Rumbiak, M.Si"):
        assert expected in text, expected

    s = sig.test_client()
    batch = f"/api/signature-batches/{se['id']}"
    progress = wait_for(lambda: (r := s.get(batch, headers=bearer(sig, "kadis"))).status_code == 200 and r.json)
    assert (progress["total"], progress["pending"], progress["signed"]) == (5, 5, 0)
    page = s.get(progress["links"]["page"])  # the batch page is the Kadis's, after login (tests/pages/)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert s.get(f"/api/signature-requests/{progress['sample_request_id']}/document.pdf").data.startswith(b"%PDF")
    r = s.post(f"{batch}/sign", json={"passphrase": SIGNER_PASSPHRASES["kabid"]}, headers=bearer(sig, "kabid"))
    assert r.status_code == 404, "addressed to the Kadis only"
    r = s.post(f"{batch}/sign", json={"passphrase": "salah"}, headers=bearer(sig, "kadis"))
    assert r.status_code == 403 and r.json["error"]["code"] == "bad_passphrase"
    assert s.get(batch, headers=bearer(sig, "kadis")).json["signed"] == 0

    r = s.post(f"{batch}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]}, headers=bearer(sig, "kadis"))
    assert r.status_code == 202 and r.json["signed"] >= 1, r.json
    # A second click: while the job runs, 409 whatever the passphrase (no oracle); once it is done, the same 202.
    click = s.post(f"{batch}/sign", json={"passphrase": "apa saja"}, headers=bearer(sig, "kadis"))
    assert (click.status_code, click.json.get("error", {}).get("code") or click.json["signed"]) in (
        (409, "batch_in_progress"), (202, 5)), click.json
    done = wait_for(lambda: (p := s.get(batch, headers=bearer(sig, "kadis")).json)["signed"] == 5
                    and not p["running"] and p, 120)
    assert done["pending"] == 0 and done["error"] is None
    again = s.post(f"{batch}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]}, headers=bearer(sig, "kadis"))
    assert again.status_code == 202 and again.json["signed"] == 5

    se = wait_for(lambda: (x := c.get(f"/api/surat-edaran/{se['id']}").json)["status"] == "signed" and x)
    store = sig.extensions["naskah"].runtime.store
    for letter in se["letters"]:
        ref = letter["signed_document"]
        assert ref["bucket"] == Buckets.SIGNED and ref["key"].startswith(f"bulk/{se['id']}/")
        assert store.get_retention(ref["bucket"], ref["key"], ref["version_id"]).mode == "COMPLIANCE"
    with sig.extensions["naskah"].signing.uow() as uow:
        signed_ok = [a for a in uow.requests.audit_trail(limit=1000)
                     if a["action"] == "sign" and a["result"] == "ok" and a["signer"] == "kadis"]
    assert len({a["document_id"] for a in signed_ok} & {x["id"] for x in se["letters"]}) == 5
    assert len([a for a in signed_ok if a["document_id"] in {x["id"] for x in se["letters"]}]) == 5, "once each"

    pdf = c.get(keys["Nimboran/Kampung Harapan"]).data
    report = s.post("/api/verify", data={"file": (io.BytesIO(pdf), "se.pdf")}).json
    assert report["all_ok"] and [x["field"] for x in report["signatures"]] == ["ttd-kadis"]


def test_a_surat_edaran_needs_an_archived_sk_and_clean_input(stack):
    sk, _ = stack
    c = sk.test_client()
    good = {"kampung": KAMPUNG[:2], "batas_waktu": "2026-12-24"}
    sk_id = approved_sk(sk)  # still being signed
    r = c.post(f"/api/sk/{sk_id}/surat-edaran", json=good)
    assert r.status_code == 409 and "archived" in r.json["error"]["message"]
    assert c.post("/api/sk/no-such-sk/surat-edaran", json=good).status_code == 404
    for body, field in (({**good, "kampung": []}, "kampung"),
                        ({**good, "kampung": [KAMPUNG[0], dict(KAMPUNG[0])]}, "kampung"),
                        ({**good, "kampung": [{"nama": "Kampung Sereh"}]}, "kampung"),
                        ({"kampung": KAMPUNG[:1]}, "batas_waktu"),
                        ({**good, "batas_waktu": "besok"}, "batas_waktu")):
        r = c.post(f"/api/sk/{sk_id}/surat-edaran", json=body)
        assert r.status_code == 422 and field in str(r.json["error"]["details"]), (body, r.json)
    assert c.get("/api/surat-edaran/no-such-batch").status_code == 404


def test_the_kadis_refuses_a_batch_with_a_note(stack):
    sk, sig = stack
    sk_id = archived_sk(sk, sig)
    c, s = sk.test_client(), sig.test_client()
    se = c.post(f"/api/sk/{sk_id}/surat-edaran", json={"kampung": KAMPUNG[:2], "batas_waktu": "2026-12-24"}).json
    batch = f"/api/signature-batches/{se['id']}"
    wait_for(lambda: s.get(batch).status_code == 200, 120)
    note = "Batas waktu terlalu singkat; beri waktu sampai akhir Januari."
    r = s.post(f"{batch}/reject", json={"note": note}, headers=bearer(sig, "kadis"))
    assert r.status_code == 200 and (r.json["rejected"], r.json["pending"], r.json["signed"]) == (2, 0, 0)
    refused = wait_for(lambda: (x := c.get(f"/api/surat-edaran/{se['id']}").json)["status"] == "rejected"
                       and all(letter["status"] == "rejected" for letter in x["letters"]) and x)
    assert refused["note"] == note
    r = s.post(f"{batch}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]}, headers=bearer(sig, "kadis"))
    assert r.status_code == 409 and r.json["error"]["code"] == "request_closed"
    assert s.post(f"{batch}/reject", json={"note": ""}, headers=bearer(sig, "kadis")).status_code == 422
