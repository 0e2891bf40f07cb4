"""Service-to-service API keys: internal systems send `X-API-Key`; only SHA-256 hashes are configured.

Keys are random (`naskah api-key NAME` makes one, 256 bits), so a plain SHA-256 at rest is enough:
there is nothing to brute-force. With no keys configured (the embedded run) the API is open.

An entry may grant scopes beyond the plain API: `name:sha256:review` lets that system review an SK in a
person's stead (sk-service records it as the one who vouched). Scopes are never granted to an open API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping

from flask import Flask, g, request

from naskah_shared.web.errors import ApiError

OPEN = "open"  # g.api_client when no keys are configured


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


SCOPES = ("review",)  # what an entry may grant beyond the plain API


def new_key(name: str, scopes: tuple[str, ...] = ()) -> tuple[str, str]:
    """A fresh key and its `name:sha256[:scope…]` entry for NASKAH_API_KEYS."""
    key = secrets.token_urlsafe(32)
    return key, ":".join((name, key_hash(key), *scopes))


def parse_keys(entries: str) -> dict[str, str]:
    """`name:sha256[:scope…],…` → {name: sha256}; the config check has validated the shape."""
    return {parts[0]: parts[1] for parts in _entries(entries)}


def key_scopes(entries: str) -> dict[str, frozenset[str]]:
    """`name:sha256[:scope…],…` → {name: the scopes granted}."""
    return {parts[0]: frozenset(parts[2:]) for parts in _entries(entries)}


def _entries(entries: str) -> list[list[str]]:
    return [entry.strip().split(":") for entry in entries.split(",") if entry.strip()]


def has_scope(scope: str) -> bool:
    """Whether this request's API key was granted `scope` (never for the open embedded API)."""
    return scope in g.get("api_scopes", frozenset())


def require_api_keys(app: Flask, keys: Mapping[str, str], *, exempt: Callable[[], bool] = lambda: False,
                     scopes: Mapping[str, frozenset[str]] | None = None) -> None:
    """Every `/api/` request needs a configured key, unless `exempt()` (a route with its own auth)."""
    scopes = scopes or {}

    @app.before_request
    def _check() -> None:
        if not keys:
            g.api_client = OPEN
            return
        given = request.headers.get("X-API-Key", "")
        if given:
            digest = key_hash(given)
            for name, expected in keys.items():
                if hmac.compare_digest(digest, expected):
                    g.api_client = name
                    g.api_scopes = scopes.get(name, frozenset())
                    return
        if request.path.startswith("/api/") and not exempt():
            raise ApiError(401, "unauthenticated", "An API key is required (X-API-Key).")
