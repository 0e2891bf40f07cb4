"""The development and test PKI (TEST ONLY), generated with certomancer and served by its Animator.

URL design: certomancer embeds the OCSP responder, CRL distribution point and CA-issuer URLs in the
certificates, so the base URL is part of the generated material. ``DevPki.ensure(directory, base_url=...)``
records the base URL it generated for; called again with the same URL it only loads, with another URL it
re-issues the certificates and PKCS#12 files (the keys are kept). The embedded run uses one fixed configured
port (``DEFAULT_BASE_URL``); tests pick a free loopback port first and pass it in. ``serve_animator()``
therefore listens, by default, on the host and port of ``base_url``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import socket
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

DEFAULT_BASE_URL = "http://127.0.0.1:9777"
ARCH = "naskah-dev"
CONFIG_NAME = "naskah-pki.yml"
MARKER = "README-TEST-ONLY.txt"
STATE = "devpki.json"
KEY_LABELS = ("root", "interm", "interm-ocsp", "tsa", "kabid", "kadis", "revoked")
CERT_LABELS = KEY_LABELS  # one certificate per key here
RSA_KEYS = ("kabid", "revoked")  # the rest are ECDSA P-256 (see naskah-pki.yml)
# Well-known test passphrases: these keys protect nothing (see the marker file).
SIGNER_PASSPHRASES = {
    "kabid": "kabid-test-passphrase",
    "kadis": "kadis-test-passphrase",
    "revoked": "revoked-test-passphrase",
}


@dataclass(frozen=True)
class SignerKeyFiles:
    """A signer's PKCS#12 bundle (key, certificate, chain) and the PEM of its certificate."""

    p12_path: Path
    passphrase: str = field(repr=False)
    cert_pem: Path


@dataclass
class AnimatorServer:
    """Certomancer's Animator (OCSP, CRL, TSA, certificate repository) on a loopback werkzeug server."""

    url: str
    _server: object = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._server.shutdown()  # type: ignore[attr-defined]
        self._server.server_close()  # type: ignore[attr-defined]
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class DevPki:
    directory: Path
    base_url: str
    root_cert_pem: Path
    interm_cert_pem: Path
    tsa_cert_pem: Path
    signers: dict[str, SignerKeyFiles]

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}/{ARCH}/ocsp/interm"

    @property
    def crl_url(self) -> str:
        return f"{self.base_url}/{ARCH}/crls/interm/latest.crl"

    @classmethod
    def ensure(cls, directory: Path, *, base_url: str = DEFAULT_BASE_URL) -> DevPki:
        """Generate the PKI into ``directory`` unless it is already there for this ``base_url``."""
        directory = Path(directory)
        base_url = base_url.rstrip("/")
        config_text = _packaged_config()
        wanted = {"base_url": base_url, "config_sha256": hashlib.sha256(config_text.encode()).hexdigest()}
        pki = cls._describe(directory, base_url)
        state_file = directory / STATE
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # several workers of the embedded run may start at once
            if state_file.exists() and json.loads(state_file.read_text()) == wanted and pki._complete():
                return pki
            (directory / MARKER).write_text(_marker_text(base_url))
            (directory / CONFIG_NAME).write_text(config_text)
            _ensure_keys(directory / "keys")
            _issue(directory, base_url)
            state_file.write_text(json.dumps(wanted))
        return pki

    @classmethod
    def _describe(cls, directory: Path, base_url: str) -> DevPki:
        signers = {
            label: SignerKeyFiles(directory / f"{label}.p12", passphrase, directory / f"{label}.cert.pem")
            for label, passphrase in SIGNER_PASSPHRASES.items()
        }
        return cls(
            directory=directory,
            base_url=base_url,
            root_cert_pem=directory / "root.cert.pem",
            interm_cert_pem=directory / "interm.cert.pem",
            tsa_cert_pem=directory / "tsa.cert.pem",
            signers=signers,
        )

    def _complete(self) -> bool:
        paths = [self.directory / f"{label}.cert.pem" for label in CERT_LABELS] + [self.directory / MARKER]
        paths += [p for s in self.signers.values() for p in (s.p12_path, s.cert_pem)]
        return all(p.exists() for p in paths)

    def serve_animator(self, host: str | None = None, port: int | None = None) -> AnimatorServer:
        """Serve the Animator; host and port default to those of ``base_url`` (the URLs in the certs)."""
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: object, **kwargs: object) -> None:  # one line per OCSP call is noise
                pass

        parts = urlsplit(self.base_url)
        host = host or parts.hostname or "127.0.0.1"
        port = parts.port if port is None else port
        config = _load_config(self.directory, self.base_url, pinned=True)
        app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
        server = make_server(host, port or 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="certomancer-animator", daemon=True)
        thread.start()
        return AnimatorServer(url=f"http://{host}:{server.server_port}", _server=server, _thread=thread)


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _packaged_config() -> str:
    return resources.files(__package__).joinpath(CONFIG_NAME).read_text(encoding="utf-8")


def _load_config(directory: Path, base_url: str, *, pinned: bool = False):  # -> certomancer CertomancerConfig
    """The certomancer config for ``base_url``; ``pinned`` loads the issued certificates instead of
    re-deriving them (ECDSA signatures differ on every issuance)."""
    import yaml
    from certomancer.registry import CertomancerConfig

    config = yaml.safe_load((directory / CONFIG_NAME).read_text(encoding="utf-8"))
    if pinned:
        for label, spec in config["pki-architectures"][ARCH]["certs"].items():
            spec["certificate-file"] = f"{label}.cert.pem"
    return CertomancerConfig(
        config,
        key_search_dir=str(directory),
        config_search_dir=str(directory) if pinned else None,
        external_url_prefix=base_url,
    )


def _ensure_keys(key_dir: Path) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    for label in KEY_LABELS:
        rsa_key = label in RSA_KEYS
        path = key_dir / f"{label}.{'rsa2048' if rsa_key else 'p256'}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_suffix(".tmp")
        tmp.touch(mode=0o600)  # private from the first byte
        tmp.write_bytes(pem)
        tmp.replace(path)


def _issue(directory: Path, base_url: str) -> None:
    from certomancer.registry import ArchLabel, CertLabel

    arch = _load_config(directory, base_url).get_pki_arch(ArchLabel(ARCH))
    for label in CERT_LABELS:
        pem = _pem(arch.get_cert(CertLabel(label)).dump())
        (directory / f"{label}.cert.pem").write_bytes(pem)
    for label, passphrase in SIGNER_PASSPHRASES.items():
        p12 = arch.package_pkcs12(CertLabel(label), password=passphrase.encode())
        (directory / f"{label}.p12").write_bytes(p12)


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)


def _marker_text(base_url: str) -> str:
    lines = [
        "TEST ONLY. This directory holds a development PKI generated by naskah (certomancer).",
        "Its keys are unprotected or protected by the well-known passphrases below; never trust it.",
        f"Base URL embedded in the certificates (OCSP, CRL, CA issuers): {base_url}",
        f"TSA: {base_url}/{ARCH}/tsa/tsa   OCSP: {base_url}/{ARCH}/ocsp/interm",
        "",
        "PKCS#12 passphrases:",
        *(f"  {label}.p12: {pw}" for label, pw in SIGNER_PASSPHRASES.items()),
    ]
    return "\n".join(lines) + "\n"
