"""Signature requests made straight from a `signature.requested` event, so the signing tests need no
sk-service: a sample SK-shaped PDF in the drafts bucket, one document or a batch of them."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask

from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from signature_service.consumers import on_signature_requested
from signature_service.pki.sample_pdf import sk_sample_pdf


def container(app: Flask) -> Any:
    return app.extensions["naskah"]


def ensure_buckets(app: Flask) -> None:
    store = container(app).runtime.store
    store.ensure_bucket(Buckets.SIGNED, object_lock=True)
    store.ensure_bucket(Buckets.DRAFTS)


def _draft(app: Flask, document_id: str) -> dict[str, str]:
    stored = container(app).runtime.store.put(Buckets.DRAFTS, f"sk/{document_id}/sk.pdf", sk_sample_pdf(),
                                              content_type="application/pdf", metadata={"document-id": document_id})
    return stored.ref()


def seed_document(app: Flask, signers: tuple[str, ...] = ("kadis",)) -> dict[str, str]:
    """One document to sign by `signers` in order; answers {signer: request id} and `document_id`."""
    ensure_buckets(app)
    document_id = str(uuid.uuid4())
    on_signature_requested(container(app).signing, Envelope(type="signature.requested", producer="tests", payload={
        "kind": "sk", "document_id": document_id, "title": "SK uji", "nomor": f"800/{document_id[:4]}/DPMK/2026",
        "signers": list(signers), "document": _draft(app, document_id)}))
    with container(app).signing.uow() as uow:
        requests = uow.requests.for_document(document_id)
    return {"document_id": document_id, **{r.signer: r.id for r in requests}}


def seed_batch(app: Flask, letters: int, signer: str = "kadis") -> str:
    """A batch of `letters` documents for one signer, each archived under bulk/{batch}/…; answers its id."""
    ensure_buckets(app)
    batch_id = str(uuid.uuid4())
    documents = []
    for i in range(letters):
        document_id = str(uuid.uuid4())
        documents.append({"document_id": document_id, "title": f"Surat Edaran {i}",
                          "document": _draft(app, document_id), "archive_key": f"bulk/{batch_id}/kampung-{i}.pdf"})
    on_signature_requested(container(app).signing, Envelope(type="signature.requested", producer="tests", payload={
        "kind": "surat_edaran", "batch_id": batch_id, "nomor": "400/9/DPMK/2026", "signers": [signer],
        "documents": documents}))
    return batch_id


def archived_versions(app: Flask, request_ids: set[str]) -> list[Any]:
    """Every version in the locked archive that names one of `request_ids` in its metadata."""
    store = container(app).runtime.store
    signing = container(app).signing
    with signing.uow() as uow:
        keys = {signing._target(uow.requests.get(rid), None, final=True)[1] for rid in request_ids}
    return [v for key in keys for v in store.list_versions(Buckets.SIGNED, key)
            if v.metadata.get("request-id") in request_ids]


def sign_audits(app: Flask, request_ids: set[str]) -> list[dict[str, Any]]:
    with container(app).signing.uow() as uow:
        return [a for a in uow.requests.audit_trail(limit=5000)
                if a["request_id"] in request_ids and a["action"] == "sign" and a["result"] == "ok"]
