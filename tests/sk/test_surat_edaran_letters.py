"""The Surat Edaran of SOP step 8 in sk-service alone: the batch's states and events, its letters' keys, the
letter template's context, injection, the office's calendar date, and production that survives a failure."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from naskah_shared.convert import ConversionError
from naskah_shared.messages import Envelope
from naskah_shared.naming import letter_key, letter_slugs
from naskah_shared.storage.ports import Buckets
from sk_service.adapters.docx_context import surat_edaran_context
from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE, DocxtplRenderer
from sk_service.adapters.tables import outbox
from sk_service.app import create_app as sk_app
from sk_service.consumers import on_answer
from sk_service.domain.sk import Sk, TransitionNotAllowed
from sk_service.domain.sk import Status as SkStatus
from sk_service.domain.surat_edaran import Letter, LetterStatus, Status, SuratEdaran
from sk_service.domain.templates import LETTER_TEMPLATE, requirements
from sk_service.service_layer.commands import ProduceLetters
from sk_service.service_layer.surat_edaran import produce_letters
from tests.conftest import TEST_SECRET
from tests.data import INJECTIONS, sk_payload
from tests.flow import as_person

LETTER = BUILTIN_TEMPLATE.with_name(f"{LETTER_TEMPLATE}.docx")
AT = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 25 November, 07:30 WIT in Jayapura


def inspect_template(data: bytes, max_bytes: int, name: str = "sk_tim") -> list[str]:
    """What the template catalogue checks at upload: the placeholders and anchors its kind needs."""
    required, anchors = requirements(name)
    return DocxtplRenderer().inspect(data, max_bytes=max_bytes, required=required, anchors=anchors)



def _sk(status: SkStatus = SkStatus.ARCHIVED) -> Sk:
    return Sk(id="sk-1", content=sk_payload(members=3), drafter="kasubid", created_at=AT, status=status,
              nomor="800/001/DPMK/2026")


def _batch(kampung: list[dict[str, str]]) -> SuratEdaran:
    content = {"kampung": kampung, "batas_waktu": "2026-12-24", "perihal": "Pendataan Profil Kampung",
               "sifat": "Penting", "tembusan": []}
    return SuratEdaran.for_sk("se-1", _sk(), "800/002/DPMK/2026", content, [f"l{i}" for i in range(len(kampung))],
                              "tim", AT, slugs=letter_slugs(kampung))


def _archive_key(letter: Letter) -> str:
    return letter_key("se-1", letter.slug)


def test_letters_get_keys_of_their_own() -> None:
    se = _batch([{"nama": "Kampung Harapan", "distrik": "Sentani Timur"}, {"nama": "Kampung Harapan",
                 "distrik": "Nimboran"}, {"nama": "Kampung Ifar Besar", "distrik": "Sentani"}])
    assert [x.slug for x in se.letters] == ["sentani-timur-kampung-harapan", "nimboran-kampung-harapan",
                                            "kampung-ifar-besar"]
    assert [e.type for e in se.events] == ["surat_edaran.requested"]
    assert "sk_id" not in se.events[0].data, "report-service would take it for a step of the SK"


def test_the_batch_goes_to_signing_once_every_letter_is_produced_and_closes_with_the_last_signature() -> None:
    se = _batch([{"nama": "Kampung Sereh", "distrik": "Sentani"}, {"nama": "Kampung Ayapo", "distrik": "Sentani"}])
    se.events.clear()
    se.letters[0].status, se.letters[0].document = LetterStatus.PRODUCED, {"key": "a"}
    se.produced(_archive_key)
    assert se.status is Status.PRODUCING and not se.events
    se.letters[1].status, se.letters[1].document = LetterStatus.PRODUCED, {"key": "b"}
    se.produced(_archive_key)
    se.produced(_archive_key)  # a redelivered event asks no second signature
    assert se.status is Status.SIGNING and [e.type for e in se.events] == ["signature.requested"]
    request = se.events[0].data
    assert request["signers"] == ["kadis"] and request["batch_id"] == "se-1" and request["kind"] == "surat_edaran"
    assert [(d["document_id"], d["document"], d["archive_key"]) for d in request["documents"]] == [
        ("l0", {"key": "a"}, "bulk/se-1/kampung-sereh.pdf"), ("l1", {"key": "b"}, "bulk/se-1/kampung-ayapo.pdf")]
    se.events.clear()
    assert se.letter_signed("l0", {"key": "a-signed"}) is not None
    assert se.letter_signed("l0", {"key": "again"}) is None and se.letters[0].signed_document == {"key": "a-signed"}
    assert se.letter_signed("unknown", {}) is None and se.status is Status.SIGNING
    se.letter_signed("l1", {"key": "b-signed"})
    assert se.status is Status.SIGNED and [e.type for e in se.events] == ["surat_edaran.signed"]
    assert se.counts() == {"total": 2, "pending": 0, "produced": 0, "signed": 2, "rejected": 0}


def test_a_refused_letter_closes_the_batch_with_the_kadis_note() -> None:
    se = _batch([{"nama": "Kampung Sereh", "distrik": "Sentani"}, {"nama": "Kampung Ayapo", "distrik": "Sentani"}])
    for x in se.letters:
        x.status, x.document = LetterStatus.PRODUCED, {"key": x.slug}
    se.produced(_archive_key)
    se.events.clear()
    se.letter_signed("l0", {"key": "signed"})
    assert se.letter_rejected("l0", "sudah ditandatangani") is None, "a signed letter stays signed"
    assert se.letter_rejected("l1", "Perbaiki batas waktu") is not None
    assert se.letter_rejected("l1", "lagi") is None
    assert (se.status, se.note, [x.status for x in se.letters]) == (
        Status.REJECTED, "Perbaiki batas waktu", [LetterStatus.SIGNED, LetterStatus.REJECTED])
    assert [e.type for e in se.events] == ["surat_edaran.rejected"]


def test_only_an_archived_sk_sends_letters() -> None:
    for status in (SkStatus.DRAFT, SkStatus.SIGNING, SkStatus.SIGNED):
        with pytest.raises(TransitionNotAllowed, match="archived"):
            SuratEdaran.for_sk("se", _sk(status), "800/002/DPMK/2026", {"kampung": []}, [], "tim", AT, slugs=[])


def test_the_letter_is_dated_on_the_office_calendar_and_prints_user_data_literally(renderer, office,
                                                                                   docx_text) -> None:
    assert office.zona_waktu == "Asia/Jayapura" and office.local_date(AT).isoformat() == "2026-11-25"
    with pytest.raises(ValueError, match="IANA"):
        replace(office, zona_waktu="Papua/Jayapura")
    se = _batch([{"nama": f"Kampung {p}", "distrik": "Sentani", "kepala": p} for p in INJECTIONS])
    assert inspect_template(LETTER.read_bytes(), 2**20, LETTER_TEMPLATE)
    for letter, payload in zip(se.letters, INJECTIONS, strict=True):
        context = surat_edaran_context(se, _sk(), letter, office)
        assert context["tanggal"] == "25 November 2026" and context["batas_waktu"] == "24 Desember 2026"
        assert context["kampung"]["nama"] == payload and context["wilayah"] == "Jayapura"
        text = docx_text(renderer.render(LETTER.read_bytes(), context))
        assert f"Kepala Kampung {payload}" in text and f"({payload})" in text and "49" not in text
        assert "800/001/DPMK/2026" in text and "800/002/DPMK/2026" in text


class _DiesOnThirdLetter:
    """The real document production, with a converter crash injected at the third letter."""

    def __init__(self, real) -> None:
        self.real, self.calls = real, 0

    def produce_letter(self, se, sk, letter):
        self.calls += 1
        if self.calls == 3:
            raise ConversionError("crashed", "LibreOffice died mid-batch")
        return self.real.produce_letter(se, sk, letter)


def test_a_failed_letter_does_not_stop_the_others_and_the_retry_makes_only_it(tmp_path, uno_pool) -> None:
    app = sk_app({"database_url": f"sqlite:///{tmp_path}/sk.db", "store_url": f"file://{tmp_path}/store",
                  "secret_key": TEST_SECRET, "log_level": "ERROR"}, converter=uno_pool, migrate=True)
    container = app.extensions["naskah"]  # its runtime is not started: events stay in the outbox, for us to play
    container.runtime.store.ensure_bucket(Buckets.DRAFTS)
    c = app.test_client()
    sk_id = c.post("/api/sk", json=sk_payload(members=3)).json["id"]
    c.post(f"/api/sk/{sk_id}/submit")
    for role in ("kabid", "kadis"):  # an open API: only a person's assertion reviews
        assert c.post(f"/api/sk/{sk_id}/reviews", json={"role": role, "decision": "approve"},
                      headers=as_person(app, role)).status_code == 200
    final_pdf = c.get(f"/api/sk/{sk_id}/versions").json[-1]["pdf"]
    on_answer(container.uow, Envelope("document.signed", {"kind": "sk", "sk_id": sk_id, "document": final_pdf},
                                      "signature-service"))
    kampung = [{"nama": f"Kampung {n}", "distrik": "Sentani"} for n in ("Sereh", "Yobeh", "Hobong", "Ayapo")]
    se_id = c.post(f"/api/sk/{sk_id}/surat-edaran", json={"kampung": kampung, "batas_waktu": "2026-12-24"}).json["id"]
    requested = ProduceLetters(se_id, Envelope("surat_edaran.requested",
                                               {"kind": "surat_edaran", "surat_edaran_id": se_id}, "sk-service"))

    with pytest.raises(ConversionError):
        produce_letters(container.uow, _DiesOnThirdLetter(container.documents), requested, workers=1)
    half = c.get(f"/api/surat-edaran/{se_id}").json
    # The other letters were still made; the failed one waits for the retry.
    assert (half["status"], half["progress"]["produced"], half["progress"]["pending"]) == ("producing", 3, 1)
    made = {x["id"]: x["document"] for x in half["letters"] if x["document"]}

    for _ in range(2):  # the bus's retry, then a duplicate delivery
        produce_letters(container.uow, container.documents, requested, workers=2)
    done = c.get(f"/api/surat-edaran/{se_id}").json
    assert (done["status"], done["progress"]["produced"]) == ("signing", 4)
    assert all(x["document"] == made[x["id"]] for x in done["letters"] if x["id"] in made), "not made twice"
    with container.uow() as uow:
        asked = uow.session.scalars(select(outbox.outbox.c.body).where(
            outbox.outbox.c.type == "signature.requested")).all()
    letters = [d for body in asked if (p := json.loads(body)["payload"]).get("batch_id") == se_id
               for d in p["documents"]]
    assert sorted(d["archive_key"] for d in letters) == sorted(f"bulk/{se_id}/kampung-{n.lower()}.pdf"
                                                               for n in ("Sereh", "Yobeh", "Hobong", "Ayapo"))
    for letter in letters:
        data, _ = container.runtime.store.get(**{k: letter["document"][k] for k in ("bucket", "key", "version_id")})
        assert data.startswith(b"%PDF")
    container.close()
