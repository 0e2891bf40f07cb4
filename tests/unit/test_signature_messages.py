"""signature-service's answers as the other services read them: the signing order's events become the typed
contracts' document.signed and signature.rejected, on the chain of the signature.requested they answer."""

from __future__ import annotations

from datetime import UTC, datetime

from naskah_shared import contracts
from naskah_shared.messages import Envelope
from signature_service.domain.events import DocumentSigned, Signature, SignatureRejected
from signature_service.domain.requests import Requested
from signature_service.service_layer.messages import envelope_for

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FINAL = {"bucket": "naskah-signed", "key": "sk/sk-1/800-001-DPMK-2026.pdf", "version_id": "v3", "sha256": "ef" * 32}


def test_document_signed_is_the_contracts_message_on_the_requests_chain() -> None:
    event = DocumentSigned(kind="sk", document_id="sk-1", batch_id=None, nomor="800/001/DPMK/2026", document=FINAL,
                           level="B-LT", signatures=(Signature("kabid", "kabid", AT), Signature("kadis", "kadis", AT)))
    envelope = envelope_for(event, Requested("evt-1", "corr-sk-1"))
    assert (envelope.type, envelope.correlation_id, envelope.causation_id) == ("document.signed", "corr-sk-1", "evt-1")
    contracts.check(envelope.type, envelope.payload)
    assert envelope.payload["sk_id"] == "sk-1" and envelope.payload["document"] == FINAL  # what sk-service reads
    signed = contracts.load(Envelope.from_json(envelope.to_json()))
    assert isinstance(signed, contracts.DocumentSigned)
    assert [(s.signer, s.role, s.at) for s in signed.signatures] == [("kabid", "kabid", AT), ("kadis", "kadis", AT)]


def test_signature_rejected_of_a_batch_letter_names_its_batch() -> None:
    event = SignatureRejected(kind="surat_edaran", document_id="se-1", batch_id="batch-1", signer="kadis",
                              role="kadis", note="Nomor salah.")
    envelope = envelope_for(event, None)
    assert envelope.causation_id is None and envelope.correlation_id == envelope.id
    rejected = contracts.load(envelope)
    assert isinstance(rejected, contracts.SignatureRejected)
    assert (rejected.batch_id, rejected.signer, rejected.note) == ("batch-1", "kadis", "Nomor salah.")
    assert "surat_edaran_id" not in envelope.payload  # a batch's letter is named by its batch
