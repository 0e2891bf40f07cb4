"""The typed contracts between the services (naskah_shared.contracts): what each producer writes today passes
the check the outbox makes and loads into its type, the shapes of before still load, a broken payload is
refused at both ends, and a message round-trips through its payload."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from naskah_shared.contracts import (
    MESSAGES,
    ContractViolation,
    DisposisiCreated,
    DisposisiDone,
    DocumentRef,
    DocumentSigned,
    SignatureRejected,
    SignatureRequested,
    SkArchived,
    SkReviewed,
    SuratEdaranRejected,
    SuratEdaranRequested,
    check,
    load,
)
from naskah_shared.messages import Envelope
from sk_service.domain.sk import Decision, Role, Sk

REF = {"bucket": "naskah-drafts", "key": "sk/1/sk.pdf", "version_id": "v1", "sha256": "a" * 64}
SIGNED = {**REF, "bucket": "naskah-signed", "key": "sk/sk-1/800-001-DPMK-2026.pdf"}
AT = "2026-11-25T09:00:00+00:00"
SK = {"sk_id": "sk-1", "revision": 2, "title": "SK Tim Pendataan", "document": REF}  # every sk.* event says these

# What each producer writes today (the code it is copied from in the comment).
PAYLOADS = {
    # sk-service, domain/sk.py
    "sk.drafted": {**SK, "revision": 1, "status": "draft", "awaiting": None, "drafter": "kasubid-1",
                   "kegiatan": "Pendataan", "tahun": 2026},
    "sk.revised": {**SK, "status": "draft", "awaiting": None, "by": "kasubid-1", "changed_fields": ["anggota[3]"]},
    "sk.submitted": {**SK, "status": "submitted", "awaiting": "kabid", "by": "kasubid-1"},
    "sk.reviewed": {**SK, "status": "submitted", "awaiting": "kadis", "role": "kabid", "decision": "approve",
                    "note": "", "reviewer": "kabid-1", "reviewer_id": "kabid-1", "reviewer_nama": "Rahmi",
                    "vouched_by": None, "status_after": "with_kadis"},
    "sk.approved": {**SK, "status": "signing", "awaiting": None, "nomor": "800/001/DPMK/2026"},
    "sk.archived": {**SK, "status": "archived", "awaiting": None, "nomor": "800/001/DPMK/2026", "document": SIGNED},
    # sk-service, domain/surat_edaran.py
    "surat_edaran.requested": {"kind": "surat_edaran", "surat_edaran_id": "se-1", "status": "producing",
                               "sk_tim": "sk-1", "letters": 2},
    "surat_edaran.rejected": {"kind": "surat_edaran", "surat_edaran_id": "se-1", "status": "rejected",
                              "nomor": "800/002/DPMK/2026", "note": "Perbaiki perihal."},
    # signature-service, service_layer/signing.py (_names, _finish, reject)
    "document.signed": {"kind": "sk", "document_id": "sk-1", "sk_id": "sk-1", "nomor": "800/001/DPMK/2026",
                        "document": SIGNED, "level": "B-LT",
                        "signatures": [{"signer": "kabid", "role": "kabid", "at": AT},
                                       {"signer": "kadis", "role": "kadis", "at": AT}]},
    "signature.rejected": {"kind": "surat_edaran", "document_id": "letter-1", "batch_id": "se-1", "role": "kadis",
                           "signer": "kadis", "note": "Salah alamat."},
    # report-service, service_layer/disposisi.py (_payload)
    "disposisi.created": {"disposisi_id": "d-1", "activity_id": "a-1", "step": 6, "dari": "kabid",
                          "kepada": "kasubid", "nomor": "800/001/DPMK/2026", "tanggal": "2026-11-25",
                          "hal": "Pendataan", "sifat": "biasa", "instruksi": ["untuk ditindaklanjuti", "arsip"],
                          "catatan": "", "batas_waktu": AT, "diberikan_at": AT, "status": "open", "done_at": None,
                          "done_by": "", "done_note": ""},
}
PAYLOADS["disposisi.done"] = {**PAYLOADS["disposisi.created"], "status": "done", "done_at": AT,
                              "done_by": "kasubid-1", "done_note": "Diarsipkan."}
REQUESTS = {  # signature.requested, one shape from four producers
    "sk": {**SK, "status": "signing", "awaiting": None, "nomor": "800/001/DPMK/2026", "kind": "sk",
           "signers": ["kabid", "kadis"], "documents": [{"document_id": "sk-1", "title": "SK Tim", "document": REF}]},
    "surat_edaran": {"kind": "surat_edaran", "surat_edaran_id": "se-1", "status": "signing", "batch_id": "se-1",
                     "nomor": "800/002/DPMK/2026", "title": "Surat Edaran 800/002/DPMK/2026", "signers": ["kadis"],
                     "sk_tim": "sk-1", "documents": [
                         {"document_id": "letter-1", "title": "Surat Edaran: Ifar Besar", "document": REF,
                          "archive_key": "bulk/se-1/ifar-besar.pdf", "kampung": {"nama": "Ifar Besar",
                                                                                 "kode": "ifar-besar"},
                          "formulir_token_sha256": "b" * 64}]},
    "report": {"kind": "report", "report_id": "r-1", "signers": ["kabid"], "nomor": None,
               "documents": [{"document_id": "r-1", "document": REF, "title": "Laporan Kegiatan Pendataan"}]},
    "disposisi": {"kind": "disposisi", "disposisi_id": "d-1", "signers": ["kabid"], "nomor": None,
                  "documents": [{"document_id": "d-1", "document": REF, "title": "Lembar Disposisi langkah 6"}],
                  "invisible": True},
}


def _approved_sk() -> Sk:
    now = datetime.now(UTC)
    sk = Sk.draft("sk-1", {"kegiatan": "Pendataan", "tahun": "2026"}, "kasubid", now, document=REF)
    sk.submit("kasubid", document=REF)
    sk.review(Role.KABID, Decision.APPROVE, "", "kabid", now, document=REF)
    sk.review(Role.KADIS, Decision.APPROVE, "", "kadis", now, document=REF)
    sk.approve_for_signing("800/001/DPMK/2026", REF)
    return sk


def test_every_event_an_sk_records_passes_its_contract():
    events = _approved_sk().events
    assert {e.type for e in events} >= {"sk.drafted", "sk.submitted", "sk.reviewed", "sk.approved",
                                        "signature.requested"}
    for event in events:
        check(event.type, event.data)
        assert MESSAGES[event.type].load(event.data).to_payload()["sk_id"] == "sk-1"


def test_the_sk_asks_in_the_one_shape():
    [event] = [e for e in _approved_sk().events if e.type == "signature.requested"]
    command = SignatureRequested.load(event.data)
    assert command.kind == "sk" and command.signers == ["kabid", "kadis"]
    assert [d.document_id for d in command.documents] == ["sk-1"]
    assert command.documents[0].document == DocumentRef(**REF)
    assert command.extra["sk_id"] == "sk-1"  # the producer's own names ride along


@pytest.mark.parametrize("type", sorted(PAYLOADS))
def test_what_each_producer_writes_passes_and_round_trips(type):
    payload = PAYLOADS[type]
    check(type, payload)
    message = MESSAGES[type].load(payload)
    assert type == message.TYPE and payload.items() <= message.to_payload().items()  # and the defaults
    assert MESSAGES[type].from_payload(message.to_payload()) == message


@pytest.mark.parametrize("kind", sorted(REQUESTS))
def test_every_producer_asks_for_signatures_in_the_one_shape(kind):
    check("signature.requested", REQUESTS[kind])
    command = SignatureRequested.load(REQUESTS[kind])
    assert command.kind == kind and command.to_payload() | {"invisible": False} == {
        "batch_id": None, "title": None, **REQUESTS[kind], "invisible": False,
        "documents": [{"title": None, "archive_key": None, **d} for d in REQUESTS[kind]["documents"]]}
    assert all(isinstance(d.document, DocumentRef) for d in command.documents)


def test_a_letter_keeps_what_report_service_reads_of_it():
    letter = SignatureRequested.load(REQUESTS["surat_edaran"]).documents[0]
    assert letter.archive_key == "bulk/se-1/ifar-besar.pdf"
    assert letter.extra == {"kampung": {"nama": "Ifar Besar", "kode": "ifar-besar"},
                            "formulir_token_sha256": "b" * 64}


def test_typed_fields_load_typed():
    signed = DocumentSigned.load(PAYLOADS["document.signed"])
    assert signed.document == DocumentRef(**SIGNED) and signed.extra == {}  # sk_id is document_id
    assert [(x.role, x.at) for x in signed.signatures][-1] == ("kadis", datetime(2026, 11, 25, 9, tzinfo=UTC))
    done = DisposisiDone.load(PAYLOADS["disposisi.done"])
    assert done.done_at == datetime(2026, 11, 25, 9, tzinfo=UTC) and done.instruksi[-1] == "arsip"
    assert SkArchived.load(PAYLOADS["sk.archived"]).document == DocumentRef(**SIGNED)
    assert SkReviewed.load(PAYLOADS["sk.reviewed"]).status_after == "with_kadis"
    assert SuratEdaranRejected.load(PAYLOADS["surat_edaran.rejected"]).note == "Perbaiki perihal."


def test_an_answer_names_a_single_document_as_its_consumers_read_it():
    rejected = SignatureRejected(kind="report", document_id="r-1", role="kabid", signer="kabid", note="Kurang.")
    assert rejected.to_payload()["report_id"] == "r-1"
    letter = SignatureRejected.load(PAYLOADS["signature.rejected"])
    assert "surat_edaran_id" not in letter.to_payload() and letter.batch_id == "se-1"


# --- shapes of before, still in queues and outboxes --------------------------------------------------------

def test_the_old_single_document_request_still_loads_but_is_not_written_again():
    old = {"kind": "report", "report_id": "r-1", "document": REF, "title": "Laporan", "signers": ["kabid"]}
    command = SignatureRequested.load(old)
    assert [(d.document_id, d.title) for d in command.documents] == [("r-1", "Laporan")]
    with pytest.raises(ContractViolation):
        check("signature.requested", old)


def test_an_answer_from_before_document_id_still_loads():
    old = {"kind": "sk", "sk_id": "sk-1", "nomor": "800/001/DPMK/2026", "document": SIGNED}
    signed = DocumentSigned.load(old)
    assert (signed.kind, signed.document_id, signed.signatures) == ("sk", "sk-1", [])
    assert SignatureRejected.load({"report_id": "r-1", "kind": "report", "note": "x"}).document_id == "r-1"
    assert SignatureRejected.load({"sk_id": "sk-1", "role": "kadis"}).kind == "sk"  # kind came later
    with pytest.raises(ContractViolation):
        check("document.signed", old)


def test_an_sk_event_from_before_title_and_awaiting_still_loads():
    old = {"sk_id": "sk-1", "revision": 1, "status": "submitted", "by": "kasubid-1"}
    assert MESSAGES["sk.submitted"].load(old).awaiting is None
    check("sk.submitted", old)


# --- broken payloads ---------------------------------------------------------------------------------------

BROKEN = [
    ("signature.requested", {"kind": "sk", "signers": ["kadis"], "documents": []}),
    ("signature.requested", {"kind": "sk", "signers": [], "documents": [{"document_id": "x", "document": REF}]}),
    ("signature.requested", {"kind": "../etc", "signers": ["kadis"],
                             "documents": [{"document_id": "x", "document": REF}]}),
    ("signature.requested", {"kind": "sk", "signers": ["kadis"],
                             "documents": [{"document_id": "x", "document": {**REF, "sha256": "z"}}]}),
    ("signature.requested", {"kind": "sk", "signers": ["kadis"], "document_id": "x"}),
    ("document.signed", {**PAYLOADS["document.signed"], "document": {**SIGNED, "bytes": "JVBERi0="}}),
    ("document.signed", {**PAYLOADS["document.signed"], "signatures": [{"signer": "kadis", "at": "kemarin"}]}),
    ("document.signed", {k: v for k, v in PAYLOADS["document.signed"].items() if k != "document"}),
    ("signature.rejected", {"kind": "surat_edaran", "batch_id": "se-1"}),
    ("sk.reviewed", {**PAYLOADS["sk.reviewed"], "decision": "maybe"}),
    ("sk.reviewed", {k: v for k, v in PAYLOADS["sk.reviewed"].items() if k != "role"}),
    ("sk.approved", {**PAYLOADS["sk.approved"], "nomor": ""}),
    ("sk.archived", {**PAYLOADS["sk.archived"], "sk_id": None}),
    ("sk.drafted", {**PAYLOADS["sk.drafted"], "revision": "dua"}),
    ("surat_edaran.rejected", {"kind": "sk", "surat_edaran_id": "se-1"}),
    ("surat_edaran.requested", {"kind": "surat_edaran"}),
    ("disposisi.created", {**PAYLOADS["disposisi.created"], "kepada": "bupati"}),
    ("disposisi.done", {**PAYLOADS["disposisi.done"], "batas_waktu": None}),
]


@pytest.mark.parametrize(("type", "payload"), BROKEN)
def test_a_broken_payload_is_refused_at_both_ends(type, payload):
    with pytest.raises(ContractViolation):
        check(type, payload)
    with pytest.raises(ContractViolation):
        MESSAGES[type].load(payload)


def test_a_type_no_other_service_reads_has_no_contract():
    check("activity.step_recorded", {"anything": 1})
    with pytest.raises(ContractViolation):
        load(Envelope("activity.step_recorded", {"anything": 1}, "report-service"))


# --- envelopes ---------------------------------------------------------------------------------------------

def test_a_message_comes_back_from_its_envelope_on_the_wire():
    signed = DocumentSigned(kind="report", document_id="r-1", document=DocumentRef(**SIGNED))
    sent = Envelope(signed.TYPE, signed.to_payload(), "signature-service", version=signed.VERSION)
    assert (sent.type, sent.version, sent.payload["report_id"]) == ("document.signed", 1, "r-1")
    assert load(Envelope.from_json(sent.to_json())) == signed


def test_a_version_newer_than_this_code_reads_is_refused():
    newer = Envelope("disposisi.created", PAYLOADS["disposisi.created"], "report-service",
                     version=DisposisiCreated.VERSION + 1)
    with pytest.raises(ContractViolation, match="version"):
        load(newer)


def test_a_document_ref_is_exactly_its_four_names():
    ref = DocumentRef.from_dict(REF)
    assert ref.to_dict() == REF and DocumentRef.from_dict(ref.to_dict()) == ref
    for bad in ({**REF, "extra": 1}, {k: v for k, v in REF.items() if k != "sha256"}, {**REF, "bucket": ""}, None):
        with pytest.raises(ContractViolation):
            DocumentRef.from_dict(bad)


def test_every_contract_is_listed_under_its_routing_key():
    assert all(t == m.TYPE for t, m in MESSAGES.items())
    assert SuratEdaranRequested.TYPE in MESSAGES and len(MESSAGES) == 13
