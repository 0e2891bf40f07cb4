"""Signing through BSrE's Esign Client Service, against the loopback BSrE (a TEST-ONLY server that follows
BSrE's guide and signs with real keys from a TEST-ONLY CA named like BSrE's): the whole SK with both
signers on BSrE (checked by pyHanko and by poppler's pdfsig), the lockout, a signer BSrE will not let sign,
a busy or silent BSrE, an answer naskah cannot use, TOTP, the v1 API, B-LTA."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from naskah_shared.office import BSRE_FOOTER
from signature_service.adapters.bsre import BsreSigner, LtvAugmenter, prepared_field
from signature_service.adapters.bsre_client import BsreClient, BsreConfig
from signature_service.adapters.verification import PadesVerifier
from signature_service.app import create_app as signature_app
from signature_service.consumers import on_signature_requested
from signature_service.pki.bsre_loopback import DEFAULT_USERS, LoopbackBsre, dev_signers_file
from signature_service.pki.bsrepki import BsrePki
from signature_service.pki.devpki import SIGNER_PASSPHRASES, AnimatorServer, free_loopback_port
from signature_service.service_layer.ports import SignatureLevel, SigningError, SigningErrorCode, StampText
from sk_service.app import create_app as sk_app
from tests.conftest import keyed
from tests.flow import approved_sk, bearer, requests_of, sign, wait_for

BSRE_USER, BSRE_PASSWORD = "naskah-test", "bsre-client-test-password"  # TEST ONLY
STAMP = StampText("Kepala Bidang Layanan Komunikasi dan Informatika", "Rahmi Suryantari, ST, M.Si", "Pembina (IV/a)")


@pytest.fixture(scope="module")
def bsre_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BsrePki]:
    pki = BsrePki.ensure(tmp_path_factory.mktemp("bsre-pki"), base_url=f"http://127.0.0.1:{free_loopback_port()}")
    animator: AnimatorServer = pki.serve_animator()
    yield pki
    animator.stop()


@pytest.fixture(scope="module")
def bsre_server(bsre_pki: BsrePki) -> Iterator[LoopbackBsre]:
    server = LoopbackBsre(bsre_pki, username=BSRE_USER, password=BSRE_PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def bsre(bsre_server: LoopbackBsre) -> Iterator[LoopbackBsre]:
    """The module's loopback BSrE with its knobs and users reset after each test."""
    yield bsre_server
    bsre_server.delay, bsre_server.fail_next = 0.0, []
    for user in bsre_server.users.values():
        user.status = "ISSUE"


def _client(server: LoopbackBsre, **overrides) -> BsreClient:
    config = {"url": server.url, "user": BSRE_USER, "password": BSRE_PASSWORD, "api": "v2", "timeout": 5.0,
              "retries": 2, "backoff": 0.05, **overrides}
    return BsreClient(BsreConfig(**config))


@pytest.fixture
def bsre_stack(real_stack, bsre: LoopbackBsre, bsre_pki: BsrePki, tmp_path: Path):
    """sk-service and signature-service on the real stack, the Kabid and the Kadis signing through BSrE."""
    signers, tokens = dev_signers_file(tmp_path / "signers")
    sk = keyed(sk_app(real_stack(converters=1), migrate=True))
    sig = keyed(signature_app(real_stack(
        signers_file=str(signers), trust_roots=str(bsre_pki.root_cert_pem), tsa_url=bsre_pki.tsa_url,
        bsre_url=bsre.url, bsre_user=BSRE_USER, bsre_password=BSRE_PASSWORD, bsre_api="v2", bsre_timeout=3.0,
        bsre_retries=2, bsre_backoff=0.05, signature_level="B-LT", lockout_attempts=5, lockout_minutes=15),
        migrate=True))
    sig.extensions["naskah"].dev_tokens = tokens  # so tests.flow's bearer() finds them
    for app in (sk, sig):
        app.extensions["naskah"].runtime.start()
    yield sk, sig
    for app in (sk, sig):
        app.extensions["naskah"].close()


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdfsig", "-no-ocsp", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout


def _pending(sig, sk_id: str) -> dict[str, dict]:
    return wait_for(lambda: len(r := requests_of(sig, sk_id)) == 2 and r)


def test_the_sk_signed_by_the_kabid_then_the_kadis_through_bsre(bsre_stack, bsre, bsre_pki, tmp_path, caplog):
    sk, sig = bsre_stack
    sk_id = approved_sk(sk)
    reqs = _pending(sig, sk_id)
    calls = bsre.sign_calls
    for who in ("kabid", "kadis"):
        r = sign(sig, reqs[who]["id"], who)
        assert r.status_code == 200, r.json
    assert bsre.sign_calls == calls + 2
    archived = wait_for(lambda: (s := sk.test_client().get(f"/api/sk/{sk_id}").json)["status"] == "archived" and s)
    ref = archived["signed_document"]
    store = sig.extensions["naskah"].runtime.store
    pdf, _ = store.get(ref["bucket"], ref["key"], ref["version_id"])

    report = sig.test_client().post("/api/verify", data={"file": (io.BytesIO(pdf), "sk.pdf")}).json
    assert report["all_ok"], report
    assert [(s["signer_name"], s["level"], s["intact"], s["valid"], s["trusted"]) for s in report["signatures"]] \
        == [("Rahmi Suryantari, ST, M.Si", "B-LT", True, True, True),
            ("Drs. Yohanes Rumbiak, M.Si", "B-LT", True, True, True)]
    assert all(s["field"].startswith("sig_") for s in report["signatures"]), "BSrE's own fields"

    out = _pdfsig(pdf, tmp_path)
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Rahmi Suryantari" in out and "Yohanes Rumbiak" in out and "ETSI.CAdES.detached" in out

    # signed with BSrE certificates: the footer naming the issuer is on every page, though the office's
    # tata_naskah.catatan_tte is off (the signing side turns it on), and it is under both signatures
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True,
                                   check=True, timeout=60).stdout.split())
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert text.count(BSRE_FOOTER) == pages > 1, text

    # the Kabid's stamp sits where the template put her anchor, in the box naskah prepared
    with sig.extensions["naskah"].signing.uow() as uow:
        trail = uow.requests.audit_trail(document_id=sk_id)
    ok = [e for e in trail if e["result"] == "ok"]
    assert len(ok) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", e["remote_ref"] or "") for e in ok), ok
    for secret in (BSRE_PASSWORD, *SIGNER_PASSPHRASES.values()):
        assert secret not in caplog.text


def test_five_wrong_passphrases_at_bsre_lock_the_signer_out(bsre_stack, bsre):
    sk, sig = bsre_stack
    sk_id = approved_sk(sk)
    kabid = _pending(sig, sk_id)["kabid"]["id"]
    c = sig.test_client()
    calls = bsre.sign_calls
    for _ in range(5):
        r = c.post(f"/api/signature-requests/{kabid}/sign", json={"passphrase": "keliru"}, headers=bearer(sig, "kabid"))
        assert r.status_code == 403 and r.json["error"]["code"] == "bad_passphrase", r.json
        assert r.json["error"]["details"]["bsre_code"] == 2031
    assert bsre.sign_calls == calls + 5, "BSrE's 2031 is never retried"
    r = sign(sig, kabid, "kabid")
    assert r.status_code == 423 and r.json["error"]["code"] == "locked_out"
    assert bsre.sign_calls == calls + 5, "a locked-out signer's passphrase never reaches BSrE"
    assert c.get(f"/api/signature-requests/{kabid}").json["status"] == "pending"


def test_an_expired_signer_is_refused_before_any_passphrase(bsre_stack, bsre):
    sk, sig = bsre_stack
    sk_id = approved_sk(sk)
    kabid = _pending(sig, sk_id)["kabid"]["id"]
    signing = sig.extensions["naskah"].signing
    assert signing.signer_status("kabid").can_sign
    bsre.user("kabid").status = "EXPIRED"
    status = signing.signer_status("kabid")
    assert (status.can_sign, status.status, status.backend) == (False, "EXPIRED", "bsre")
    assert "berakhir" in status.message
    calls = bsre.sign_calls
    for _ in range(6):  # refused each time, and never counted as a wrong passphrase
        r = sign(sig, kabid, "kabid")
        assert r.status_code == 409 and r.json["error"]["code"] == "signer_not_eligible", r.json
        assert r.json["error"]["details"]["status"] == "EXPIRED" and "berakhir" in r.json["error"]["message"]
    assert bsre.sign_calls == calls, "the passphrase was never sent to BSrE"
    bsre.user("kabid").status = "ISSUE"
    assert sign(sig, kabid, "kabid").status_code == 200


def test_a_busy_bsre_is_retried_then_a_503_with_retry_after(bsre_stack, bsre):
    sk, sig = bsre_stack
    sk_id = approved_sk(sk)
    kabid = _pending(sig, sk_id)["kabid"]["id"]
    calls = bsre.sign_calls
    bsre.fail_next = [429, 429, 429]  # more than the two retries
    r = sign(sig, kabid, "kabid")
    assert r.status_code == 503 and r.json["error"]["code"] == "bsre_unavailable", r.json
    assert int(r.headers["Retry-After"]) >= 1 and "BSrE" in r.json["error"]["message"]
    assert bsre.sign_calls == calls + 3
    bsre.fail_next = [429]  # one 429, then BSrE signs
    r = sign(sig, kabid, "kabid")
    assert r.status_code == 200, r.json
    assert bsre.sign_calls == calls + 5


def test_a_silent_bsre_times_out_into_a_503(bsre_stack, bsre):
    sk, sig = bsre_stack
    sk_id = approved_sk(sk)
    kabid = _pending(sig, sk_id)["kabid"]["id"]
    bsre.delay = 4.0  # past the 3 s timeout, three times
    r = sign(sig, kabid, "kabid")
    assert r.status_code == 503 and r.json["error"]["code"] == "bsre_unavailable", r.json
    assert "no answer within 3 s" in r.json["error"]["message"]
    bsre.delay = 0.0
    assert sig.test_client().get(f"/api/signature-requests/{kabid}").json["status"] == "pending"
    assert sign(sig, kabid, "kabid").status_code == 200


# -- the adapter against the loopback BSrE, without the stack --------------------------------------------------


@pytest.fixture(scope="module")
def augmenter(bsre_pki: BsrePki) -> LtvAugmenter:
    return LtvAugmenter(trust_roots=[bsre_pki.root_cert_pem], tsa_url=bsre_pki.tsa_url)


@pytest.fixture(scope="module")
def bsre_verifier(bsre_pki: BsrePki) -> PadesVerifier:
    return PadesVerifier([bsre_pki.root_cert_pem], allow_fetching=False)


def _kabid_key(**extra) -> dict:
    return {"type": "bsre", "nik": DEFAULT_USERS["kabid"][0], **extra}


def test_v1_multipart_signs_visibly_in_the_prepared_box_and_b_lta_on_top(bsre, augmenter, bsre_verifier, sk_pdf):
    client = _client(bsre, api="v1")
    signer = BsreSigner.open(client, _kabid_key(), SIGNER_PASSPHRASES["kabid"], augmenter=augmenter)
    box = prepared_field(sk_pdf, "kabid")
    assert box is not None
    signed = signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_LTA, stamp=STAMP,
                         qr_url="http://127.0.0.1:8080/signatures/verify/x")
    assert signed.startswith(sk_pdf) and re.fullmatch(r"[0-9a-f]{32}", signer.receipts[0])
    [report] = bsre_verifier.verify(signed)
    assert (report.intact, report.valid, report.trusted, report.level) == (True, True, True, SignatureLevel.B_LTA)
    assert report.signer_nip == "197803122005022001"


def test_a_wrong_passphrase_an_unknown_nik_and_answers_naskah_cannot_use(bsre, augmenter, sk_pdf):
    client = _client(bsre)
    wrong = BsreSigner(client, _kabid_key(), "keliru", augmenter=augmenter)
    with pytest.raises(SigningError) as e:
        wrong.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert e.value.code is SigningErrorCode.BAD_PASSPHRASE
    with pytest.raises(SigningError) as e:
        BsreSigner.open(client, {"type": "bsre", "nik": "9171010101010009"}, "x", augmenter=augmenter)
    assert e.value.code is SigningErrorCode.SIGNER_NOT_ELIGIBLE and e.value.details["status"] == "NOT_REGISTERED"
    unknown = BsreSigner(client, {"type": "bsre", "nik": "9171010101010009"}, "x", augmenter=augmenter)
    with pytest.raises(SigningError) as e:  # straight to the sign call: BSrE's 2011
        unknown.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert e.value.code is SigningErrorCode.SIGNER_NOT_ELIGIBLE and e.value.details["bsre_code"] == 2011
    bsre.fail_next = [500]
    good = BsreSigner(client, _kabid_key(), SIGNER_PASSPHRASES["kabid"], augmenter=augmenter)
    with pytest.raises(SigningError) as e:
        good.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert e.value.code is SigningErrorCode.BSRE_BAD_ANSWER and "BSrE" in e.value.message
    assert e.value.details["bsre_http_status"] == 500
    with pytest.raises(SigningError) as e:
        BsreClient(BsreConfig(url=bsre.url, user=BSRE_USER, password="salah", retries=0)).status({"nik": "1" * 16})
    assert e.value.code is SigningErrorCode.BSRE_BAD_ANSWER and "credential" in e.value.message
    assert "salah" not in str(e.value) and BSRE_PASSWORD not in str(e.value)


def test_a_document_rewritten_by_bsre_is_refused(bsre, augmenter, sk_pdf, monkeypatch):
    client = _client(bsre)
    signer = BsreSigner(client, _kabid_key(), SIGNER_PASSPHRASES["kabid"], augmenter=augmenter)
    real = client.sign_v2

    def rewritten(*args, **kwargs):
        files, ids = real(*args, **kwargs)
        return [f.replace(b"%PDF-1.", b"%PDF-2.", 1) for f in files], ids

    monkeypatch.setattr(client, "sign_v2", rewritten)
    with pytest.raises(SigningError) as e:
        signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert e.value.code is SigningErrorCode.BSRE_BAD_ANSWER and "incremental" in e.value.message


def test_totp_instead_of_a_passphrase(bsre, augmenter, bsre_verifier, sk_pdf):
    client = _client(bsre)
    email = DEFAULT_USERS["kabid"][1]
    key = {"type": "bsre", "email": email, "credential": "totp"}
    client.request_totp({"email": email}, 1)
    code = bsre.outbox[email][-1]
    signed = BsreSigner.open(client, key, code, augmenter=augmenter).sign(sk_pdf, field="kabid",
                                                                          level=SignatureLevel.B_LT, stamp=STAMP)
    [report] = bsre_verifier.verify(signed)
    assert report.ok and report.level is SignatureLevel.B_LT
    with pytest.raises(SigningError) as e:  # used once
        BsreSigner(client, key, code, augmenter=augmenter).sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert e.value.code is SigningErrorCode.BAD_PASSPHRASE


def test_a_batch_of_50_letters_goes_to_bsre_in_chunks(bsre_stack, bsre, bsre_verifier, tmp_path):
    """SOP step 8's letters, as sk-service asks for them (one signature.requested naming 50 documents of one
    batch): the first is signed in the request, the other 49 in chunks of NASKAH_BSRE_CHUNK (10) per v2 call."""
    import math
    import uuid

    from naskah_shared.messages import Envelope
    from naskah_shared.storage.ports import Buckets
    from signature_service.pki.sample_pdf import sk_sample_pdf

    _, sig = bsre_stack
    container = sig.extensions["naskah"]
    store, batch_id = container.runtime.store, str(uuid.uuid4())
    store.ensure_bucket(Buckets.DRAFTS)
    letter = sk_sample_pdf()
    documents = []
    for n in range(50):
        doc_id = str(uuid.uuid4())
        ref = store.put(Buckets.DRAFTS, f"letter/{doc_id}/letter.pdf", letter, content_type="application/pdf")
        documents.append({"document_id": doc_id, "title": f"Surat Edaran kampung {n + 1}", "document": ref.ref(),
                          "archive_key": f"bulk/{batch_id}/kampung-{n + 1:02d}.pdf"})
    on_signature_requested(container.signing, Envelope(type="signature.requested", producer="tests", payload={
        "kind": "letter", "batch_id": batch_id, "signers": ["kadis"], "documents": documents,
        "nomor": "400.10/002/DPMK/2026"}))
    calls, files = bsre.sign_calls, bsre.files_signed
    c = sig.test_client()
    r = c.post(f"/api/signature-batches/{batch_id}/sign", json={"passphrase": SIGNER_PASSPHRASES["kadis"]},
               headers=bearer(sig, "kadis"))
    assert r.status_code in (200, 202), r.json
    seen = []

    def done():
        progress = c.get(f"/api/signature-batches/{batch_id}", headers=bearer(sig, "kadis")).json
        seen.append(progress["signed"])
        return progress["signed"] == 50 and not progress["running"] and progress

    progress = wait_for(done, 240)
    assert progress["error"] is None and progress["pending"] == 0
    assert bsre.files_signed - files == 50
    assert bsre.sign_calls - calls == 1 + math.ceil(49 / 10), "one call for the first, then chunks of ten"
    assert len(set(seen)) > 2, f"progress as it signs: {sorted(set(seen))}"

    with container.signing.uow() as uow:
        trail = [e for e in uow.requests.audit_trail(limit=500) if e["result"] == "ok" and e["signer"] == "kadis"
                 and e["document_id"] in {d["document_id"] for d in documents}]
    assert len(trail) == 50 and len({e["remote_ref"] for e in trail}) == 50, "one id_dokumen per letter"
    with container.signing.uow() as uow:
        req = uow.requests.for_batch(batch_id, signer="kadis")[-1]
    pdf, _ = store.get(req.result["bucket"], req.result["key"], req.result["version_id"])
    assert req.result["key"].startswith(f"bulk/{batch_id}/kampung-")
    [report] = bsre_verifier.verify(pdf)
    assert report.ok and report.level is SignatureLevel.B_LT and report.signer_name == "Drs. Yohanes Rumbiak, M.Si"
    assert _pdfsig(pdf, tmp_path).count("Signature Validation: Signature is Valid.") == 1


def test_the_signing_page_says_why_a_bsre_signer_cannot_sign_instead_of_asking(bsre_stack, bsre):
    from tests.pages.conftest import PASSWORD, csrf_of, logged_in

    sk, sig = bsre_stack
    container = sig.extensions["naskah"]
    account = container.accounts["kabid"]
    person = container.people.add(username="kabid", password=PASSWORD, role="kabid", nama=account.nama,
                                  nip=account.nip, jabatan=account.jabatan, pangkat=account.pangkat,
                                  signer_id="kabid")
    kabid = logged_in(sig, person)
    request_id = _pending(sig, approved_sk(sk))["kabid"]["id"]
    page = kabid.get(f"/sign/{request_id}")
    assert page.status_code == 200 and 'name="passphrase"' in page.text and "dibuat oleh BSrE" in page.text
    bsre.user("kabid").status = "SUSPEND"
    page = kabid.get(f"/sign/{request_id}")
    assert page.status_code == 200 and 'name="passphrase"' not in page.text
    assert "ditangguhkan (suspend)" in page.text and 'name="note"' in page.text, "refusing is still possible"
    calls = bsre.sign_calls
    posted = kabid.post(f"/sign/{request_id}", data={"action": "sign", "passphrase": SIGNER_PASSPHRASES["kabid"],
                                                     "csrf_token": csrf_of(page.text)})
    assert posted.status_code == 409 and "BSrE belum mengizinkan" in posted.text and bsre.sign_calls == calls


def test_totp_through_the_api_for_an_account_set_up_for_it(bsre_stack, bsre):
    import dataclasses

    sk, sig = bsre_stack
    container = sig.extensions["naskah"]
    kabid = container.accounts["kabid"]
    container.accounts["kabid"] = dataclasses.replace(kabid, key={**kabid.key, "credential": "totp"})
    reqs = _pending(sig, approved_sk(sk))
    request_id = reqs["kabid"]["id"]
    c = sig.test_client()
    status = c.get(f"/api/signature-requests/{request_id}/signer-status", headers=bearer(sig, "kabid"))
    assert status.status_code == 200 and status.json["can_sign"] and status.json["status"] == "ISSUE"
    sent = c.post(f"/api/signature-requests/{request_id}/totp", headers=bearer(sig, "kabid"))
    assert sent.status_code == 202 and sent.json == {"sent": True, "channel": "email", "backend": "bsre", "files": 1}
    code = bsre.outbox[DEFAULT_USERS["kabid"][1]][-1]
    wrong = c.post(f"/api/signature-requests/{request_id}/sign", json={"passphrase": "000000" if code != "000000"
                                                                       else "111111"}, headers=bearer(sig, "kabid"))
    assert wrong.status_code == 403 and wrong.json["error"]["code"] == "bad_passphrase"
    r = c.post(f"/api/signature-requests/{request_id}/sign", json={"passphrase": code}, headers=bearer(sig, "kabid"))
    assert r.status_code == 200 and r.json["status"] == "signed", r.json
    r = c.post(f"/api/signature-requests/{reqs['kadis']['id']}/totp", headers=bearer(sig, "kadis"))
    assert r.status_code == 409 and r.json["error"]["code"] == "not_a_totp_account", "the Kadis uses a passphrase"


def test_the_status_for_a_page_is_quick_and_says_when_bsre_cannot_be_reached(bsre):
    import time

    from signature_service.adapters.accounts import status_checker
    from signature_service.service_layer.accounts import SignerAccount

    account = SignerAccount(id="kabid", role="kabid", jabatan=STAMP.jabatan, nama=STAMP.nama, pangkat=STAMP.pangkat,
                            nip="197803122005022001", token_sha256="0" * 64, key=_kabid_key())
    assert status_checker(_client(bsre))(account).can_sign
    bsre.delay = 0.0
    gone = BsreClient(BsreConfig(url=f"http://127.0.0.1:{free_loopback_port()}", user="u", password="p",
                                 timeout=30.0, retries=5, backoff=1.0))
    started = time.monotonic()
    status = status_checker(gone)(account)
    assert (status.can_sign, status.status) == (False, "UNAVAILABLE") and "BSrE" in status.message
    assert time.monotonic() - started < 6, "one attempt, no retries, while a page waits"
    assert status_checker(None)(account).status == "NOT_CONFIGURED"


def test_the_stamp_bsre_draws_is_the_offices_at_the_prepared_boxes_with_a_working_qr(bsre, augmenter, sk_pdf,
                                                                                    tmp_path):
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    url = "http://127.0.0.1:8080/signatures/verify/0b9d1c3e"
    client = _client(bsre)
    kadis_stamp = StampText("Kepala Dinas Pemberdayaan Masyarakat dan Kampung", "Drs. Yohanes Rumbiak, M.Si",
                            "Pembina Utama Muda (IV/c)")
    once = BsreSigner.open(client, _kabid_key(), SIGNER_PASSPHRASES["kabid"], augmenter=augmenter).sign(
        sk_pdf, field="kabid", level=SignatureLevel.B_B, stamp=STAMP, qr_url=url)
    twice = BsreSigner.open(client, {"type": "bsre", "nik": DEFAULT_USERS["kadis"][0]}, SIGNER_PASSPHRASES["kadis"],
                            augmenter=augmenter).sign(once, field="kadis", level=SignatureLevel.B_B,
                                                      stamp=kadis_stamp, qr_url=url)
    widgets = {}
    for index, page in enumerate(PdfReader(io.BytesIO(twice)).pages):
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            widgets[str(a.get("/T"))] = (index, [float(v) for v in a["/Rect"]])
    bsre_fields = sorted(name for name in widgets if name.startswith("sig_"))
    assert len(bsre_fields) == 2
    for prepared, made in zip(("kabid", "kadis"), bsre_fields, strict=True):
        box = prepared_field(sk_pdf, prepared)
        assert widgets[made][0] == box.page and widgets[made][1] == pytest.approx(list(box.box), abs=1)
    path = tmp_path / "stamped.pdf"
    path.write_bytes(twice)
    page = widgets[bsre_fields[0]][0] + 1
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(page), "-l", str(page), str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    (png,) = tmp_path.glob("page*.png")
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [url, url]


def test_verification_reports_the_level_bsre_and_naskah_reached(bsre, augmenter, bsre_verifier, sk_pdf):
    """BSrE's output is PAdES B-T (its own timestamp, no DSS): naskah adds nothing below B-LT, and the
    verification says B-T, not the level asked for."""
    signer = BsreSigner.open(_client(bsre), _kabid_key(), SIGNER_PASSPHRASES["kabid"], augmenter=augmenter)
    for asked, reached in ((SignatureLevel.B_B, SignatureLevel.B_T), (SignatureLevel.B_T, SignatureLevel.B_T),
                           (SignatureLevel.B_LT, SignatureLevel.B_LT)):
        [report] = bsre_verifier.verify(signer.sign(sk_pdf, field="kabid", level=asked, stamp=STAMP))
        assert report.level is reached and report.timestamp_time is not None, asked


def test_the_loopback_follows_the_guide_basic_auth_download_once_and_verify(bsre, sk_pdf):
    import base64

    import requests

    auth = (BSRE_USER, BSRE_PASSWORD)
    form = {"nik": DEFAULT_USERS["kabid"][0], "passphrase": SIGNER_PASSPHRASES["kabid"], "tampilan": "invisible"}
    pdf = {"file": ("sk.pdf", sk_pdf, "application/pdf")}
    assert requests.post(f"{bsre.url}/api/sign/pdf", data=form, files=pdf, timeout=30).status_code == 401
    r = requests.post(f"{bsre.url}/api/sign/pdf", data=form, files=pdf, auth=auth, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    doc = r.headers["id_dokumen"]
    once = requests.get(f"{bsre.url}/api/sign/download/{doc}", auth=auth, timeout=10)
    assert once.status_code == 200 and once.content == r.content
    assert requests.get(f"{bsre.url}/api/sign/download/{doc}", auth=auth, timeout=10).status_code == 404
    v1 = requests.post(f"{bsre.url}/api/sign/verify", files={"signed_file": ("sk.pdf", r.content)}, auth=auth,
                       timeout=30).json()
    assert v1["jumlah_signature"] == 1 and v1["summary"] == "VALID"
    assert v1["details"][0]["signature_document"]["document_integrity"] is True
    assert v1["details"][0]["signature_document"]["signed_using_tsa"] is True
    v2 = requests.post(f"{bsre.url}/api/v2/verify/pdf", json={"file": base64.b64encode(r.content).decode()},
                       auth=auth, timeout=30).json()
    assert v2["conclusion"] == "VALID" and v2["signatureCount"] == 1
    assert v2["signatureInformations"][0]["integrityValid"] and v2["signatureInformations"][0]["certificateTrusted"]
    status = requests.post(f"{bsre.url}/api/v2/user/check/status", json={"email": "siapa@dpmk.test"}, auth=auth,
                           timeout=10).json()
    assert status["status"] == "NOT_REGISTERED"
