"""Signer accounts from configuration, and opening their keys (PKCS#12, PKCS#11, remote).

Production reads `NASKAH_SIGNERS_FILE`:
    {"signers": [{"id": "kadis", "role": "kadis", "jabatan": "…", "nama": "…", "pangkat": "…",
                  "nip": "…", "token_sha256": "…",
                  "key": {"type": "pkcs12", "path": "/keys/kadis.p12"}
                      | {"type": "pkcs11", "module": "/usr/lib/softhsm/libsofthsm2.so", "token": "…", "key_label": "…"}
                      | {"type": "remote", "url": "https://…", "key_id": "…"}
                      | {"type": "bsre", "nik": "…" | "email": "…", "credential": "passphrase" | "totp"}}]}
A BSrE key is reached through the office's Esign Client Service (NASKAH_BSRE_URL and its credential).
The embedded run and the tests use the generated TEST-ONLY PKI instead (`signature_service.pki.accounts`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from signature_service.adapters.bsre import BsreSigner, LtvAugmenter, refuse_unless_eligible
from signature_service.adapters.bsre_client import BsreClient, ident
from signature_service.adapters.pades import PadesSigner
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.ports import DocumentSigner, SignerStatus, SigningError, SigningErrorCode


def load_accounts(path: Path) -> dict[str, SignerAccount]:
    try:
        raw = json.loads(Path(path).read_text())
        return {s["id"]: SignerAccount(**s) for s in raw["signers"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"NASKAH_SIGNERS_FILE {path}: {exc}") from exc


def signer_opener(*, trust_roots: list[Path], other_certs: list[Path], tsa_url: str | None,
                  timeout: float = 10.0, bsre: BsreClient | None = None,
                  location: str | None = None) -> Callable[[SignerAccount, str], DocumentSigner]:
    common: dict[str, Any] = {"trust_roots": trust_roots, "other_certs": other_certs, "tsa_url": tsa_url or None,
                              "timeout": timeout}
    augmenter = LtvAugmenter(**common)

    def open_signer(account: SignerAccount, passphrase: str) -> DocumentSigner:
        key = account.key
        kind = key.get("type")
        if kind == "bsre":
            if bsre is None:
                raise SigningError(SigningErrorCode.KEY_UNAVAILABLE,
                                   f"account {account.id} signs through BSrE but NASKAH_BSRE_URL is not set")
            return BsreSigner.open(bsre, key, passphrase, augmenter=augmenter, location=location)
        if kind == "pkcs12":
            return PadesSigner.from_pkcs12(key["path"], passphrase, **common)
        if kind == "pkcs11":
            return PadesSigner.from_pkcs11(key["module"], key["token"], passphrase, key["key_label"], **common)
        if kind == "remote":
            from signature_service.adapters.remote import RemoteSigner

            return PadesSigner(RemoteSigner.connect(key["url"], key["key_id"], token=passphrase), **common)
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"account {account.id} has no usable key ({kind!r})")

    return open_signer


def totp_sender(bsre: BsreClient | None) -> Callable[[SignerAccount, int], dict[str, Any]] | None:
    """BSrE e-mails the signer a TOTP good for ``count`` files (v2 ``sign/get/totp``)."""
    if bsre is None:
        return None

    def send(account: SignerAccount, count: int) -> dict[str, Any]:
        bsre.request_totp(ident(account.key), count)
        return {"sent": True, "channel": "email", "backend": "bsre", "files": count}

    return send


def status_checker(bsre: BsreClient | None) -> Callable[[SignerAccount], SignerStatus]:
    """Whether an account can sign, asked before its passphrase: BSrE's user/check/status for a BSrE key."""

    def check(account: SignerAccount) -> SignerStatus:
        kind = str(account.key.get("type", ""))
        if kind != "bsre":
            return SignerStatus(True, "LOCAL", "Kunci tersimpan di naskah; masukkan passphrase Anda.", kind)
        if bsre is None:
            return SignerStatus(False, "NOT_CONFIGURED", "Layanan BSrE belum dikonfigurasi di naskah "
                                "(NASKAH_BSRE_URL); hubungi admin.", kind)
        try:
            answer = bsre.status(ident(account.key), patient=False)  # a page waits for this: no retries
            refuse_unless_eligible(answer)
        except SigningError as exc:
            if exc.code is SigningErrorCode.SIGNER_NOT_ELIGIBLE:
                return SignerStatus(False, str(exc.details.get("status", "NOT_ELIGIBLE")), exc.message, kind)
            return SignerStatus(False, "UNAVAILABLE", "Layanan BSrE sedang tidak dapat dihubungi; coba lagi "
                                "beberapa saat lagi.", kind)
        return SignerStatus(True, answer.status, answer.message, kind)

    return check
