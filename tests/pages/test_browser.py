"""The pages in Debian's Chromium (Playwright) on the embedded run: review, sign, verify, archive, as the
office's people would, with axe-core and a 360 px screenshot of every page (out/screens/)."""

from __future__ import annotations

import socket

import pytest
import requests

from naskah_cli.embedded import embedded
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.data import sk_payload
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
    return {e["role"]: (e["login"], e["password"]) for e in run.people.values()}


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


def test_review_sign_verify_and_archive_in_chromium(tmp_path):
    port = _port()
    with embedded(tmp_path / "var", port=port) as run, chromium() as browser:
        who_is = _people(run)
        sk_url, base = run.service_url("sk"), run.service_url("signature")
        sk_id = requests.post(f"{sk_url}/api/sk", json=sk_payload(members=5), timeout=60).json()["id"]
        assert requests.post(f"{sk_url}/api/sk/{sk_id}/submit", timeout=60).status_code < 300
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
        revised = sk_payload(members=6)
        assert requests.put(f"{sk_url}/api/sk/{sk_id}", json=revised, timeout=60).status_code < 300
        assert requests.post(f"{sk_url}/api/sk/{sk_id}/submit", timeout=60).status_code < 300
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
            page.goto(f"http://127.0.0.1:{port}{href}" if href.startswith("/") else href)
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
            png = page.request.get(f"http://127.0.0.1:{port}{src}").body()
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
        archived = run.apps["signature"].extensions["naskah"].archive.document(sk_id)
        data, _ = run.store.get(archived.ref["bucket"], archived.ref["key"], archived.ref["version_id"])
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
        page.fill("#nomor", archived.nomor)
        submit(page, "Cari")
        assert archived.ref["sha256"] in page.content()
        check_page(page, "archive-results")
        href = page.locator("a:has-text('Unduh versi ini')").first.get_attribute("href")
        got = page.request.get(f"http://127.0.0.1:{port}{href}")
        assert got.ok and got.body() == data
        page.locator("input[name=alasan]").first.fill("Sengketa kepegawaian di PTUN")
        submit(page, "Pasang legal hold")
        assert "Legal hold dipasang." in page.content() and "terpasang" in page.content()
        assert run.store.get_legal_hold(archived.ref["bucket"], archived.ref["key"], archived.ref["version_id"])
        logout(page)

        # a signer cannot open another signer's document
        login(page, base, *who_is["kabid"])
        other = sign_url.rsplit("/", 1)[-1].split("?")[0]
        assert page.goto(f"{base}/sign/{other}").status == 404
        assert "Halaman tidak ditemukan" in page.content()
        check_page(page, "not-found")
        logout(page)

        # the Kadis signs a batch of letters with one passphrase and watches the progress reach the end
        until(lambda: requests.get(f"{sk_url}/api/sk/{sk_id}", timeout=30).json()["status"] == "archived")
        se = requests.post(f"{sk_url}/api/sk/{sk_id}/surat-edaran", timeout=60, json={
            "kampung": [{"nama": f"Kampung Uji {n}", "distrik": "Sentani"} for n in range(1, 7)],
            "batas_waktu": "2026-12-31"}).json()
        login(page, base, *who_is["kadis"])
        href = _inbox_link(page, base, f"/sign/batch/{se['id']}")
        page.goto(f"http://127.0.0.1:{port}{href}")
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

        # five wrong passwords lock the login
        for _ in range(5):
            login(page, base, "tamu", "salah-salah-salah")
        login(page, base, "tamu", PASSWORD)
        assert "dikunci sampai" in page.content()
        check_page(page, "login-locked")
        ctx.close()
