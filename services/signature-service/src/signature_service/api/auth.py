"""Signer authentication: `Authorization: Bearer <token>` names exactly one signer account."""

from __future__ import annotations

from flask import g, request

from naskah_shared.web import ApiError
from signature_service.api.container import container
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.commands import Client


def current_signer() -> SignerAccount:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if token:
        for account in container().accounts.values():
            if account.has_token(token):
                return account
    raise ApiError(401, "unauthenticated", "A signer's API token is required (Authorization: Bearer …).")


def signer_scope() -> SignerAccount | None:
    """None for an internal system (a valid API key, or an open embedded run); else the signer, who sees
    only requests addressed to them."""
    return None if g.get("api_client") else current_signer()


def client() -> Client:
    # remote_addr is the peer, or the proxy-reported client when NASKAH_PROXY_HOPS trusts a proxy (ProxyFix).
    return Client(remote_addr=request.remote_addr or "", user_agent=request.headers.get("User-Agent", ""))
