"""The Pokja's web form in Chromium at 360 px: axe-core clean, under its CSP, the notes of a sent-back
Formulir shown beside their fields, a correction sent; and the letter's QR code reads as the form's link."""

from __future__ import annotations

import io
import threading

import pypdfium2 as pdfium
from werkzeug.serving import make_server

from naskah_shared import formulir as f
from tests.pages.browser import WIDTH, check_page, chromium, qr_codes, submit
from tests.report.test_formulir import GOOD, KEY, app, letters  # noqa: F401 - fixtures


def test_the_letter_s_qr_code_is_its_own_link(letters) -> None:  # noqa: F811
    pdf = pdfium.PdfDocument(letters["l0"])
    try:
        image = pdf[len(pdf) - 1].render(scale=4).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    assert f"http://127.0.0.1/formulir/{f.token(KEY, 'l0')}" in qr_codes(buf.getvalue())


def test_the_pokja_corrects_a_sent_back_formulir_in_the_browser(app) -> None:  # noqa: F811
    c = app.test_client()
    assert c.post("/api/formulir/l0/submissions", json={"values": {**GOOD, "a4_jumlah_kk": "400"},
                                                        "submitted_by": "Tim"}).status_code == 201
    c.post("/api/formulir/l0/submissions/1/review", json={"decision": "send_back", "reviewer": "Tim",
                                                         "notes": {"a4_jumlah_kk": "tidak sesuai register"}})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": WIDTH, "height": 800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text
                    else None)  # a CSP violation (the 422 of a refused form is also a console error)
            page.goto(f"http://127.0.0.1:{server.server_port}/formulir/{f.token(KEY, 'l0')}")
            assert "tidak sesuai register" in page.inner_text(".catatan")
            assert page.input_value("#a4_jumlah_kk") == "400", "the last values are there to correct"
            check_page(page, "formulir-dikembalikan")
            page.fill("#a4_jumlah_kk", "305")
            page.fill("#a2_laki_laki", "banyak")
            submit(page, "Kirim ke Tim")
            assert "harus bilangan bulat" in page.inner_text("#a2_laki_laki-galat")
            assert page.get_attribute("#pengisi", "aria-required") == "true"
            page.fill("#a2_laki_laki", "640")
            page.fill("#pengisi", "Yakob Ohee")
            submit(page, "Kirim ke Tim")
            assert "sedang diverifikasi" in page.inner_text("main")
            check_page(page, "formulir-terkirim")
            assert not errors, errors
    finally:
        server.shutdown()
    latest = c.get("/api/formulir/l0").json["latest"]
    assert (latest["version"], latest["source"], latest["values"]["a4_jumlah_kk"]) == (2, "web", 305)
    assert latest["submitted_by"] == "Pokja: Yakob Ohee"
