"""sk-service end to end on the real RabbitMQ, PostgreSQL, SeaweedFS S3 and LibreOffice (SOP steps 2-5)."""

from __future__ import annotations

import subprocess
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert
from werkzeug.test import TestResponse

from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import StoredObject
from naskah_shared.testing.postgres import fresh_database
from sk_service.adapters import tables as t
from sk_service.app import create_app
from tests.conftest import keyed, stack_settings
from tests.data import INJECTIONS, sk_payload
from tests.spy import spy_on

BY = {"reviewer": "Kabid/Kadis via tests"}  # the tests' API key vouches for reviews (review scope)
NOTE = "Tambahkan dasar hukum Permendagri 1/2023."
TATA_NASKAH = "Permendagri Nomor 1 Tahun 2023 tentang Tata Naskah Dinas;"


@pytest.fixture
def sk(real_stack):
    app = keyed(create_app(real_stack(converters=1), migrate=True))
    container = app.extensions["naskah"]
    container.runtime.start()
    yield app
    container.close()


def pdftotext(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


@dataclass
class Flow:
    """One SK taken through SOP steps 2-5 over HTTP: every answer, the events, the versions in the store."""

    body: dict[str, Any]
    sk_id: str
    answers: dict[str, TestResponse]
    events: list[Envelope]
    stored: list[StoredObject]

    @property
    def nomor(self) -> str:
        return self.answers["kadis_approves"].json["nomor"]


@pytest.fixture(scope="module")
def flow(amqp_url, seaweed) -> Flow:
    """An SK of 60 members and 12 diktum, with text that must print literally among them, drafted, reviewed out
    of turn, rejected by the Kabid, revised, approved by the Kabid and the Kadis; once for the tests below.
    The service stops before they run, so its consumers take no event meant for the module's other tests."""
    with fresh_database() as database_url:
        app = keyed(create_app(stack_settings(database_url, amqp_url, seaweed, converters=1), migrate=True))
        container = app.extensions["naskah"]
        container.runtime.start()
        try:
            return _take_through_the_sop(app, amqp_url)
        finally:
            container.close()


def _take_through_the_sop(app: Flask, amqp_url: str) -> Flow:
    c = app.test_client()
    members = sk_payload(members=60)["anggota"]
    members[3]["nama"] = INJECTIONS[0]
    members[4]["jabatan"] = INJECTIONS[1]
    members[5]["nama"] = INJECTIONS[2]
    members[6]["kedudukan_dalam_tim"] = INJECTIONS[3]
    body = sk_payload(anggota=members, diktum=[f"Diktum nomor {i + 1}." for i in range(12)])
    revised = dict(body, mengingat=[*body["mengingat"], TATA_NASKAH])
    answers: dict[str, TestResponse] = {}
    with spy_on(amqp_url, ["sk.#", "signature.requested"]) as spy:
        answers["draft"] = c.post("/api/sk", json=body, headers={"X-Request-ID": "req-draft-1"})
        assert answers["draft"].status_code == 201, answers["draft"].json
        sk_id = answers["draft"].json["id"]
        reviews = f"/api/sk/{sk_id}/reviews"
        steps = [
            ("kabid_reviews_a_draft", "post", reviews, {"role": "kabid", **BY, "decision": "approve"}),
            ("submit", "post", f"/api/sk/{sk_id}/submit", None),
            ("kadis_reviews_first", "post", reviews, {"role": "kadis", **BY, "decision": "approve"}),
            ("kabid_rejects_without_note", "post", reviews, {"role": "kabid", **BY, "decision": "reject"}),
            ("kabid_rejects", "post", reviews, {"role": "kabid", **BY, "decision": "reject", "note": NOTE}),
            ("revise", "put", f"/api/sk/{sk_id}", revised),
            ("diff", "get", f"/api/sk/{sk_id}/diff?from=1&to=2", None),
            ("resubmit", "post", f"/api/sk/{sk_id}/submit", None),
            ("kabid_approves", "post", reviews, {"role": "kabid", **BY, "decision": "approve"}),
            ("kadis_approves", "post", reviews, {"role": "kadis", **BY, "decision": "approve"}),
        ]
        for name, method, url, json in steps:
            answers[name] = getattr(c, method)(url, json=json)
        events = spy.wait_for(lambda es: any(e.type == "signature.requested" for e in es))
    for name, url in (("pdf_1", f"/api/sk/{sk_id}/versions/1.pdf"), ("docx_1", f"/api/sk/{sk_id}/versions/1.docx"),
                      ("versions", f"/api/sk/{sk_id}/versions"), ("latest_pdf", f"/api/sk/{sk_id}/latest.pdf")):
        answers[name] = c.get(url)
    stored = app.extensions["naskah"].runtime.store.list_versions("naskah-drafts", f"sk/{sk_id}/sk.pdf")
    return Flow(body, sk_id, answers, events, stored)


def test_a_draft_is_revision_1_and_its_pdf_holds_every_part_literally(flow: Flow) -> None:
    draft = flow.answers["draft"]
    assert draft.json["status"] == "draft" and draft.json["revision"] == 1
    pdf = flow.answers["pdf_1"]
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = " ".join(pdftotext(pdf.data).split())
    for heading in ("KEPUTUSAN KEPALA DINAS", "NOMOR", "TENTANG", "Menimbang", "Mengingat", "MEMUTUSKAN",
                    "Menetapkan", "KESATU", "KEDUA", "KESEPULUH", "KESEBELAS", "KEDUA BELAS", "LAMPIRAN",
                    "Pangkat/", "Golongan", "Kedudukan", "Tembusan"):
        assert heading in text, heading
    for m in flow.body["anggota"]:
        assert m["nip"] in text
    for payload in INJECTIONS:
        assert payload in text, payload
    # The injected {{ 7*7 }} stands in member 4's row, between the NIPs of members 3 and 5: no 49 there.
    anggota = flow.body["anggota"]
    row = text.split(anggota[2]["nip"])[1].split(anggota[4]["nip"])[0]
    assert INJECTIONS[0] in row and "49" not in row


def test_reviews_keep_the_sops_order_and_a_rejection_needs_a_note(flow: Flow) -> None:
    a = flow.answers
    assert a["kabid_reviews_a_draft"].status_code == 409, "a draft awaits no review at all"
    assert a["submit"].status_code == 200
    assert a["kadis_reviews_first"].status_code == 403, "the Kabid's step, not the Kadis's"
    assert a["kadis_reviews_first"].json["error"]["code"] == "wrong_reviewer"
    assert a["kabid_rejects_without_note"].status_code == 422
    assert "note" in a["kabid_rejects_without_note"].json["error"]["details"]["fields"]
    assert a["kabid_rejects"].status_code == 200 and a["kabid_rejects"].json["status"] == "rejected_by_kabid"


def test_a_revision_names_the_fields_it_changed(flow: Flow) -> None:
    revise = flow.answers["revise"]
    assert revise.status_code == 200 and revise.json["revision"] == 2
    assert revise.json["changed_fields"] == ["mengingat[3]"]
    assert flow.answers["diff"].json["changed_fields"] == ["mengingat[3]"]


def test_the_kabid_then_the_kadis_approve_and_the_sk_takes_the_first_nomor(flow: Flow) -> None:
    assert flow.answers["resubmit"].status_code == 200
    assert flow.answers["kabid_approves"].json["status"] == "with_kadis"
    approved = flow.answers["kadis_approves"]
    assert approved.status_code == 200 and approved.json["status"] == "signing"
    # The office's nomor_format (klasifikasi/seq/code/year), the year the SK's, the first seq of a fresh database.
    assert flow.nomor == f"800/001/DPMK/{flow.body['tahun']}", flow.nomor


def test_each_step_is_an_event_in_order_and_signing_is_asked_for_the_final_pdf(flow: Flow) -> None:
    mine = [e for e in flow.events if e.payload.get("sk_id") == flow.sk_id]
    assert [e.type for e in mine] == ["sk.drafted", "sk.submitted", "sk.reviewed", "sk.revised", "sk.submitted",
                                      "sk.reviewed", "sk.reviewed", "sk.approved", "signature.requested"]
    assert mine[0].correlation_id == "req-draft-1"
    requested = mine[-1].payload
    assert requested["signers"] == ["kabid", "kadis"] and requested["nomor"] == flow.nomor
    assert set(requested["document"]) == {"bucket", "key", "version_id", "sha256"}


def test_every_revision_and_the_final_are_kept_as_versions(flow: Flow) -> None:
    assert [v["revision"] for v in flow.answers["versions"].json] == [1, 2, 2]
    stored = flow.stored
    assert len(stored) == 3 and stored[0].metadata["status"] == "final" and stored[0].metadata["nomor"] == flow.nomor
    assert {v.metadata["document-id"] for v in stored} == {flow.sk_id}
    final_text = pdftotext(flow.answers["latest_pdf"].data)
    assert flow.nomor in final_text and "Permendagri Nomor 1 Tahun 2023" in " ".join(final_text.split())
    docx = flow.answers["docx_1"]
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_document_signed_archives_the_sk(sk, amqp_url):
    c = sk.test_client()
    sk_id = c.post("/api/sk", json=sk_payload(members=3)).json["id"]
    c.post(f"/api/sk/{sk_id}/submit")
    c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kabid", **BY, "decision": "approve"})
    nomor = c.post(f"/api/sk/{sk_id}/reviews", json={"role": "kadis", **BY, "decision": "approve"}).json["nomor"]
    signed = {"bucket": "naskah-signed", "key": f"sk/{sk_id}/x.pdf", "version_id": "v1", "sha256": "0" * 64}
    with spy_on(amqp_url, ["sk.archived"]) as spy:
        event = Envelope(type="document.signed", producer="signature-service",
                         payload={"kind": "sk", "sk_id": sk_id, "nomor": nomor, "document": signed})
        sk.extensions["naskah"].runtime.bus.publish(event)
        sk.extensions["naskah"].runtime.bus.publish(event)  # redelivered: handled once
        archived = spy.wait_for(lambda es: any(e.payload.get("sk_id") == sk_id for e in es))
    assert c.get(f"/api/sk/{sk_id}").json["status"] == "archived"
    assert c.get(f"/api/sk/{sk_id}").json["signed_document"] == signed
    assert [e for e in archived if e.payload.get("sk_id") == sk_id][0].causation_id == event.id


def test_bad_input_is_a_4xx_with_field_paths(sk):
    c = sk.test_client()
    bad = sk_payload(anggota=[{"nama": "A", "nip": "123", "pangkat_golongan": "x", "jabatan": "y",
                               "kedudukan_dalam_tim": "z"}])
    r = c.post("/api/sk", json=bad)
    assert r.status_code == 422
    assert "anggota.0.nip" in r.json["error"]["details"]["fields"]
    assert c.post("/api/sk", json=sk_payload(anggota=[])).status_code == 422
    assert c.post("/api/sk", data="not json", content_type="application/json").status_code in (400, 422)
    r = c.get(f"/api/sk/{uuid.uuid4()}")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    r = c.post("/api/sk", json=sk_payload(template="does_not_exist"))
    assert r.status_code == 422
    assert c.get("/api/sk").status_code == 200


def test_nomor_register_is_gapless_under_concurrency(sk):
    """Twenty Kadis approvals at the same moment on PostgreSQL: numbers 1..20, none shared, none skipped."""
    container = sk.extensions["naskah"]
    now = datetime.now(UTC)
    ids = [str(uuid.uuid4()) for _ in range(20)]
    with container.runtime.engine.begin() as conn:
        conn.execute(insert(t.sk), [{"id": i, "status": "with_kadis", "revision": 1, "drafter": "t", "content": {},
                                     "created_at": now, "updated_at": now, "lock_version": 1} for i in ids])
    barrier, errors = threading.Barrier(len(ids)), []

    def approve(sk_id: str) -> None:
        try:
            barrier.wait()
            with container.uow() as uow:
                seq = uow.sks.next_nomor_seq("DPMK", 2026)
                uow.sks.record_nomor("DPMK", 2026, seq, container.office.format_nomor(seq, 2026), sk_id=sk_id)
                uow.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    with container.uow() as uow:
        rows = uow.sks.nomor_assignments("DPMK", 2026)
    assert sorted(r["seq"] for r in rows) == list(range(1, 21))
    assert len({r["nomor"] for r in rows}) == 20 and {r["sk_id"] for r in rows} == set(ids)


def test_template_upload_is_checked_and_used(sk):
    import io
    import zipfile

    from sk_service.bootstrap import TEMPLATES

    c = sk.test_client()
    good = (TEMPLATES / "sk_tim.docx").read_bytes()

    def upload(name: str, data: bytes):
        return c.put(f"/api/templates/{name}", data={"file": (io.BytesIO(data), f"{name}.docx")},
                     content_type="multipart/form-data")

    r = upload("bukan-docx", b"%PDF-1.7 not a docx")
    assert r.status_code == 422 and r.json["error"]["code"] == "not_docx"
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/huge.xml", b"A" * (200 * 1024 * 1024))  # 200 MiB that packs to 200 KiB
    r = upload("bom", bomb.getvalue())
    assert r.status_code == 422 and r.json["error"]["code"] == "zip_bomb"
    stripped = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"nomor", b"nmr")
            dst.writestr(item, data)
    r = upload("tanpa-nomor", stripped.getvalue())
    assert r.status_code == 422 and r.json["error"]["code"] == "missing_placeholder" and "nomor" in str(r.json)

    r = upload("sk_tim_dinas", good)
    assert r.status_code == 201 and "anggota" in r.json["placeholders"]
    names = {t["name"]: (t["kind"], t["builtin"]) for t in c.get("/api/templates").json}
    assert names == {"sk_tim": ("sk", True), "surat_edaran": ("surat_edaran", True),
                     "sk_tim_dinas": ("sk", False)}
    r = upload("surat_edaran", good)  # a built-in's name: an upload must not replace it (issue 13 #6)
    assert r.status_code == 409 and r.json["error"]["code"] == "builtin_template"
    r = c.post("/api/sk", json=sk_payload(members=2, template="surat_edaran"))
    assert r.status_code == 422 and "template" in str(r.json["error"]["details"])
    drafted = c.post("/api/sk", json=sk_payload(members=2, template="sk_tim_dinas"))
    assert drafted.status_code == 201
    assert c.get("/api/templates/sk_tim_dinas.docx").data == good
    assert c.get("/api/templates/tidak_ada.docx").status_code == 404
    r = upload("Nama Salah", good)
    assert r.status_code in (404, 422) and r.is_json
