"""SoftHSM2 tokens for tests and the embedded run (TEST ONLY), holding a signer's key and certificate.

SoftHSM reads ``SOFTHSM2_CONF`` when the module is initialised, once per process: call ``activate()`` (or
set the variable yourself) before the first PKCS#11 session, and use one token directory per process.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")


@dataclass(frozen=True)
class Pkcs11KeyRef:
    """Where a signer's key lives on a token (the PIN is supplied separately, at signing)."""

    module: Path
    token_label: str
    key_label: str


@dataclass(frozen=True)
class SoftHsmToken:
    directory: Path
    label: str
    so_pin: str = field(repr=False)
    user_pin: str = field(repr=False)
    module: Path = MODULE

    @property
    def conf(self) -> Path:
        return self.directory / "softhsm2.conf"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def activate(self) -> None:
        """Point this process's SoftHSM at this token directory (before the module is first loaded)."""
        os.environ["SOFTHSM2_CONF"] = str(self.conf)

    @classmethod
    def init(cls, directory: Path, label: str, so_pin: str, user_pin: str) -> SoftHsmToken:
        """Create (or reuse) the token ``label`` in ``directory``; idempotent."""
        directory = Path(directory)
        tokens = directory / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        token = cls(directory, label, so_pin, user_pin)
        token.conf.write_text(
            f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
            "slots.removable = false\n"
        )
        if label not in token._run("softhsm2-util", "--show-slots"):
            token._run(
                "softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", user_pin
            )
        return token

    def import_pkcs12(
        self, p12_path: Path, passphrase: str, key_label: str, key_id: str | None = None
    ) -> Pkcs11KeyRef:
        """Import the key and certificate of a PKCS#12 file under ``key_label`` (same label for both).

        ``key_id`` (hex CKA_ID) defaults to the certificate's subject key identifier, as tokens usually do.
        """
        key, cert, _chain = pkcs12.load_key_and_certificates(Path(p12_path).read_bytes(), passphrase.encode())
        if key is None or cert is None:
            raise ValueError(f"{p12_path} holds no key and certificate")
        if key_id is None:
            from cryptography import x509

            key_id = x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest.hex()
        if key_label in self._run("pkcs11-tool", "--module", str(self.module), "--token-label", self.label,
                                  "--login", "--pin", self.user_pin, "--list-objects"):
            return Pkcs11KeyRef(self.module, self.label, key_label)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        with tempfile.TemporaryDirectory(dir=self.directory) as tmp:
            key_file = Path(tmp) / "key.pem"
            key_file.touch(mode=0o600)
            key_file.write_bytes(key_pem)
            cert_file = Path(tmp) / "cert.der"
            cert_file.write_bytes(cert.public_bytes(serialization.Encoding.DER))
            self._run(
                "softhsm2-util", "--import", str(key_file), "--token", self.label, "--label", key_label,
                "--id", key_id, "--pin", self.user_pin,
            )
            self._run(
                "pkcs11-tool", "--module", str(self.module), "--token-label", self.label, "--login",
                "--pin", self.user_pin, "--write-object", str(cert_file), "--type", "cert",
                "--label", key_label, "--id", key_id,
            )
        return Pkcs11KeyRef(self.module, self.label, key_label)

    def _run(self, *argv: str) -> str:
        done = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            # PINs are arguments here: never echo the command line into errors or logs
            raise RuntimeError(f"{argv[0]} {argv[1]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        return done.stdout
