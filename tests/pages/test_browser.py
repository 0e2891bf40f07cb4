"""The pages in Debian's Chromium (Playwright), on the embedded run and on the real stack: review, sign,
verify, archive, as the office's people would, with axe-core and a 360 px screenshot of every page
(out/screens/, the last run's)."""

from __future__ import annotations

import hashlib
import io
import socket
import zipfile
from urllib.parse import urlsplit

import pytest
import requests

from naskah_cli.embedded import embedded
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.conftest import TEST_API_KEY
from tests.data import sk_payload
from tests.e2e.test_real_stack import _add_person, services  # noqa: F401  (three processes on the real stack)
from tests.pages.browser import WIDTH, check_page, chromium, login, logout, qr_codes, submit, until
from tests.pages.conftest import PASSWORD

pytestmark = pytest.mark.slow


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _people(run) -> dict[str, tuple[str, str]]:
    """The demo people by role: (login, password); and a guest arsiparis for the login lockout."""
    run.apps["signature"].extensions["naskah"].people.add(username="tamu", password=PASSWORD, role="arsiparis",
                                                          nama="Arsiparis Tamu")
    return {**{e["role"]: (e["login"], e["password"]) for e in run.people.values()}, "tamu": ("tamu", PASSWORD)}


def _open_when(page, url: str, selector: str) -> None:
    """Open `url` again until `selector` is on it (the inbox's read model follows sk-service's events)."""
    def ready():
        page.goto(url)
        return page.locator(selector).count() > 0

    until(ready, timeout=60, every=1.0)


def _settled_text(page, selector: str) -> str:
    try:
        page.wait_for_load_state()
        return page.locator(selector).inner_text(timeout=2000).strip()
    except Exception:  # the page reloads itself in between: try again
        return ""


def _inbox_link(page, base: str, href_part: str) -> str:
    def find():
        page.goto(f"{base}/inbox")
        links = [a.get_attribute("href") for a in page.locator("main a").all()]
        return next((h for h in links if h and href_part in h), None)

    return until(find, timeout=60, every=1.0)


def scenario(browser, sk_url: str, base: str, who_is: dict[str, tuple[str, str]], api: dict[str, str]) -> None:
    """Everything the office's people do on the pages, from a draft to the archive; `base` is
    signature-service's URL, `who_is` the logins by role (and "tamu", a spare one to lock out)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    sk_id = requests.post(f"{sk_url}/api/sk", json=sk_payload(members=5), headers=api, timeout=60).json()["id"]
    assert requests.post(f"{sk_url}/api/sk/{sk_id}/submit", headers=api, timeout=60).status_code < 300
    ctx = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="id-ID")
    page = ctx.new_page()

    page.goto(f"{base}/login")
    check_page(page, "login")
    login(page, base, *who_is["kabid"])
    check_page(page, "inbox-kabid")
    page.goto(base + _inbox_link(page, base, f"/review/{sk_id}").removeprefix("/signatures"))
    check_page(page, "review")
    page.fill("#note", "Mohon perbaiki menimbang huruf b.")
    submit(page, "Tolak dengan catatan")
    if "kasubid" in who_is:  # sent back: it waits in its drafter's inbox with the note, read-only there
        logout(page)
        login(page, base, *who_is["kasubid"])
        _open_when(page, f"{base}/inbox", "text=Mohon perbaiki menimbang huruf b.")
        item = page.locator("li", has_text="Mohon perbaiki").inner_text()
        assert "dikembalikan" in item and "dikembalikan kasubid" not in item.lower()  # by the Kabid who did
        check_page(page, "inbox-kasubid")
        page.goto(base + _inbox_link(page, base, f"/review/{sk_id}").removeprefix("/signatures"))
        assert "Dikembalikan kepada Anda untuk direvisi" in page.content()
        assert page.locator("button:has-text('Setujui')").count() == 0
        check_page(page, "review-kasubid")
        logout(page)
        login(page, base, *who_is["kabid"])
    revised = sk_payload(members=6)
    assert requests.put(f"{sk_url}/api/sk/{sk_id}", json=revised, headers=api, timeout=60).status_code < 300
    assert requests.post(f"{sk_url}/api/sk/{sk_id}/submit", headers=api, timeout=60).status_code < 300
    _open_when(page, f"{base}/review/{sk_id}", "button:has-text('Setujui')")
    submit(page, "Setujui")
    logout(page)
    login(page, base, *who_is["kadis"])
    _open_when(page, f"{base}/review/{sk_id}", "button:has-text('Setujui')")
    submit(page, "Setujui")
    logout(page)

    for who in ("kabid", "kadis"):
        login(page, base, *who_is[who])
        href = _inbox_link(page, base, "/sign/")
        page.goto(origin + href)
        check_page(page, f"sign-{who}")
        page.fill("#passphrase", SIGNER_PASSPHRASES[who])
        submit(page, "Tandatangani")
        assert "berhasil ditandatangani" in page.content(), page.locator("main .pesan").all_inner_texts()
        check_page(page, f"signed-{who}")
        sign_url = page.url
        logout(page)

    # the signed page images carry both stamps; the QR code opens the verification page
    login(page, base, *who_is["kadis"])
    page.goto(sign_url)
    codes = []
    for src in [img.get_attribute("src") for img in page.locator("figure.halaman img").all()]:
        png = page.request.get(origin + src).body()
        codes += qr_codes(png)
    assert len(codes) >= 2 and all("/verify/" in c for c in codes), codes
    logout(page)

    # a form POST without the CSRF token is refused
    status = page.evaluate("async (u) => (await fetch(u, {method: 'POST', body: new FormData()})).status",
                           f"{base}/logout")
    assert status == 403

    page.goto(codes[-1])
    assert "Dokumen asli dan tidak berubah sejak ditandatangani." in page.content()
    check_page(page, "verify")
    data = page.request.get(f"{base}/verify/{sk_id}/unduh").body()  # the presigned archived copy
    assert data.startswith(b"%PDF")
    sha256 = hashlib.sha256(data).hexdigest()
    nomor = requests.get(f"{sk_url}/api/sk/{sk_id}", headers=api, timeout=30).json()["nomor"]
    page.set_input_files("#berkas", files=[{"name": "sk.pdf", "mimeType": "application/pdf", "buffer": data}])
    submit(page, "Periksa")
    assert "sama persis (byte demi byte)" in page.content()
    check_page(page, "verify-upload-same")
    tampered = bytearray(data)
    at = data.index(b"/ByteRange")
    start, length = [int(x) for x in data[at:at + 80].split(b"[")[1].split()[:2]]
    tampered[start + length // 2] ^= 0x01
    page.set_input_files("#berkas", files=[{"name": "sk.pdf", "mimeType": "application/pdf",
                                            "buffer": bytes(tampered)}])
    submit(page, "Periksa")
    assert "Dokumen telah diubah sesudah ditandatangani." in page.content()
    check_page(page, "verify-upload-changed")

    # the arsiparis finds the SK by nomor, downloads it, places a legal hold
    login(page, base, *who_is["arsiparis"])
    page.goto(f"{base}/arsip")
    check_page(page, "archive")
    page.fill("#nomor", nomor)
    submit(page, "Cari")
    assert sha256 in page.content()
    check_page(page, "archive-results")
    href = page.locator("a:has-text('Unduh versi ini')").first.get_attribute("href")
    got = page.request.get(origin + href)
    assert got.ok and got.body() == data
    page.locator("input[name=alasan]").first.fill("Sengketa kepegawaian di PTUN")
    submit(page, "Pasang legal hold")
    assert "Legal hold dipasang." in page.content() and "terpasang" in page.content()
    logout(page)

    # a signer cannot open another signer's document
    login(page, base, *who_is["kabid"])
    other = sign_url.rsplit("/", 1)[-1].split("?")[0]
    assert page.goto(f"{base}/sign/{other}").status == 404
    assert "Halaman tidak ditemukan" in page.content()
    check_page(page, "not-found")
    logout(page)

    # the Kadis signs a batch of letters with one passphrase and watches the progress reach the end
    until(lambda: requests.get(f"{sk_url}/api/sk/{sk_id}", headers=api, timeout=30).json()["status"] == "archived")
    se = requests.post(f"{sk_url}/api/sk/{sk_id}/surat-edaran", headers=api, timeout=60, json={
        "kampung": [{"nama": f"Kampung Uji {n}", "distrik": "Sentani"} for n in range(1, 7)],
        "batas_waktu": "2026-12-31"}).json()
    login(page, base, *who_is["kadis"])
    href = _inbox_link(page, base, f"/sign/batch/{se['id']}")
    page.goto(origin + href)
    check_page(page, "batch")
    page.fill("#passphrase", SIGNER_PASSPHRASES["kadis"])
    submit(page, "Tandatangani semua")
    page.wait_for_function("() => { const b = document.getElementById('bar'); return b && b.value == b.max; }",
                           timeout=120_000)
    until(lambda: _settled_text(page, "#keadaan") == "Selesai.", timeout=60)  # batch.js reloads the page
    assert page.locator("ol.hasil-surat li").count() == 6
    assert page.locator("ol.hasil-surat .status.signed").count() == 6
    check_page(page, "batch-done")
    logout(page)
    login(page, base, *who_is["arsiparis"])  # the batch's letters as one ZIP
    got = page.request.get(f"{base}/arsip/batch/{se['id']}.zip")
    assert got.ok and got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.body())) as zf:
        assert len(zf.namelist()) == 6 and all(zf.read(n).startswith(b"%PDF") for n in zf.namelist())
    logout(page)

    # five wrong passwords lock the login
    for _ in range(5):
        login(page, base, who_is["tamu"][0], "salah-salah-salah")
    login(page, base, *who_is["tamu"])
    assert "dikunci sampai" in page.content()
    check_page(page, "login-locked")
    ctx.close()


def test_the_pages_in_chromium_on_the_embedded_run(tmp_path, monkeypatch):
    # Its own TEST-ONLY PKI port: another run on this machine may serve its PKI on the default 9777.
    monkeypatch.setenv("NASKAH_PKI_URL", f"http://127.0.0.1:{_port()}")
    with embedded(tmp_path / "var", port=_port()) as run, chromium() as browser:
        scenario(browser, run.service_url("sk"), run.service_url("signature"), _people(run), {})


def test_the_pages_in_chromium_on_the_real_stack(services, dev_pki):  # noqa: F811 - the imported fixture
    who_is = {}
    for username, role, signer in (("kabid", "kabid", "kabid"), ("kadis", "kadis", "kadis"),
                                   ("arsip", "arsiparis", None), ("tamu", "arsiparis", None)):
        password = f"kata-sandi-{username}-uji"
        _add_person(services, dev_pki, username, password, "--role", role, "--nama", f"{username.title()} Uji",
                    *(("--signer", signer) if signer else ()))
        who_is["tamu" if username == "tamu" else role] = (username, password)
    with chromium() as browser:
        scenario(browser, services["sk"], services["signature"], who_is, {"X-API-Key": TEST_API_KEY})
