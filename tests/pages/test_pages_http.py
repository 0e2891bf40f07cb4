"""The signing, verification and archive pages over HTTP (Flask's client) on the real stack: who sees what,
the Indonesian messages, headers, escaping, CSRF. The browser tests (test_browser.py) drive the same pages
in Chromium."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace

from naskah_shared.web.ratelimit import RateLimiter
from signature_service.consumers import on_signature_requested
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from signature_service.service_layer.archive import csv_cell
from tests.flow import approved_sk, requests_of, wait_for
from tests.pages.conftest import csrf_of, logged_in

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def _pending(sk, sig):
    sk_id = approved_sk(sk)
    return sk_id, wait_for(lambda: len(r := requests_of(sig, sk_id)) == 2 and r)


def test_a_signer_signs_on_the_page_and_sees_the_stamp_and_indonesian_messages(stack, people):
    sk, sig = stack
    sk_id, reqs = _pending(sk, sig)
    kabid, kadis = logged_in(sig, people["kabid"]), logged_in(sig, people["kadis"])
    page = kabid.get(f"/sign/{reqs['kabid']['id']}")
    assert page.status_code == 200 and "menunggu tanda tangan Anda" in page.text and 'lang="id"' in page.text
    headers = page.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in page.text.replace('<script src="', "") and " style=" not in page.text
    image = kabid.get(f"/sign/{reqs['kabid']['id']}/halaman/1.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG") and image.mimetype == "image/png"

    # another signer's document does not exist for them, nor its page images; nobody logged in goes to login
    assert kadis.get(f"/sign/{reqs['kabid']['id']}").status_code == 404
    assert kadis.get(f"/sign/{reqs['kabid']['id']}/halaman/1.png").status_code == 404
    assert sig.test_client().get(f"/sign/{reqs['kabid']['id']}").status_code == 302

    token = csrf_of(page.text)
    refused = kabid.post(f"/sign/{reqs['kabid']['id']}", data={"action": "sign",
                                                               "passphrase": SIGNER_PASSPHRASES["kabid"]})
    assert refused.status_code == 403, "a POST without the CSRF token is refused"
    wrong = kabid.post(f"/sign/{reqs['kabid']['id']}", data={"action": "sign", "passphrase": "salah",
                                                             "csrf_token": token})
    assert wrong.status_code == 403 and "Passphrase kunci salah" in wrong.text
    assert SIGNER_PASSPHRASES["kabid"] not in wrong.text
    done = kabid.post(f"/sign/{reqs['kabid']['id']}", data={"action": "sign", "csrf_token": token,
                                                            "passphrase": SIGNER_PASSPHRASES["kabid"]})
    assert done.status_code == 303, re.findall(r"pesan bad[^<]*<", done.text)
    after = kabid.get(done.headers["Location"])
    assert "berhasil ditandatangani" in after.text and "sudah ditandatangani" in after.text
    signed_ref = sig.extensions["naskah"].signing.request(reqs["kabid"]["id"]).result
    assert signed_ref["sha256"][:16] in after.text, "the page images are those of the signed PDF"
    again = kabid.post(f"/sign/{reqs['kabid']['id']}", data={"action": "sign", "csrf_token": token,
                                                             "passphrase": SIGNER_PASSPHRASES["kabid"]})
    assert again.status_code == 409 and "sudah ditandatangani sebelumnya" in again.text

    kadis_page = kadis.get(f"/sign/{reqs['kadis']['id']}")
    kadis_token = csrf_of(kadis_page.text)
    for _ in range(5):
        kadis.post(f"/sign/{reqs['kadis']['id']}", data={"action": "sign", "passphrase": "salah",
                                                         "csrf_token": kadis_token})
    locked = kadis.post(f"/sign/{reqs['kadis']['id']}", data={"action": "sign", "csrf_token": kadis_token,
                                                              "passphrase": SIGNER_PASSPHRASES["kadis"]})
    assert locked.status_code == 423 and "dikunci sampai" in locked.text and " WIT" in locked.text


def test_a_rejection_note_and_names_show_as_text(stack, people):
    sk, sig = stack
    _, reqs = _pending(sk, sig)
    kabid = logged_in(sig, people["kabid"])
    token = csrf_of(kabid.get(f"/sign/{reqs['kabid']['id']}").text)
    r = kabid.post(f"/sign/{reqs['kabid']['id']}", data={"action": "reject", "note": HOSTILE, "csrf_token": token})
    assert r.status_code == 303
    page = kabid.get(r.headers["Location"]).text
    assert "ditolak" in page and "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "<img src=x" not in page
    container = sig.extensions["naskah"]
    hostile = container.people.add(username="aneh", password="kata-sandi-uji-123", role="arsiparis", nama=HOSTILE)
    archive = logged_in(sig, hostile).get("/arsip?q=" + HOSTILE)
    assert archive.status_code == 200 and "<script>alert" not in archive.text and "<img src=x" not in archive.text


def test_the_verification_page_the_archive_and_uploads(stack, people):
    sk, sig = stack
    sk_id, reqs = _pending(sk, sig)
    for who in ("kabid", "kadis"):
        c = logged_in(sig, people[who])
        token = csrf_of(c.get(f"/sign/{reqs[who]['id']}").text)
        assert c.post(f"/sign/{reqs[who]['id']}", data={"action": "sign", "csrf_token": token,
                                                        "passphrase": SIGNER_PASSPHRASES[who]}).status_code == 303
    public = sig.test_client()
    page = public.get(f"/verify/{sk_id}")
    assert page.status_code == 200
    assert "Dokumen asli dan tidak berubah sejak ditandatangani." in page.text
    assert "Drs. Yohanes Rumbiak, M.Si" in page.text and "Pembina (IV/a)" in page.text
    assert "tanda tangan elektronik jangka panjang, PAdES B-LT" in page.text and " WIT" in page.text
    assert public.get("/verify/00000000-0000-0000-0000-000000000000").status_code == 404

    archived = sig.extensions["naskah"].archive.document(sk_id)
    data, _ = sig.extensions["naskah"].runtime.store.get(archived.ref["bucket"], archived.ref["key"],
                                                         archived.ref["version_id"])
    token = csrf_of(page.text)
    same = public.post(f"/verify/{sk_id}", data={"csrf_token": token, "berkas": (io.BytesIO(data), "sk.pdf")})
    assert same.status_code == 200 and "sama persis (byte demi byte)" in same.text
    tampered = bytearray(data)
    at = data.index(b"/ByteRange")
    start, length = [int(x) for x in data[at:at + 80].split(b"[")[1].split()[:2]]
    tampered[start + length // 2] ^= 0x01
    bad = public.post(f"/verify/{sk_id}", data={"csrf_token": token,
                                                "berkas": (io.BytesIO(bytes(tampered)), "sk.pdf")})
    assert "Dokumen telah diubah sesudah ditandatangani." in bad.text and "tidak sama dengan" in bad.text
    notpdf = public.post(f"/verify/{sk_id}", data={"csrf_token": token, "berkas": (io.BytesIO(b"hello"), "x.pdf")})
    assert notpdf.status_code == 422 and "bukan PDF" in notpdf.text
    # the page shares the public verification's limiter (NASKAH_VERIFY_RATE_*); a tight one for the test
    sig.extensions["naskah"].verify_limiter = RateLimiter(per_minute=6, burst=3)
    statuses = [public.post(f"/verify/{sk_id}", data={"csrf_token": token, "berkas": (io.BytesIO(b"x"), "x")})
                .status_code for _ in range(8)]
    assert 429 in statuses
    limited = public.post(f"/verify/{sk_id}", data={"csrf_token": token, "berkas": (io.BytesIO(b"x"), "x")})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert public.get(f"/verify/{sk_id}/unduh").status_code == 303
    container = sig.extensions["naskah"]
    settings, container.settings = container.settings, replace(container.settings, verify_download=False)
    try:  # NASKAH_VERIFY_DOWNLOAD=false: no link, no download
        assert "Unduh salinan arsip" not in public.get(f"/verify/{sk_id}").text
        assert public.get(f"/verify/{sk_id}/unduh").status_code == 404
    finally:
        container.settings = settings

    arsip = logged_in(sig, people["arsip"])
    assert logged_in(sig, people["kabid"]).get("/arsip").status_code == 403
    nomor = archived.nomor
    found = arsip.get("/arsip", query_string={"nomor": nomor, "cari": "1"})
    assert found.status_code == 200 and archived.ref["sha256"] in found.text and nomor in found.text
    assert arsip.get("/arsip", query_string={"nomor": "tidak-ada-999", "cari": "1"}).text.count("hasil-arsip") == 0
    year = str(archived.signed_at.year)
    for query, hits in (({"jenis": "sk", "tahun": year, "penanda": "kadis"}, 1), ({"jenis": "report"}, 0),
                        ({"tahun": "2001"}, 0), ({"q": "Pengelolaan Data Profil", "nomor": nomor}, 1)):
        text = arsip.get("/arsip", query_string={**query, "cari": "1"}).text
        assert (archived.ref["sha256"] in text) == bool(hits), query
    assert "Tahun harus empat angka" in arsip.get("/arsip", query_string={"tahun": "20x6", "cari": "1"}).text
    got = arsip.get(f"/arsip/{sk_id}/unduh", query_string={"versi": archived.ref["version_id"]})
    assert got.status_code == 303 and got.headers["Location"]
    token = csrf_of(found.text)
    no_reason = arsip.post(f"/arsip/{sk_id}/legal-hold", data={"csrf_token": token, "aksi": "pasang",
                                                              "versi": archived.ref["version_id"], "alasan": ""})
    assert "Tulis alasan" in arsip.get(no_reason.headers["Location"]).text
    held = arsip.post(f"/arsip/{sk_id}/legal-hold", data={"csrf_token": token, "aksi": "pasang",
                                                         "versi": archived.ref["version_id"],
                                                         "alasan": "Sengketa =cmd| di PTUN",
                                                         "kembali": f"/arsip?nomor={nomor}&cari=1"})
    assert held.status_code == 303
    store = sig.extensions["naskah"].runtime.store
    assert store.get_legal_hold(archived.ref["bucket"], archived.ref["key"], archived.ref["version_id"])
    assert "Sengketa" in arsip.get(held.headers["Location"]).text
    rows = list(csv.reader(io.StringIO(arsip.get("/arsip/hasil.csv", query_string={"nomor": nomor}).text
                                       .lstrip("\ufeff"))))
    assert rows[0][0] == "nomor" and rows[1][0] == nomor and rows[1][-1] == "ya"
    store.set_legal_hold(archived.ref["bucket"], archived.ref["key"], archived.ref["version_id"], False)


def test_csv_cells_never_start_a_formula():
    for bad in ("=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "\tx"):
        assert csv_cell(bad).startswith("'")
    assert csv_cell("800/001/DPMK/2026") == "800/001/DPMK/2026"


def test_batch_zip_is_a_valid_zip_of_the_letters(stack):
    _, sig = stack
    archive = sig.extensions["naskah"].archive
    store = sig.extensions["naskah"].runtime.store
    from naskah_shared.storage.ports import Buckets

    letters = [store.put(Buckets.DRAFTS, f"test-zip/{n}.pdf", b"%PDF-1.7 " + bytes([n]) * 1000) for n in range(3)]
    blob = b"".join(archive.batch_zip(letters))
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert sorted(zf.namelist()) == ["0.pdf", "1.pdf", "2.pdf"] and zf.read("1.pdf").endswith(b"\x01" * 10)


def test_a_hostile_title_shows_as_text_on_the_signing_page(stack, people):
    from naskah_shared.messages import Envelope
    from naskah_shared.storage.ports import Buckets
    from signature_service.pki.sample_pdf import sk_sample_pdf

    _, sig = stack
    container = sig.extensions["naskah"]
    source = container.runtime.store.put(Buckets.DRAFTS, "sk/hostile/sk.pdf", sk_sample_pdf(),
                                         content_type="application/pdf").ref()
    document_id = "0f0f0f0f-0000-4000-8000-000000000001"
    on_signature_requested(container.signing, Envelope(type="signature.requested", producer="tests", payload={
        "kind": "sk", "sk_id": document_id, "title": HOSTILE, "nomor": HOSTILE[:40], "document": source,
        "signers": ["kabid", "kadis"]}))
    with container.signing.uow() as uow:
        (req,) = [r for r in uow.requests.for_document(document_id) if r.signer == "kabid"]
    page = logged_in(sig, people["kabid"]).get(f"/sign/{req.id}")
    assert page.status_code == 200
    assert "<script>alert(2)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.text
