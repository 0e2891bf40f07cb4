"""The inbox with a Lembar Disposisi in Chromium at 360 px: axe-core clean under its CSP, the disposition shown
to its addressee with its instruction and deadline (an overdue one marked), marked done with a note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.flow import wait_for
from tests.pages.browser import WIDTH, check_page, chromium, login, submit
from tests.people.conftest import PASSWORD, Served, add_people
from tests.people.test_disposisi_inbox import stack  # noqa: F401 - the fixture
from tests.signature.conftest import animator, dev_pki  # noqa: F401  (the session's PKI)


def test_the_addressee_marks_a_disposition_done_in_the_browser(stack) -> None:  # noqa: F811
    report, sig = stack
    add_people(sig)
    rc = report.test_client()
    aid = rc.post("/api/activities", json={"kegiatan": "Profil Kampung 2026"}).json["id"]
    r = rc.post(f"/api/activities/{aid}/steps", json={
        "step": 1, "actor": "Kadis", "started_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
        "disposisi": {"sifat": "segera", "instruksi": ["untuk diketahui", "hadir mewakili"],
                      "hal": "Rapat koordinasi pendataan", "catatan": "Wakili saya pada rapat koordinasi"}})
    assert r.status_code == 201, r.json
    d = rc.get(f"/api/activities/{aid}/disposisi").json[0]
    wait_for(lambda: sig.extensions["naskah"].disposisi.get(d["id"]), timeout=60)
    served = Served(sig)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": WIDTH, "height": 800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text
                    else None)  # a CSP violation
            login(page, served.url, "kabid", PASSWORD)
            item = page.inner_text(f"#disposisi-{d['id']}")
            assert "Rapat koordinasi pendataan" in item and "hadir mewakili" in item and "Terlambat" in item
            check_page(page, "inbox-disposisi")
            page.fill(f"#note-{d['id']}", "Sudah hadir mewakili, notulen terlampir")
            submit(page, "Tandai selesai")
            assert "Disposisi ditandai selesai" in page.inner_text("main")
            item = page.inner_text(f"#disposisi-{d['id']}")
            assert "Selesai" in item and "notulen terlampir" in item
            assert page.query_selector(f"#note-{d['id']}") is None
            check_page(page, "inbox-disposisi-selesai")
            assert not errors, errors
    finally:
        served.stop()
    assert rc.get(f"/api/disposisi/{d['id']}").json["done_note"] == "Sudah hadir mewakili, notulen terlampir"
    assert rc.get(f"/api/activities/{aid}").json["timeline"][0]["end"] is not None
