"""What `SigningService` is given by the composition root: the store, the keys, the accounts, the verifier and
the office's policy, in one typed object (bootstrap builds it; tests may build their own)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from naskah_shared.storage.ports import ObjectStore
from signature_service.service_layer.accounts import KeyRing, SignerAccount
from signature_service.service_layer.ports import (
    STAMP_HEADING,
    SignatureLevel,
    SignatureVerifier,
    SignerStatus,
    StampPlacement,
)


def _one_at_a_time(account: SignerAccount) -> int:
    return 1


@dataclass(frozen=True)
class SigningDependencies:
    store: ObjectStore
    keyring: KeyRing
    accounts: dict[str, SignerAccount]
    verifier: SignatureVerifier
    level: SignatureLevel
    verify_url: Callable[[str], str]  # document id → the public verification page its QR code names
    find_anchor: Callable[[bytes, str], StampPlacement | None]  # where a template marked a signer's place
    prepare_fields: Callable[[bytes, list[tuple[str, StampPlacement]]], bytes]  # every signature field, made once
    retention: timedelta  # how long the locked archive keeps a signed version (COMPLIANCE mode)
    lockout_attempts: int  # wrong passphrases before a signer is locked out …
    lockout: timedelta  # … for this long
    status_of: Callable[[SignerAccount], SignerStatus] | None = None  # the key backend's word before a passphrase
    # The office's words (tata_naskah): the stamp's heading, and the footer naming BSrE as the issuer that a
    # document signed with a BSrE certificate carries (added once, before the first signature).
    stamp_heading: str = STAMP_HEADING
    bsre_footer: Callable[[bytes], bytes] | None = None
    # How many documents the account's key backend signs in one call (BSrE v2 signs several: a batch goes in
    # chunks), and who sends a TOTP to an account that signs with one (None: no such backend).
    chunk_of: Callable[[SignerAccount], int] = field(default=_one_at_a_time)
    totp_sender: Callable[[SignerAccount, int], dict[str, Any]] | None = None
