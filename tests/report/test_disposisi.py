"""The Lembar Disposisi in report-service (SOP steps 1, 2, 6, 7, 8, 12): given with its step, printed through
LibreOffice, sent for the giver's paraf, and marked done by its addressee only, which closes the step.

Real PostgreSQL and LibreOffice; the bus is the in-process one, read back from the outbox.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from naskah_shared.web import person
from naskah_shared.web.auth import key_hash
from report_service.adapters import tables as t
from report_service.app import create_app
from tests.conftest import TEST_API_KEY, TEST_SECRET, keyed
from tests.report.scenario import deliver

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # a Monday: 17.00 WIT, after office hours in Jayapura


@pytest.fixture
def app(pg_url: str, tmp_path: Path) -> Iterator[Any]:
    app = keyed(create_app({"database_url": pg_url, "bus_url": "memory://", "store_url": f"file://{tmp_path}/store",
                            "secret_key": TEST_SECRET, "api_keys": f"tests:{key_hash(TEST_API_KEY)}",
                            "log_level": "ERROR", "deadline_tick_seconds": 0}, migrate=True))
    container = app.extensions["naskah"]
    container.runtime.store.ensure_bucket("naskah-reports")
    yield app
    container.close()


def as_person(role: str, pid: str | None = None) -> dict[str, str]:
    return {person.HEADER: person.issue(TEST_SECRET, person.PersonAssertion(pid or f"{role}-1", role, role.title()))}


def outbox(app: Any, type_: str) -> list[dict[str, Any]]:
    table = t.outbox.outbox
    with app.extensions["naskah"].runtime.engine.connect() as conn:
        rows = conn.execute(select(table.c.type, table.c.body).order_by(table.c.seq)).all()
    return [json.loads(r.body) for r in rows if r.type == type_]


def activity(client: Any) -> str:
    r = client.post("/api/activities", json={"kegiatan": "Pengembangan Data Profil Kampung", "tahun": 2026})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def step1(client: Any, aid: str, **extra: Any) -> Any:
    body = {"step": 1, "actor": "Drs. Yohanes Rumbiak, M.Si", "started_at": START.isoformat(),
            "disposisi": {"sifat": "segera", "instruksi": ["untuk ditindaklanjuti", "siapkan jawaban"],
                          "catatan": "Siapkan rapat persiapan <b>{{ 7*7 }}</b>", "nomor": "800/12/DPMK/2026",
                          "tanggal": "2026-11-02", "hal": "Pendataan Profil Kampung 2026"}, **extra}
    return client.post(f"/api/activities/{aid}/steps", json=body)


def test_step_gives_a_disposition_printed_with_its_fields(app: Any, tmp_path: Path) -> None:
    client = app.test_client()
    aid = activity(client)
    r = step1(client, aid)
    assert r.status_code == 201, r.get_json()
    line = r.get_json()["timeline"][0]
    assert line["end"] is None and line["missing"]  # open until the Kabid marks it done
    listed = client.get(f"/api/activities/{aid}/disposisi").get_json()
    assert len(listed) == 1
    d = listed[0]
    assert (d["step"], d["dari"], d["kepada"], d["sifat"], d["status"]) == (1, "kadis", "kabid", "segera", "open")
    assert d["instruksi"] == ["untuk ditindaklanjuti", "siapkan jawaban"]
    # 15 menit from 17.00 WIT on a Monday falls on Tuesday 07.45 WIT (22.45 UTC Monday) in office hours
    assert datetime.fromisoformat(d["batas_waktu"]) == datetime(2026, 11, 2, 22, 45, tzinfo=UTC)

    pdf = client.get(d["links"]["pdf"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "lembar.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "lembar.pdf"), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout
    for expected in ("LEMBAR DISPOSISI", "800/12/DPMK/2026", "2 November 2026", "Pendataan Profil Kampung 2026",
                     "Kepala Dinas", "Kepala Bidang", "Segera", "Untuk ditindaklanjuti", "Siapkan jawaban",
                     "{{ 7*7 }}", "3 November 2026, 07.45 WIT", "2 November 2026, 17.00 WIT",
                     "DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG"):
        assert expected in text, expected
    assert "49" not in text.split("Catatan")[-1].split("Paraf")[0]  # the hal's template text printed, not run

    requested = [b for b in outbox(app, "signature.requested") if b["payload"].get("kind") == "disposisi"]
    assert len(requested) == 1
    payload = requested[0]["payload"]
    assert payload["signers"] == ["kadis"] and payload["documents"][0]["document_id"] == d["id"]
    created = outbox(app, "disposisi.created")
    assert [b["payload"]["kepada"] for b in created] == ["kabid"]


def test_only_the_addressee_marks_it_done_and_that_closes_the_step(app: Any) -> None:
    client = app.test_client()
    aid = activity(client)
    assert step1(client, aid).status_code == 201
    d = client.get(f"/api/activities/{aid}/disposisi").get_json()[0]
    url = f"/api/disposisi/{d['id']}/done"

    assert client.post(url, json={"note": "x"}).status_code == 401  # no person
    forged = {person.HEADER: person.issue("another-secret-0123456789abcdef", person.PersonAssertion("k", "kabid", "K"))}
    assert client.post(url, json={"note": "x"}, headers=forged).status_code == 403
    other = client.post(url, json={"note": "bukan saya"}, headers=as_person("kasubid"))
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "not_addressee"
    assert client.get(f"/api/disposisi/{d['id']}").get_json()["status"] == "open"

    before = datetime.now(UTC)
    r = client.post(url, json={"note": "Rapat persiapan dijadwalkan"}, headers=as_person("kabid", "rahmi"))
    assert r.status_code == 200, r.get_json()
    done = r.get_json()
    assert (done["status"], done["done_by"], done["done_note"]) == ("done", "rahmi", "Rapat persiapan dijadwalkan")
    line = client.get(f"/api/activities/{aid}").get_json()["timeline"][0]
    end = datetime.fromisoformat(line["end"])
    assert before - timedelta(seconds=1) <= end <= datetime.now(UTC) and not line["missing"]
    assert "rahmi" in line["actor"]
    assert line["actual_seconds"] == pytest.approx((end - START).total_seconds())
    assert len(outbox(app, "disposisi.done")) == 1 and len(outbox(app, "activity.step_closed")) == 1

    again = client.post(url, json={"note": "lagi"}, headers=as_person("kabid", "rahmi"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "disposisi_done"
    # step 2 needs step 1 done: now it may be recorded, and gives the Kabid's disposition to the Kasubid
    r = client.post(f"/api/activities/{aid}/steps", json={
        "step": 2, "actor": "Rahmi", "started_at": (end + timedelta(minutes=1)).isoformat(),
        "ended_at": (end + timedelta(minutes=5)).isoformat()})
    assert r.status_code == 201, r.get_json()
    second = client.get(f"/api/activities/{aid}/disposisi").get_json()[1]
    assert (second["dari"], second["kepada"], second["sifat"]) == ("kabid", "kasubid", "biasa")


@pytest.mark.parametrize("disposisi, field", [
    ({"sifat": "kilat"}, "sifat"),
    ({"instruksi": ["untuk dimakan"]}, "instruksi"),
    ({"kepada": "presiden"}, "kepada"),
    ({"catatan": "x" * 2001}, "catatan"),
    ({"tanggal": "kemarin"}, "tanggal"),
    ({"nomor": "800\x00/1"}, "json"),  # a NUL (PostgreSQL keeps none): the shared JSON check refuses it
    ({"hal": "a\x07b"}, "hal"),
])
def test_bad_disposition_input_is_422_and_keeps_nothing(app: Any, disposisi: dict, field: str) -> None:
    client = app.test_client()
    aid = activity(client)
    r = client.post(f"/api/activities/{aid}/steps", json={"step": 1, "actor": "Y", "started_at": START.isoformat(),
                                                          "disposisi": disposisi})
    assert r.status_code == 422, r.get_json()
    assert field in str(r.get_json()["error"]["details"])
    assert client.get(f"/api/activities/{aid}/disposisi").get_json() == []


def test_domain_refusals_are_4xx(app: Any) -> None:
    client = app.test_client()
    aid = activity(client)
    same = client.post(f"/api/activities/{aid}/steps", json={
        "step": 1, "actor": "Y", "started_at": START.isoformat(), "disposisi": {"dari": "kabid", "kepada": "kabid"}})
    assert same.status_code == 422 and same.get_json()["error"]["code"] == "invalid_disposisi"
    empty = client.post(f"/api/activities/{aid}/steps", json={
        "step": 1, "actor": "Y", "started_at": START.isoformat(), "disposisi": {"instruksi": [], "catatan": " "}})
    assert empty.status_code == 422
    assert client.get(f"/api/activities/{aid}/disposisi").get_json() == []
    assert client.get("/api/disposisi/nope").status_code == 404
    assert client.get(f"/api/activities/{aid}/disposisi/../x").status_code == 404
    assert client.post("/api/disposisi/nope/done", json={}, headers=as_person("kabid")).status_code == 404
    assert client.get("/api/activities/nope/disposisi").status_code == 404
    # a step that gives no Disposisi still needs its end
    r = client.post(f"/api/activities/{aid}/steps", json={"step": 1, "actor": "Y", "started_at": START.isoformat(),
                                                          "ended_at": START.isoformat()})
    assert r.status_code == 201
    nine = client.post(f"/api/activities/{aid}/steps", json={"step": 13, "actor": "Y",
                                                             "started_at": START.isoformat()})
    assert nine.status_code == 422 and nine.get_json()["error"]["code"] == "invalid_step"


def test_the_paraf_anchor_is_on_the_sheet_only_when_the_office_shows_the_paraf() -> None:
    import io
    import zipfile

    from report_service.adapters.disposisi_docx import render_disposisi
    from report_service.domain.disposisi import Disposisi, Sifat

    d = Disposisi(id="d-1", activity_id="a-1", step=2, dari="kabid", kepada="kasubid", nomor="", tanggal="",
                  hal="Hal <w:t> & {{ x }}", sifat=Sifat.RAHASIA, instruksi=("arsip",), catatan="",
                  batas_waktu=START, diberikan_at=START)
    office = {"zona_waktu": "Asia/Jayapura", "kabid": {"jabatan": "Kepala Bidang X", "nama": "Rahmi"}}

    def xml(visible: bool) -> str:
        docx = render_disposisi(d, office=office, verify_url="http://v/d-1", visible_paraf=visible)
        return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()

    shown, hidden = xml(True), xml(False)
    assert "#ttd-kabid#" in shown and "#ttd-kabid#" not in hidden
    assert "Hal &lt;w:t&gt; &amp; {{ x }}" in shown and "Kepala Bidang X" in shown and "Kepala Sub Bidang" in shown


def test_the_kadis_signature_starts_step_6_with_the_kabids_disposition_to_the_kasubid(app: Any) -> None:
    """Step 6 comes from sk-service's and signature-service's events, not from the API: its Disposisi is
    given when the Kadis's signature arrives (the step's start), once however often the event is delivered."""
    from naskah_shared.messages import Envelope

    client = app.test_client()
    aid = activity(client)
    assert client.put(f"/api/activities/{aid}/sk", json={"sk_id": "sk-6"}).status_code == 200
    container = app.extensions["naskah"]
    signed_at = START + timedelta(days=1)
    signed = Envelope(type="document.signed", producer="signature-service", occurred_at=signed_at, payload={
        "kind": "sk", "sk_id": "sk-6", "document_id": "sk-6", "nomor": "800/006/DPMK/2026",
        "document": {"bucket": "naskah-signed", "key": "sk/sk-6/sk.pdf", "version_id": "v1", "sha256": "0" * 64},
        "signatures": [{"role": "kabid", "signer": "kabid", "at": (signed_at - timedelta(hours=1)).isoformat()},
                       {"role": "kadis", "signer": "kadis", "at": signed_at.isoformat()}]})
    deliver(container, signed)
    deliver(container, signed)  # redelivered: claimed once
    given = client.get(f"/api/activities/{aid}/disposisi").get_json()
    assert [(d["step"], d["dari"], d["kepada"], d["nomor"], d["tanggal"]) for d in given] == [
        (6, "kabid", "kasubid", "800/006/DPMK/2026", "2026-11-03")]
    d = given[0]
    assert d["instruksi"] == ["untuk ditindaklanjuti", "arsip"]
    assert datetime.fromisoformat(d["diberikan_at"]) == signed_at
    assert client.get(d["links"]["pdf"]).data.startswith(b"%PDF")  # printed after the event's commit
    requested = [b["payload"] for b in outbox(app, "signature.requested") if b["payload"].get("kind") == "disposisi"]
    assert [(p["documents"][0]["document_id"], p["signers"]) for p in requested] == [(d["id"], ["kabid"])]
    # written while handling the signature: on its chain (its correlation, it as the cause)
    [created] = [b for b in outbox(app, "disposisi.created") if b["payload"]["disposisi_id"] == d["id"]]
    assert (created["correlation_id"], created["causation_id"]) == (signed.correlation_id, signed.id)

    # the archive ends step 6 by its own event; the Kasubid still marks the disposition done
    deliver(container, Envelope(type="sk.archived", producer="sk-service", occurred_at=signed_at + timedelta(minutes=5),
                              payload={"sk_id": "sk-6", "nomor": "800/006/DPMK/2026"}))
    line = next(x for x in client.get(f"/api/activities/{aid}").get_json()["timeline"] if x["step"] == 6)
    assert datetime.fromisoformat(line["end"]) == signed_at + timedelta(minutes=5)
    assert line["outcome"] == "SK diarsipkan (nomor 800/006/DPMK/2026)", "the API words it as the Laporan does"
    r = client.post(f"/api/disposisi/{d['id']}/done", json={"note": "Diarsipkan"}, headers=as_person("kasubid"))
    assert r.status_code == 200 and r.get_json()["status"] == "done", r.get_json()
