"""`--signer-backend bsre`: the embedded run's Kabid and Kadis sign through a loopback BSrE.

The loopback Esign Client Service (TEST ONLY, ``signature_service.pki.bsre_loopback``) runs in this process on
a free 127.0.0.1 port, with its TEST-ONLY BSrE CA's OCSP, CRL and TSA beside it; signature-service is
configured exactly as an office configures it for a real BSrE (a signers file whose keys are
``{"type": "bsre", "nik": …}``, ``NASKAH_BSRE_URL`` and its credential, BSrE's root as trust root).
Everything lives under ``var/bsre/``.
"""

from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class LoopbackBsreRun:
    settings: dict[str, Any]  # signature-service's settings for it
    tokens: dict[str, str] = field(repr=False)  # the signers' API tokens


@contextmanager
def loopback_bsre(var: Path) -> Iterator[LoopbackBsreRun]:
    from signature_service.pki.bsre_loopback import LoopbackBsre, dev_signers_file
    from signature_service.pki.bsrepki import BsrePki

    home = var / "bsre"
    home.mkdir(parents=True, exist_ok=True)
    pki = BsrePki.ensure(home / "pki", base_url=_pki_url(home / "pki"))
    credential = _credential(home)
    animator = pki.serve_animator()
    server = LoopbackBsre(pki, username=credential["user"], password=credential["password"]).start()
    try:
        signers, tokens = dev_signers_file(home)
        yield LoopbackBsreRun(settings={
            "signers_file": str(signers), "trust_roots": str(pki.root_cert_pem), "tsa_url": pki.tsa_url,
            "bsre_url": server.url, "bsre_user": credential["user"], "bsre_password": credential["password"],
            "bsre_api": "v2"}, tokens=tokens)
    finally:
        server.stop()
        animator.stop()


def _pki_url(directory: Path) -> str:
    """The base URL the TEST-ONLY BSrE CA was issued for, while its port is free; else a new free port (the
    certificates are then issued again, the keys kept)."""
    state = directory / "bsrepki.json"
    if state.exists():
        url = json.loads(state.read_text()).get("base_url", "")
        port = int(url.rsplit(":", 1)[1]) if url.count(":") == 2 else 0
        if port and _free(port):
            return url
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _credential(home: Path) -> dict[str, str]:
    """naskah's API credential on the loopback Esign Client, made once per checkout."""
    path = home / "client-credential.json"
    if not path.exists():
        path.write_text(json.dumps({"user": "naskah", "password": secrets.token_urlsafe(24)}))
        path.chmod(0o600)
    return json.loads(path.read_text())
