"""A TEST-ONLY stand-in for BSrE's CA, generated with certomancer and served by its Animator.

The loopback Esign Client Service (``bsre_loopback``) signs with these keys, so what it returns is a real
PAdES signature under a chain named like BSrE's (``OSD BSrE (TEST ONLY)`` under ``Root CA Indonesia DS (TEST
ONLY)``), timestamped by a real RFC 3161 TSA, with OCSP and CRLs naskah can fetch to reach B-LT. The base URL
is part of the certificates, as in ``devpki`` (whose loading rules this follows).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from signature_service.pki.devpki import AnimatorServer, _pem

DEFAULT_BASE_URL = "http://127.0.0.1:9778"
ARCH = "bsre-test"
CONFIG_NAME = "bsre-pki.yml"
STATE = "bsrepki.json"
MARKER = "README-TEST-ONLY.txt"
KEY_FILES = {"root": "root.rsa2048", "osd": "osd.rsa2048", "osd-ocsp": "osd-ocsp.p256", "tsa": "tsa.p256",
             "kabid": "kabid.rsa2048", "kadis": "kadis.rsa2048"}
SIGNERS = ("kabid", "kadis")
P12_PASSWORD = b"bsre-test-internal"  # the loopback's own key store; BSrE users never see it


@dataclass(frozen=True)
class BsrePki:
    directory: Path
    base_url: str

    @property
    def root_cert_pem(self) -> Path:
        return self.directory / "root.cert.pem"

    @property
    def osd_cert_pem(self) -> Path:
        return self.directory / "osd.cert.pem"

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    def p12(self, label: str) -> Path:
        return self.directory / f"{label}.p12"

    @classmethod
    def ensure(cls, directory: Path, *, base_url: str = DEFAULT_BASE_URL) -> BsrePki:
        directory, base_url = Path(directory), base_url.rstrip("/")
        config_text = resources.files(__package__).joinpath(CONFIG_NAME).read_text(encoding="utf-8")
        wanted = {"base_url": base_url, "config_sha256": hashlib.sha256(config_text.encode()).hexdigest()}
        pki = cls(directory, base_url)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = directory / STATE
            if state.exists() and json.loads(state.read_text()) == wanted and pki._complete():
                return pki
            (directory / MARKER).write_text(
                "TEST ONLY. A stand-in for BSrE's CA for naskah's loopback Esign Client Service; never trust it.\n"
                f"Base URL embedded in the certificates: {base_url}\n")
            (directory / CONFIG_NAME).write_text(config_text)
            _ensure_keys(directory / "keys")
            arch = _config(directory, base_url).get_pki_arch(_arch_label())
            from certomancer.registry import CertLabel

            for label in KEY_FILES:
                (directory / f"{label}.cert.pem").write_bytes(_pem(arch.get_cert(CertLabel(label)).dump()))
            for label in SIGNERS:
                pki.p12(label).write_bytes(arch.package_pkcs12(CertLabel(label), password=P12_PASSWORD))
            state.write_text(json.dumps(wanted))
        return pki

    def _complete(self) -> bool:
        return all((self.directory / f"{label}.cert.pem").exists() for label in KEY_FILES) and all(
            self.p12(label).exists() for label in SIGNERS)

    def serve_animator(self) -> AnimatorServer:
        """OCSP, CRL, TSA and certificate repository on the host and port of ``base_url``."""
        from certomancer.integrations.animator import Animator, AnimatorArchStore
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: object, **kwargs: object) -> None:
                pass

        parts = urlsplit(self.base_url)
        app = Animator(AnimatorArchStore(_config(self.directory, self.base_url, pinned=True).pki_archs),
                       with_web_ui=False)
        server = make_server(parts.hostname or "127.0.0.1", parts.port or 0, app, threaded=True,
                             request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="bsre-pki-animator", daemon=True)
        thread.start()
        return AnimatorServer(url=self.base_url, _server=server, _thread=thread)


def _arch_label():  # -> certomancer ArchLabel
    from certomancer.registry import ArchLabel

    return ArchLabel(ARCH)


def _config(directory: Path, base_url: str, *, pinned: bool = False):  # -> certomancer CertomancerConfig
    import yaml
    from certomancer.registry import CertomancerConfig

    config = yaml.safe_load((directory / CONFIG_NAME).read_text(encoding="utf-8"))
    if pinned:  # ECDSA signatures differ per issuance: serve the certificates we issued, not new ones
        for label, spec in config["pki-architectures"][ARCH]["certs"].items():
            spec["certificate-file"] = f"{label}.cert.pem"
    return CertomancerConfig(config, key_search_dir=str(directory), config_search_dir=str(directory) if pinned
                             else None, external_url_prefix=base_url)


def _ensure_keys(key_dir: Path) -> None:
    key_dir.mkdir(parents=True, exist_ok=True)
    for stem in KEY_FILES.values():
        path = key_dir / f"{stem}.key.pem"
        if path.exists():
            continue
        key = rsa.generate_private_key(65537, 2048) if stem.endswith("rsa2048") else ec.generate_private_key(
            ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = path.with_suffix(".tmp")
        tmp.touch(mode=0o600)
        tmp.write_bytes(pem)
        tmp.replace(path)
