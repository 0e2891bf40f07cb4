"""Signer accounts for the TEST-ONLY PKI (`DevPki`): who its certificates name, and their API tokens.

Kept beside the test PKI, not in the adapters, so production code never imports the test PKI.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from pathlib import Path

from signature_service.pki.devpki import DevPki
from signature_service.service_layer.accounts import SignerAccount, token_hash

# Who the test PKI's certificates name; pangkat is not in a certificate, so it is configuration.
DEV_IDENTITIES = {
    "kabid": ("kabid", "Kepala Bidang Layanan Komunikasi dan Informatika", "Rahmi Suryantari, ST, M.Si",
              "Pembina (IV/a)"),
    "kadis": ("kadis", "Kepala Dinas Pemberdayaan Masyarakat dan Kampung", "Drs. Yohanes Rumbiak, M.Si",
              "Pembina Utama Muda (IV/c)"),
    "revoked": ("kasubbag", "Kepala Sub Bagian Umum", "Budi Santoso, S.Kom", "Penata (III/c)"),
}


def dev_accounts(pki: DevPki) -> tuple[dict[str, SignerAccount], dict[str, str]]:
    """Accounts for the TEST-ONLY PKI, with API tokens kept beside it (`signer-tokens.json`)."""
    tokens_file = pki.directory / "signer-tokens.json"
    # Gunicorn's workers all start here at once: read and write under a lock, and write only a whole file
    # (a worker that read a half-written one failed to start).
    with open(pki.directory / ".tokens.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tokens = json.loads(tokens_file.read_text()) if tokens_file.exists() else {}
        if any(label not in tokens for label in DEV_IDENTITIES):
            for label in DEV_IDENTITIES:
                tokens.setdefault(label, secrets.token_urlsafe(32))
            tmp = tokens_file.with_name(f".{tokens_file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(tokens, indent=2))
            tmp.chmod(0o600)
            os.replace(tmp, tokens_file)
    accounts = {}
    for label, (role, jabatan, nama, pangkat) in DEV_IDENTITIES.items():
        files = pki.signers[label]
        nip = _nip_of(files.cert_pem)
        accounts[label] = SignerAccount(id=label, role=role, jabatan=jabatan, nama=nama, pangkat=pangkat, nip=nip,
                                        token_sha256=token_hash(tokens[label]),
                                        key={"type": "pkcs12", "path": str(files.p12_path)})
    return accounts, tokens


def _nip_of(cert_pem: Path) -> str:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_pem_x509_certificate(cert_pem.read_bytes())
    attrs = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return str(attrs[0].value) if attrs else ""
