"""The other side of the remote-signing seam (`adapters/remote.py`): a tiny real signing service.

TEST ONLY, loopback only: werkzeug, keys from PKCS#12 files. It speaks the wire protocol described in
`signature_service.adapters.remote`.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from signature_service.pki.loopback_http import serve, shut


@dataclass
class LoopbackSigningServer:
    """Signs digests with keys from PKCS#12 files; TEST ONLY, loopback only."""

    token: str = field(repr=False)
    keys: dict[str, tuple[Any, list[bytes]]] = field(default_factory=dict, repr=False)
    url: str = ""
    sign_count: int = 0
    _server: Any = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def add_pkcs12(self, key_id: str, p12_path: Path, passphrase: str) -> None:
        key, cert, chain = pkcs12.load_key_and_certificates(Path(p12_path).read_bytes(), passphrase.encode())
        assert key is not None and cert is not None
        pems = [c.public_bytes(Encoding.PEM) for c in [cert, *chain]]
        self.keys[key_id] = (key, pems)

    def start(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackSigningServer:
        self._server, self._thread, self.url = serve(self._app, host, port, name="remote-signer")
        return self

    def stop(self) -> None:
        shut(self._server)
        self._server = None

    def _app(self, environ: dict, start_response: Any) -> list[bytes]:
        from werkzeug.wrappers import Request, Response

        req = Request(environ)
        resp = self._handle(req)
        return Response(json.dumps(resp[1]), status=resp[0], mimetype="application/json")(environ, start_response)

    def _handle(self, req: Any) -> tuple[int, dict]:
        auth = req.headers.get("Authorization", "")
        if not hmac.compare_digest(auth.encode(), f"Bearer {self.token}".encode()):
            return 401, {"error": "unauthorized"}
        parts = req.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "keys" or parts[1] not in self.keys:
            return 404, {"error": "no such key"}
        key, pems = self.keys[parts[1]]
        if parts[2] == "certificates" and req.method == "GET":
            return 200, {"certificates": [p.decode() for p in pems]}
        if parts[2] != "sign" or req.method != "POST":
            return 405, {"error": "method not allowed"}
        body = req.get_json(silent=True) or {}
        try:
            algo = getattr(hashes, str(body["digest_algorithm"]).upper())()
            digest = base64.b64decode(body["digest"], validate=True)
        except (KeyError, AttributeError, ValueError):
            return 400, {"error": "bad request"}
        if len(digest) != algo.digest_size:
            return 400, {"error": "digest length does not match the algorithm"}
        if isinstance(key, rsa.RSAPrivateKey):
            sig = key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algo))
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            sig = key.sign(digest, ec.ECDSA(utils.Prehashed(algo)))
        else:
            return 400, {"error": "unsupported key type"}
        self.sign_count += 1
        return 200, {"signature": base64.b64encode(sig).decode()}
