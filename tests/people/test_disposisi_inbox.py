"""A Lembar Disposisi end to end on the real stack: report-service (served on a port) gives it with SOP step 1,
its event reaches the addressee's inbox in signature-service over RabbitMQ, the giver's paraf is signed
through signature-service's flow and verifies, and only the addressee marks it done from the inbox page,
which closes the step in report-service."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from report_service.app import create_app as report_app
from signature_service.app import create_app as signature_app
from tests.conftest import PLAIN_API_KEY, keyed
from tests.flow import sign, wait_for
from tests.people.conftest import PASSWORD, Served, add_people, csrf_of, log_in
from tests.signature.conftest import animator, dev_pki  # noqa: F401  (the session's PKI)


@pytest.fixture
def stack(real_stack, dev_pki, animator) -> Iterator[tuple]:  # noqa: F811
    report = keyed(report_app(real_stack(converters=1, deadline_tick_seconds=0), migrate=True))
    served = Served(report)
    sig = keyed(signature_app(real_stack(allow_test_pki=True, pki_dir=str(dev_pki.directory),
                                         pki_url=dev_pki.base_url, sk_url="http://127.0.0.1:9/sk",
                                         report_url=served.url, report_api_key=PLAIN_API_KEY), migrate=True))
    for app in (report, sig):
        app.extensions["naskah"].runtime.start()
    yield report, sig
    served.stop()
    for app in (report, sig):
        app.extensions["naskah"].close()


def test_disposition_reaches_the_addressee_is_signed_and_done_only_by_them(stack) -> None:
    report, sig = stack
    add_people(sig)
    sig.extensions["naskah"].people.add(username="kasubid", password=PASSWORD, role="kasubid", nama="Kasubid Uji",
                                        nip="", jabatan="Kepala Sub Bidang", signer_id=None)
    rc = report.test_client()
    aid = rc.post("/api/activities", json={"kegiatan": "Profil Kampung 2026"}).json["id"]
    started = datetime.now(UTC) - timedelta(minutes=5)
    r = rc.post(f"/api/activities/{aid}/steps", json={
        "step": 1, "actor": "Drs. Yohanes Rumbiak, M.Si", "started_at": started.isoformat(),
        "disposisi": {"sifat": "sangat segera", "instruksi": ["untuk ditindaklanjuti"],
                      "hal": "Persiapan Pendataan Profil Kampung", "catatan": "Segera siapkan konsep SK Tim"}})
    assert r.status_code == 201, r.json
    d = rc.get(f"/api/activities/{aid}/disposisi").json[0]
    inbox = sig.extensions["naskah"].disposisi
    wait_for(lambda: inbox.get(d["id"]), timeout=60)

    kabid, _ = log_in(sig, "kabid")
    page = kabid.get("/inbox").text
    assert "Persiapan Pendataan Profil Kampung" in page and "Segera siapkan konsep SK Tim" in page
    assert "sangat segera" in page and f"/disposisi/{d['id']}/selesai" in page
    for other in ("kadis", "kasubid"):
        client, _ = log_in(sig, other)
        html = client.get("/inbox").text
        section = html.split('id="disposisi"')[1].split("</section>")[0]
        assert "Tidak ada disposisi untuk Anda" in section and d["id"] not in section
        refused = client.post(f"/disposisi/{d['id']}/selesai", data={"note": "bukan saya",
                                                                      "csrf_token": csrf_of(html)})
        assert refused.status_code == 403
    assert rc.get(f"/api/disposisi/{d['id']}").json["status"] == "open"

    # the Kadis's paraf: a signature request for the sheet, signed through signature-service's flow
    sc = sig.test_client()
    req = wait_for(lambda: next((x for x in sc.get("/api/signature-requests").json
                                 if x["document_id"] == d["id"]), None), timeout=60)
    assert req["signer"] == "kadis" and req["kind"] == "disposisi"
    assert sign(sig, req["id"], "kadis").status_code == 200
    signed = wait_for(lambda: (x := rc.get(f"/api/disposisi/{d['id']}").json)["paraf"] == "signed" and x,
                      timeout=60)
    pdf = rc.get(signed["links"]["signed.pdf"]).data
    verdict = sc.post("/api/verify", data={"file": (io.BytesIO(pdf), "lembar.pdf")},
                      content_type="multipart/form-data").json
    assert verdict["indication"] == "TOTAL_PASSED", verdict
    paraf = [s for s in verdict["signatures"] if s["kind"] == "signature"]
    assert len(paraf) == 1 and paraf[0]["field"] == "ttd-kadis" and paraf[0]["ok"]  # B-LT: the DSS comes after it
    assert paraf[0]["signer_name"] == sig.extensions["naskah"].accounts["kadis"].nama
    # the office's default paraf is invisible: the signature's widget has no area, no stamp was drawn
    widget = next(a.get_object() for page in PdfReader(io.BytesIO(pdf)).pages for a in page.get("/Annots", [])
                  if a.get_object().get("/T") == "ttd-kadis")
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 == 0 and y2 - y1 == 0
    public = sig.test_client().get(f"/verify/{d['id']}")  # the URL printed on the sheet: the public page
    assert public.status_code == 200 and "Lembar Disposisi" in public.text
    assert sig.extensions["naskah"].accounts["kadis"].nama in public.text

    before = datetime.now(UTC)
    r = kabid.post(f"/disposisi/{d['id']}/selesai", data={"note": "Konsep SK disiapkan Kasubid",
                                                           "csrf_token": csrf_of(page)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/inbox?selesai=disposisi")
    done = rc.get(f"/api/disposisi/{d['id']}").json
    assert done["status"] == "done" and done["done_note"] == "Konsep SK disiapkan Kasubid"
    line = rc.get(f"/api/activities/{aid}").json["timeline"][0]
    assert before - timedelta(seconds=2) <= datetime.fromisoformat(line["end"]) <= datetime.now(UTC)
    page = kabid.get("/inbox?selesai=disposisi").text
    assert "Disposisi ditandai selesai" in page and "Konsep SK disiapkan Kasubid" in page
    assert f"/disposisi/{d['id']}/selesai" not in page  # no form on a done disposition
