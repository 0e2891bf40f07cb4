"""Service-to-service API keys: internal systems send `X-API-Key`; only SHA-256 hashes are configured.

Keys are random (`naskah api-key NAME` makes one, 256 bits), so a plain SHA-256 at rest is enough:
there is nothing to brute-force. With no keys configured (the embedded run) the API is open.
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


def new_key(name: str) -> tuple[str, str]:
    """A fresh key and its `name:sha256` entry for NASKAH_API_KEYS."""
    key = secrets.token_urlsafe(32)
    return key, f"{name}:{key_hash(key)}"


def parse_keys(entries: str) -> dict[str, str]:
    """`name:sha256,name:sha256` → {name: sha256}; the config check has validated the shape."""
    return dict(entry.strip().split(":", 1) for entry in entries.split(",") if entry.strip())


def require_api_keys(app: Flask, keys: Mapping[str, str], *, exempt: Callable[[], bool] = lambda: False) -> None:
    """Every `/api/` request needs a configured key, unless `exempt()` (a route with its own auth)."""

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
                    return
        if request.path.startswith("/api/") and not exempt():
            raise ApiError(401, "unauthenticated", "An API key is required (X-API-Key).")
