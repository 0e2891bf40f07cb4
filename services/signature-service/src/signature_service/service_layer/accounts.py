"""Signer accounts and the key ring that holds their unlocked keys, briefly, in memory.

A passphrase (or PKCS#11 PIN) is never stored or logged. It opens the key
once; the open signer is kept for `ttl` seconds behind a keyed hash of the
passphrase (random per process), so the next signature within that time skips
the key's slow unlock yet still requires the same passphrase.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signature_service.service_layer.ports import (
    STAMP_HEADING,
    DocumentSigner,
    SigningError,
    SigningErrorCode,
    StampText,
)


@dataclass(frozen=True)
class SignerAccount:
    id: str  # "kabid", "kadis", …: the name signature requests are addressed to
    role: str
    jabatan: str
    nama: str
    pangkat: str
    nip: str
    token_sha256: str = field(repr=False)  # the account's API token, hashed (tokens are random, 256 bits)
    key: dict[str, Any] = field(default_factory=dict)  # {"type": "pkcs12"|"pkcs11"|"remote"|"bsre", …}

    def stamp_text(self, heading: str = STAMP_HEADING) -> StampText:
        return StampText(jabatan=self.jabatan, nama=self.nama, pangkat=self.pangkat, heading=heading)

    @property
    def signs_with_bsre(self) -> bool:
        return self.key.get("type") == "bsre"

    def has_token(self, token: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), self.token_sha256)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class _Unlocked:
    signer: DocumentSigner
    proof: bytes
    expires: float


class KeyRing:
    def __init__(self, open_signer: Callable[[SignerAccount, str], DocumentSigner], *, ttl: float = 300.0) -> None:
        self._open, self.ttl = open_signer, ttl
        self._secret = secrets.token_bytes(32)
        self._keys: dict[str, _Unlocked] = {}
        self._lock = threading.Lock()
        self._open_locks: dict[str, threading.Lock] = {}

    def signer(self, account: SignerAccount, passphrase: str) -> DocumentSigner:
        """The account's open signer; raises the adapter's `SigningError(bad_passphrase)` when wrong."""
        proof = hmac.new(self._secret, passphrase.encode(), hashlib.sha256).digest()
        with self._opening(account.id):  # one unlock at a time per key: a token allows one login
            now = time.monotonic()
            with self._lock:
                self._evict(now)
                held = self._keys.get(account.id)
            if held is not None:
                # The key is open with the right passphrase; a different one is wrong. Saying so without
                # touching the key also keeps a logged-in token from answering "already logged in".
                if not hmac.compare_digest(held.proof, proof):
                    raise SigningError(SigningErrorCode.BAD_PASSPHRASE, "the passphrase does not open this key")
                held.expires = now + self.ttl
                return held.signer
            signer = self._open(account, passphrase)
            if getattr(signer, "cacheable", True) is False:  # it holds a secret only its backend checks (BSrE)
                return signer
            with self._lock:
                self._keys[account.id] = _Unlocked(signer, proof, now + self.ttl)
            return signer

    def _opening(self, account_id: str) -> threading.Lock:
        with self._lock:
            return self._open_locks.setdefault(account_id, threading.Lock())

    def forget(self, account_id: str) -> None:
        with self._lock:
            held = self._keys.pop(account_id, None)
        if held is not None:
            _close(held.signer)

    def close(self) -> None:
        for account_id in list(self._keys):
            self.forget(account_id)

    def _evict(self, now: float) -> None:
        for account_id, held in list(self._keys.items()):
            if held.expires < now:
                del self._keys[account_id]
                _close(held.signer)


def _close(signer: Any) -> None:
    close = getattr(signer, "close", None)
    if close is not None:
        close()
