"""The answers to a signature.requested (document.signed, signature.rejected) follow on its chain: the
command's correlation id, the command as their causation, whichever HTTP request signed or refused."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import text

from naskah_shared.messages import Envelope
from signature_service.consumers import on_signature_requested
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from signature_service.service_layer.commands import Client, Reject, Sign
from tests.signature.seed import _draft, container, ensure_buckets


def _requested(sig, signers: list[str]) -> tuple[Envelope, dict[str, str]]:
    ensure_buckets(sig)
    document_id = str(uuid.uuid4())
    command = Envelope(type="signature.requested", producer="tests", correlation_id=f"sk-chain-{document_id}",
                       payload={"kind": "sk", "signers": signers, "nomor": f"800/{document_id[:4]}/DPMK/2026",
                                "documents": [{"document_id": document_id, "title": "SK uji",
                                               "document": _draft(sig, document_id)}]})
    on_signature_requested(container(sig).signing, command)
    with container(sig).signing.uow() as uow:
        return command, {"document_id": document_id,
                         **{r.signer: r.id for r in uow.requests.for_document(document_id)}}


def _outbox(sig, type: str, document_id: str) -> list[dict]:
    with container(sig).runtime.engine.connect() as conn:
        rows = conn.execute(text("SELECT body FROM outbox WHERE type = :t AND body LIKE :d"),
                            {"t": type, "d": f"%{document_id}%"}).scalars()
        return [json.loads(r) for r in rows]


def test_document_signed_follows_the_signature_requested(stack):
    _, sig = stack
    box = container(sig)
    command, ids = _requested(sig, ["kabid", "kadis"])
    for signer in ("kabid", "kadis"):
        box.signing.sign(Sign(ids[signer], box.accounts[signer], SIGNER_PASSPHRASES[signer], Client()))
    [signed] = _outbox(sig, "document.signed", ids["document_id"])
    assert (signed["correlation_id"], signed["causation_id"]) == (command.correlation_id, command.id)
    assert [s["signer"] for s in signed["payload"]["signatures"]] == ["kabid", "kadis"]


def test_signature_rejected_follows_the_signature_requested(stack):
    _, sig = stack
    box = container(sig)
    command, ids = _requested(sig, ["kabid", "kadis"])
    box.signing.reject(Reject(ids["kabid"], box.accounts["kabid"], "Diktum KEDUA salah.", Client()))
    [rejected] = _outbox(sig, "signature.rejected", ids["document_id"])
    assert (rejected["correlation_id"], rejected["causation_id"]) == (command.correlation_id, command.id)
    assert box.signing.request(ids["kadis"]).status.value == "cancelled"
    assert _outbox(sig, "document.signed", ids["document_id"]) == []
