"""The one shape of `signature.requested` (naskah_shared.contracts): what each producer sends passes the
check the outbox makes, the old single-document shape still loads, and a broken one is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from naskah_shared.contracts import ContractViolation, check, load_signature_requested
from sk_service.domain.sk import Decision, Role, Sk

REF = {"bucket": "naskah-drafts", "key": "sk/1/sk.pdf", "version_id": "v1", "sha256": "a" * 64}


def _approved_sk() -> Sk:
    now = datetime.now(UTC)
    sk = Sk.draft("sk-1", {"kegiatan": "Pendataan", "tahun": "2026"}, "kasubid", now, document=REF)
    sk.submit("kasubid", document=REF)
    sk.review(Role.KABID, Decision.APPROVE, "", "kabid", now, document=REF)
    sk.review(Role.KADIS, Decision.APPROVE, "", "kadis", now, document=REF)
    sk.approve_for_signing("800/001/DPMK/2026", REF)
    return sk


def test_the_sk_asks_in_the_one_shape():
    [event] = [e for e in _approved_sk().events if e.type == "signature.requested"]
    check(event.type, dict(event.data))
    command = load_signature_requested(dict(event.data))
    assert command.kind == "sk" and command.signers == ["kabid", "kadis"]
    assert [d.document_id for d in command.documents] == ["sk-1"] and command.documents[0].document == REF
    assert command.extra["sk_id"] == "sk-1"  # the producer's own names ride along


def test_the_old_single_document_shape_still_loads():
    command = load_signature_requested({"kind": "report", "report_id": "r-1", "document": REF, "title": "Laporan",
                                        "signers": ["kabid"]})
    assert [(d.document_id, d.title) for d in command.documents] == [("r-1", "Laporan")]


@pytest.mark.parametrize("payload", [
    {"kind": "sk", "signers": ["kadis"], "documents": []},
    {"kind": "sk", "signers": [], "documents": [{"document_id": "x", "document": REF}]},
    {"kind": "../etc", "signers": ["kadis"], "documents": [{"document_id": "x", "document": REF}]},
    {"kind": "sk", "signers": ["kadis"], "documents": [{"document_id": "x", "document": {**REF, "sha256": "z"}}]},
    {"kind": "sk", "signers": ["kadis"], "document_id": "x"},
])
def test_a_broken_request_is_refused_at_both_ends(payload):
    with pytest.raises(ContractViolation):
        check("signature.requested", payload)
    with pytest.raises(ContractViolation):
        load_signature_requested(payload)


def test_types_without_a_contract_pass():
    check("sk.drafted", {"anything": 1})
