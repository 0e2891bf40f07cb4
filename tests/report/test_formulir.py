"""SOP steps 9-10 in report-service: a filled Formulir PDF back into a submission, its validation, the Tim's
verdict and the resubmission, the bad uploads, the token web form and the Prodeskel export.

The letter is the real one: sk-service's template rendered, converted by LibreOffice and given its fields.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

from naskah_shared import formulir as f
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.messages import Envelope
from naskah_shared.office import load_office
from naskah_shared.web.auth import key_hash
from report_service.app import create_app
from sk_service.adapters.docx_context import surat_edaran_context
from sk_service.adapters.docx_renderer import DocxtplRenderer
from sk_service.adapters.formulir_pdf import add_fields
from sk_service.domain.naskah import Office
from sk_service.service_layer.ports import Letterhead
from tests.conftest import TEST_API_KEY, TEST_SECRET, keyed
from tests.report.scenario import deliver
from tests.sk.test_surat_edaran_letters import LETTER, _batch, _sk

KEY = b"formulir-test-key-0123456789abcdef"
GOOD = {"a1_jumlah_penduduk": "1.250", "a2_laki_laki": "640", "a3_perempuan": "610", "a4_jumlah_kk": "310",
        "b1_luas_wilayah_km2": "12,5", "b2_jumlah_dusun": "3", "b3_jumlah_rt_rw": "6/2",
        "b4_batas_utara": "Danau Sentani", "b5_batas_selatan": "Kampung Yobeh", "b6_batas_timur": "Distrik Ebungfauw",
        "b7_batas_barat": "Kampung Ifar Besar", "c1_jumlah_sekolah": "1/1/0", "c2_jumlah_pustu_posyandu": "1/2",
        "c3_sumber_air_bersih": "Sumur dan mata air", "c4_kondisi_jalan": "Aspal sebagian",
        "d1_mata_pencaharian": "Nelayan danau", "d2_potensi_unggulan": "=HYPERLINK(\"http://x\")",
        "e1_jumlah_aparat": "9", "e2_jumlah_bamuskam": "7"}


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Two kampung's fillable letters (l0 Sereh, l1 Yobeh), as sk-service makes them before the Kadis signs."""
    office = Office.of(load_office())
    se = _batch([{"nama": "Kampung Sereh", "distrik": "Sentani"}, {"nama": "Kampung Yobeh", "distrik": "Sentani"}])
    pool = UnoserverPool(1, workdir=tmp_path_factory.mktemp("uno"), timeout=60, start_timeout=90)
    out = {}
    try:
        for x in se.letters:
            docx = DocxtplRenderer().render(LETTER.read_bytes(), surat_edaran_context(se, _sk(), x, office))
            out[x.id] = add_fields(pool.to_pdf(docx), Letterhead(x.id, se.id, x.slug, x.kampung["nama"],
                                                                 f"http://127.0.0.1/formulir/{f.token(KEY, x.id)}"))
    finally:
        pool.close()
    return out


def fill(pdf: bytes, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _ref(document_id: str) -> dict[str, str]:
    """A stored version as the signature request and the answer name it (the tests store nothing there)."""
    return {"bucket": "naskah-drafts", "key": f"{document_id}.pdf", "version_id": "v1", "sha256": "0" * 64}


@pytest.fixture
def app(pg_url: str, tmp_path: Path) -> Iterator[Any]:
    app = keyed(create_app({"database_url": pg_url, "bus_url": "memory://", "store_url": f"file://{tmp_path}/store",
                            "secret_key": TEST_SECRET, "api_keys": f"tests:{key_hash(TEST_API_KEY)}",
                            "log_level": "ERROR", "deadline_tick_seconds": 0, "max_upload_mb": 1}, migrate=True))
    container = app.extensions["naskah"]
    container.runtime.store.ensure_bucket("naskah-reports")
    deliver(container, Envelope("signature.requested", {
        "kind": "surat_edaran", "batch_id": "se-1", "sk_tim": "sk-1", "signers": ["kadis"], "documents": [
            {"document_id": lid, "kampung": {"nama": nama, "distrik": "Sentani", "kode": kode},
             "formulir_token_sha256": f.token_digest(f.token(KEY, lid)), "document": _ref(lid)}
            for lid, nama, kode in (("l0", "Kampung Sereh", "kampung-sereh"),
                                    ("l1", "Kampung Yobeh", "kampung-yobeh"))]}, "sk-service"))
    yield app
    container.close()


def test_every_row_is_a_field_and_the_letter_says_whom_it_is_for(letters) -> None:
    reader = PdfReader(io.BytesIO(letters["l0"]))
    fields = reader.get_fields()
    assert set(f.CODES) <= set(fields) and fields[f.FIELD_KAMPUNG_KODE]["/V"] == "kampung-sereh"
    assert reader.metadata[f.META_DOCUMENT] == "l0" and reader.metadata[f.META_KIND] == f.KIND
    assert fields[f.FIELD_KAMPUNG_KODE].get("/Ff") == 1, "the kampung cannot be changed by the filler"


def test_rules_of_the_instrument() -> None:
    values, errors = f.validate(GOOD)
    assert not errors and values["a1_jumlah_penduduk"] == 1250 and values["b1_luas_wilayah_km2"] == "12.5"
    cases = {"a2_laki_laki": ("dua", "bilangan bulat"), "a4_jumlah_kk": ("-3", "bilangan bulat"),
             "e2_jumlah_bamuskam": ("500", "antara"), "b3_jumlah_rt_rw": ("banyak", "garis miring"),
             "b4_batas_utara": ("", "wajib"), "b1_luas_wilayah_km2": ("0", "antara")}
    for code, (value, message) in cases.items():
        _, errors = f.validate({**GOOD, code: value})
        assert message in errors.get(code, ""), (code, errors)
    _, errors = f.validate({**GOOD, "a3_perempuan": "600"})
    assert "laki-laki + perempuan = 1240" in errors["a1_jumlah_penduduk"]
    _, errors = f.validate({**GOOD, "a4_jumlah_kk": "2000"})
    assert "melebihi" in errors["a4_jumlah_kk"]
    assert not f.validate({**GOOD, "d3_bumkam": ""})[1], "an optional row may stay empty"


def test_a_filled_pdf_round_trips_is_sent_back_with_a_note_and_comes_back_corrected(app, letters) -> None:
    c = app.test_client()
    wrong = fill(letters["l0"], {**GOOD, "a4_jumlah_kk": "310"})
    r = c.post("/api/formulir/l0/pdf?submitted_by=Pokja%20Sereh", data=wrong, content_type="application/pdf")
    assert r.status_code == 201, r.json
    assert r.json["version"] == 1 and r.json["source"] == "pdf" and r.json["values"]["a1_jumlah_penduduk"] == 1250
    assert c.post("/api/formulir/l0/pdf?submitted_by=x", data=wrong,
                  content_type="application/pdf").json["error"]["code"] == "awaiting_review"
    r = c.post("/api/formulir/l0/submissions/1/review", json={
        "decision": "send_back", "reviewer": "Tim", "notes": {"a4_jumlah_kk": "tidak sesuai register kampung"}})
    assert r.status_code == 200 and r.json["status"] == "sent_back"
    assert c.post("/api/formulir/l0/submissions/1/review", json={"decision": "accept", "reviewer": "Tim"}
                  ).status_code == 409
    fixed = fill(letters["l0"], {**GOOD, "a4_jumlah_kk": "305"})
    r = c.post("/api/formulir/l0/pdf?submitted_by=Pokja%20Sereh", data=fixed, content_type="application/pdf")
    assert r.status_code == 201 and r.json["version"] == 2
    c.post("/api/formulir/l0/submissions/2/review", json={"decision": "accept", "reviewer": "Tim"})
    k = c.get("/api/formulir/l0").json
    assert k["status"] == "verified" and k["sent_back"] == 1 and len(k["submissions"]) == 2
    assert k["submissions"][0]["notes"] == {"a4_jumlah_kk": "tidak sesuai register kampung"}
    assert k["submissions"][1]["document"]["key"].startswith("formulir/l0/")


def test_bad_uploads_get_clear_answers(app, letters) -> None:
    c = app.test_client()

    def up(data: bytes, letter: str = "l0") -> tuple[int, str]:
        r = c.post(f"/api/formulir/{letter}/pdf?submitted_by=x", data=data, content_type="application/pdf")
        return r.status_code, (r.json or {}).get("error", {}).get("code", "")

    assert up(b"PK\x03\x04 not a pdf") == (422, "not_pdf")
    assert up(b"%PDF-1.7\n garbage") == (422, "not_pdf")
    plain = PdfWriter()
    plain.add_blank_page(200, 200)
    buf = io.BytesIO()
    plain.write(buf)
    assert up(buf.getvalue()) == (422, "not_formulir")
    assert up(fill(letters["l1"], GOOD)) == (422, "wrong_kampung"), "Yobeh's Formulir sent to Sereh"
    assert up(b"%PDF-" + b"0" * (1024 * 1024 + 10))[0] == 413
    code, _ = up(fill(letters["l0"], {**GOOD, "a2_laki_laki": "banyak"}))
    assert code == 422
    assert c.post("/api/formulir/nope/pdf?submitted_by=x", data=b"%PDF-", content_type="application/pdf"
                  ).status_code == 404
    assert c.get("/api/formulir/l0").json["submissions"] == [], "nothing kept of a refused upload"


def test_the_token_form_is_the_kampung_s_own(app) -> None:
    c = app.test_client()
    assert c.get("/formulir/" + "x" * 32).status_code == 404
    sereh, yobeh = f.token(KEY, "l0"), f.token(KEY, "l1")
    page = c.get(f"/formulir/{sereh}")
    assert page.status_code == 200 and 'lang="id"' in page.text and "Kampung Sereh" in page.text
    assert "<script" not in page.text and page.headers["Referrer-Policy"] == "no-referrer"
    assert 'for="a1_jumlah_penduduk"' in page.text
    r = c.post(f"/formulir/{yobeh}", data={**GOOD, "a2_laki_laki": "<b>x</b>", "pengisi": "Yakob"})
    assert r.status_code == 422 and "&lt;b&gt;x&lt;/b&gt;" in r.text and "<b>x</b>" not in r.text
    r = c.post(f"/formulir/{yobeh}", data={**GOOD, "pengisi": "Yakob"})
    assert r.status_code == 303
    assert c.get("/api/formulir/l0").json["submissions"] == [], "Yobeh's link cannot submit for Sereh"
    assert c.get("/api/formulir/l1").json["latest"]["source"] == "web"
    c.post("/api/formulir/batches/se-1/close")
    assert c.get(f"/formulir/{sereh}").status_code == 404, "the link expires with the batch"


def test_the_prodeskel_export_has_a_column_per_field_code_and_no_formulas(app) -> None:
    c = app.test_client()
    assert c.post("/api/formulir/l0/submissions", json={"values": GOOD, "submitted_by": "Tim"}).status_code == 201
    c.post("/api/formulir/l0/submissions/1/review", json={"decision": "accept", "reviewer": "Tim"})
    c.post("/api/formulir/l1/submissions", json={"values": GOOD, "submitted_by": "Tim"})  # not yet verified
    activity = c.post("/api/activities", json={"kegiatan": "Profil Kampung", "tahun": 2026, "sk_id": "sk-1"}).json
    rows = list(csv.reader(io.StringIO(c.get(f"/api/activities/{activity['id']}/prodeskel.csv").data
                                       .decode("utf-8-sig"))))
    assert rows[0] == ["kode_kampung", "nama_kampung", "distrik", *f.CODES]
    assert [r[:3] for r in rows[1:]] == [["kampung-sereh", "Kampung Sereh", "Sentani"]], "only accepted data"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["a1_jumlah_penduduk"] == "1250" and row["d2_potensi_unggulan"].startswith("'=")
    book = load_workbook(io.BytesIO(c.get(f"/api/activities/{activity['id']}/prodeskel.xlsx").data))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == rows[0] and sheet.cell(3, 1).value == "kampung-sereh"
    assert str(sheet.cell(3, 3 + f.CODES.index("d2_potensi_unggulan") + 1).value).startswith("'=")


def test_the_kampung_figures_come_from_the_submissions(app) -> None:
    """Steps 9 and 10 recorded by the submissions and verdicts themselves; the figures follow them."""
    c = app.test_client()
    container = app.extensions["naskah"]
    aid = c.post("/api/activities", json={"kegiatan": "Profil Kampung", "tahun": 2026, "sk_id": "sk-1"}).json["id"]
    t0 = datetime.now(UTC) - timedelta(days=30)

    def at(hours: float) -> str:
        return (t0 + timedelta(hours=hours)).isoformat()

    def step(n: int, start: float, end: float, figures: dict | None = None) -> None:
        r = c.post(f"/api/activities/{aid}/steps", json={"step": n, "actor": "Tim", "started_at": at(start),
                                                          "ended_at": at(end), "figures": figures or {}})
        assert r.status_code == 201, r.json

    step(1, 0, 1)
    step(2, 1, 2)
    for i, (kind, extra) in enumerate([
            ("sk.drafted", {"drafter": "Kasubid"}), ("sk.submitted", {"by": "Kasubid"}),
            ("sk.reviewed", {"role": "kabid", "decision": "approve", "reviewer": "Kabid"}),
            ("sk.reviewed", {"role": "kadis", "decision": "approve", "reviewer": "Kadis"}),
            ("document.signed", {"kind": "sk", "document_id": "sk-1", "document": _ref("sk-1"),
                                 "signatures": [{"role": "kadis", "signer": "Kadis", "at": at(7)}]}),
            ("sk.archived", {"nomor": "800/1"})]):
        deliver(container, Envelope(kind, {"sk_id": "sk-1", "at": at(3 + i), **extra}, "sk-service"))
    step(7, 10, 11)
    step(8, 12, 13, {"assigned": ["Kampung Sereh", "Kampung Yobeh"]})

    c.post("/api/formulir/l0/submissions", json={"values": GOOD, "submitted_by": "Pokja Sereh"})
    c.post("/api/formulir/l0/submissions/1/review", json={"decision": "send_back", "reviewer": "Tim",
                                                         "notes": {"a4_jumlah_kk": "cek register"}})
    totals = c.get(f"/api/activities/{aid}").json["kampung"]
    assert (totals["assigned"], totals["returned"], totals["sent_back"], totals["verified"]) == (2, 1, 1, 0)
    c.post("/api/formulir/l0/submissions", json={"values": GOOD, "submitted_by": "Pokja Sereh"})
    c.post("/api/formulir/l0/submissions/2/review", json={"decision": "accept", "reviewer": "Tim"})
    c.post(f"/formulir/{f.token(KEY, 'l1')}", data={**GOOD, "pengisi": "Yakob"})
    activity = c.get(f"/api/activities/{aid}").json
    totals = activity["kampung"]
    assert (totals["assigned"], totals["returned"], totals["sent_back"], totals["verified"]) == (2, 2, 1, 1)
    steps = {line["step"]: line for line in activity["timeline"]}
    assert not steps[9]["missing"] and not steps[10]["missing"]
    assert "Formulir Kampung Sereh diterima (versi 2)" in steps[9]["outcome"], "every round is a step event"
    assert "dikembalikan kepada Pokja" in steps[10]["outcome"] and "diverifikasi" in steps[10]["outcome"]
    # A kampung not in step 8's list cannot hand over data: the step's rule refuses, nothing is kept.
    deliver(container, Envelope("signature.requested", {
        "kind": "surat_edaran", "batch_id": "se-2", "sk_tim": "sk-1", "signers": ["kadis"], "documents": [
            {"document_id": "l9", "kampung": {"nama": "Kampung Lain", "distrik": "Sentani", "kode": "lain"},
             "formulir_token_sha256": f.token_digest(f.token(KEY, "l9")), "document": _ref("l9")}]},
        "sk-service"))
    r = c.post("/api/formulir/l9/submissions", json={"values": GOOD, "submitted_by": "x"})
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid_figures"
    page = c.post(f"/formulir/{f.token(KEY, 'l9')}", data={**GOOD, "pengisi": "x"})
    assert page.status_code == 409 and "hubungi Tim Kegiatan" in page.text, "the web form says so in Indonesian"
    assert c.get("/api/formulir/l9").json["submissions"] == []


def test_crafted_input_is_a_4xx_never_a_500(app) -> None:
    c = app.test_client()
    nul = {**GOOD, "b4_batas_utara": "Danau\x00Sentani"}
    answers = [
        c.post("/api/formulir/l0/submissions", json={"values": nul, "submitted_by": "Tim"}),
        c.post("/api/formulir/l0/submissions", json={"values": GOOD, "submitted_by": "T\x00im"}),
        c.post("/api/formulir/l0/submissions", json={"values": {k: [v] for k, v in GOOD.items()},
                                                     "submitted_by": "Tim"}),
        c.post("/api/formulir/l0/submissions", json={"values": "x", "submitted_by": "Tim"}),
        c.post("/api/formulir/" + "l" * 5000 + "/submissions", json={"values": GOOD, "submitted_by": "Tim"}),
        c.post("/api/formulir/l0/submissions/99999999999999999999/review", json={"decision": "accept",
                                                                              "reviewer": "Tim"}),
        c.post("/api/formulir/l0/pdf?submitted_by=%00", data=b"%PDF-1.4", content_type="application/pdf"),
        c.post(f"/formulir/{f.token(KEY, 'l0')}", data={**GOOD, "pengisi": "Ya\x00kob"}),
        c.post(f"/formulir/{f.token(KEY, 'l0')}", data={**nul, "pengisi": "Yakob"}),
        c.get("/formulir/" + "%00" * 40),
        c.get("/api/activities/" + "a" * 5000 + "/prodeskel.csv"),
    ]
    assert all(400 <= r.status_code < 500 for r in answers), [(i, r.status_code) for i, r in enumerate(answers)]
    assert c.get("/api/formulir/l0").json["submissions"] == []
