"""sk-service's letters carry a fillable Formulir: a field per instrument row, made before the Kadis signs,
the kampung and the web form's link in it, and what report-service needs to take it back in the batch's event."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from naskah_shared import formulir as f
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from scripts.make_surat_edaran_template import FORMULIR
from sk_service.adapters.tables import outbox
from sk_service.app import create_app as sk_app
from sk_service.consumers import on_answer
from sk_service.service_layer.commands import ProduceLetters
from sk_service.service_layer.surat_edaran import produce_letters
from tests.conftest import TEST_SECRET
from tests.data import sk_payload
from tests.flow import as_person


def test_the_instrument_s_rows_are_the_template_s_rows() -> None:
    """A field is placed beside its printed label: the two lists must say the same, in the same order."""
    printed = [(f"{letter} {section}", item) for letter, section, items in FORMULIR for item in items]
    assert printed == [(r.section, r.label) for r in f.ROWS]
    assert len(set(f.CODES)) == len(f.CODES)


def test_produced_letters_are_fillable_and_the_batch_tells_report_service_whom_each_is_for(
        tmp_path, uno_pool, pdf_text) -> None:
    app = sk_app({"database_url": f"sqlite:///{tmp_path}/sk.db", "store_url": f"file://{tmp_path}/store",
                  "secret_key": TEST_SECRET, "log_level": "ERROR",
                  "formulir_url": "https://naskah.example.go.id/formulir/"}, converter=uno_pool, migrate=True)
    container = app.extensions["naskah"]
    container.runtime.store.ensure_bucket(Buckets.DRAFTS)
    c = app.test_client()
    sk_id = c.post("/api/sk", json=sk_payload(members=3)).json["id"]
    c.post(f"/api/sk/{sk_id}/submit")
    for role in ("kabid", "kadis"):
        assert c.post(f"/api/sk/{sk_id}/reviews", json={"role": role, "decision": "approve"},
                      headers=as_person(app, role)).status_code == 200
    final_pdf = c.get(f"/api/sk/{sk_id}/versions").json[-1]["pdf"]
    on_answer(container.uow, Envelope("document.signed", {"kind": "sk", "sk_id": sk_id, "document": final_pdf},
                                      "signature-service"))
    kampung = [{"nama": "Kampung Sereh", "distrik": "Sentani"}, {"nama": "Kampung Yobeh", "distrik": "Sentani"}]
    se_id = c.post(f"/api/sk/{sk_id}/surat-edaran", json={"kampung": kampung, "batas_waktu": "2026-12-24"}).json["id"]
    produce_letters(container.uow, container.documents, ProduceLetters(se_id, Envelope(
        "surat_edaran.requested", {"kind": "surat_edaran", "surat_edaran_id": se_id}, "sk-service")), workers=2)
    with container.uow() as uow:
        [body] = [b for b in uow.session.scalars(select(outbox.outbox.c.body).where(
            outbox.outbox.c.type == "signature.requested")).all() if json.loads(b)["payload"].get("batch_id") == se_id]
    payload = json.loads(body)["payload"]
    assert payload["sk_tim"] == sk_id
    tokens = set()
    for d in payload["documents"]:
        pdf, _ = container.runtime.store.get(**{k: d["document"][k] for k in ("bucket", "key", "version_id")})
        reader = PdfReader(io.BytesIO(pdf))
        fields = reader.get_fields()
        assert set(f.CODES) <= set(fields), "a field per row"
        assert fields[f.FIELD_KAMPUNG_KODE]["/V"] == d["kampung"]["kode"]
        assert reader.metadata[f.META_DOCUMENT] == d["document_id"] and reader.metadata[f.META_BATCH] == se_id
        token = f.token(TEST_SECRET.encode(), d["document_id"])
        assert d["formulir_token_sha256"] == f.token_digest(token) and token not in body
        text = pdf_text(pdf)
        assert f"https://naskah.example.go.id/formulir/{token}" in text.replace("\n", ""), "the link is printed"
        tokens.add(token)
    assert len(tokens) == 2, "each kampung's link is its own"
    container.close()
