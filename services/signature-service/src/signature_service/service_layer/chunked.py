"""Signing several documents of a batch in one call of a key backend that can (BSrE v2's multi-file sign).

Everything around the call is `SigningService.sign`'s, per document: the signer and the document are checked,
a half-recorded signature is settled first, the attempt is reserved against the lockout before the
passphrase goes out (and a wrong one counts once for the whole call), and each signed PDF is archived and
audited on its own (`_archive`: its own intent, transaction and audit entry, with the backend's receipt for
that document). A document another call is writing is left for later, as `sign` would wait for it.
"""

from __future__ import annotations

from typing import Any

from naskah_shared.naming import signature_field
from signature_service.domain.requests import SignatureRequest, Status
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.commands import Client
from signature_service.service_layer.ports import SignItem
from signature_service.service_layer.signing import (
    SigningInProgress,
    SigningService,
)


def chunk_size(signing: SigningService, account: SignerAccount) -> int:
    """How many documents the account's key backend signs in one call (1 for a key naskah holds)."""
    return max(1, signing.deps.chunk_of(account))


def sign_chunk(signing: SigningService, request_ids: list[str], account: SignerAccount, passphrase: str,
               client: Client) -> list[str]:
    """Sign ``request_ids`` in one backend call; answers the ids left for later (being written elsewhere)."""
    ready: list[tuple[SignatureRequest, bytes, dict[str, Any]]] = []
    later: list[str] = []
    for request_id in request_ids:
        with signing.uow() as uow:
            req = signing._get(uow, request_id, for_update=False)
            req.check_signer(account.id)
            left_behind = uow.guards.intent(req.id) is not None
        if left_behind:
            try:
                req = signing.recover(req.id) or req
            except SigningInProgress:
                later.append(request_id)
                continue
        if req.status is Status.SIGNED:
            continue
        req.ensure_signable()
        data, audit = signing._document_to_sign(req, account, client)
        ready.append((req, data, audit))
    if not ready:
        return later
    signer = signing._open_key(account, passphrase, ready[0][2])
    deferred = getattr(signer, "checks_passphrase_when_signing", False)
    stamp = account.stamp_text(signing.stamp_heading)
    items = [SignItem(data, signature_field(account.id), stamp, None, signing.verify_url(req.document_id))
             for req, data, _ in ready]
    with signing._signing_attempt(account, [audit for _, _, audit in ready], deferred=deferred):
        many = getattr(signer, "sign_many", None)
        signed = many(items, signing.level) if many is not None else [
            signer.sign(i.pdf, field=i.field, level=signing.level, stamp=i.stamp, qr_url=i.qr_url) for i in items]
    receipts = list(getattr(signer, "receipts", None) or [])
    for i, ((req, _, audit), pdf) in enumerate(zip(ready, signed, strict=True)):
        if i < len(receipts) and receipts[i]:
            audit["remote_ref"] = receipts[i][:200]
        try:
            signing._archive(req, account, pdf, audit)
        except SigningInProgress:
            later.append(req.id)
    return later
