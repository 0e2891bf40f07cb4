"""The remote-signing seam: the document digest goes out, the raw signature comes back.

Shaped like the signing APIs of national CAs (and the CSC API): the key never leaves the remote service;
we send the digest of the CMS signed attributes (RFC 5652 clause 5.4) and embed the returned signature.
``LoopbackSigningServer`` is a tiny real implementation of the other side (werkzeug, real key) for tests
and the embedded run.

Wire protocol (JSON over HTTP, bearer token):
    GET  /keys/<key_id>/certificates -> {"certificates": [PEM of the signer cert, then its chain]}
    POST /keys/<key_id>/sign {"digest": b64, "digest_algorithm": "sha256"} -> {"signature": b64}
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from asn1crypto import pem, x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signature_service.service_layer.ports import SigningError, SigningErrorCode


class RemoteSigner(Signer):
    """pyHanko Signer whose raw signature is made by a remote service."""

    def __init__(
        self,
        base_url: str,
        key_id: str,
        *,
        token: str,
        timeout: float = 10.0,
        signing_cert: x509.Certificate,
        chain: list[x509.Certificate],
    ) -> None:
        store = SimpleCertificateStore()
        store.register_multiple(chain)
        super().__init__(signing_cert=signing_cert, cert_registry=store)
        self._sign_url = f"{base_url.rstrip('/')}/keys/{key_id}/sign"
        self._timeout = timeout
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    @classmethod
    def connect(cls, base_url: str, key_id: str, *, token: str, timeout: float = 10.0) -> RemoteSigner:
        """Fetch the signer's certificate chain once, then sign through ``base_url``."""
        try:
            resp = requests.get(
                f"{base_url.rstrip('/')}/keys/{key_id}/certificates",
                headers={"Authorization": f"Bearer {token}"},
                timeout=timeout,
            )
        except requests.RequestException as e:
            raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"remote signer unreachable: {e}") from None
        _raise_for(resp)
        certs = [x509.Certificate.load(pem.unarmor(c.encode())[2]) for c in resp.json()["certificates"]]
        return cls(base_url, key_id, token=token, timeout=timeout, signing_cert=certs[0], chain=certs[1:])

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:  # size estimate only: a placeholder as long as a real signature
            return bytes(self._signature_size())
        h = hashes.Hash(getattr(hashes, digest_algorithm.upper())())
        h.update(data)
        body = {"digest": base64.b64encode(h.finalize()).decode(), "digest_algorithm": digest_algorithm}
        try:
            resp = self._session.post(self._sign_url, json=body, timeout=self._timeout)
        except requests.RequestException as e:
            raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"remote signer unreachable: {e}") from None
        _raise_for(resp)
        return base64.b64decode(resp.json()["signature"])

    def _signature_size(self) -> int:
        info = self.signing_cert.public_key
        if info.algorithm == "rsa":
            return (info.bit_size + 7) // 8
        return 2 * ((info.bit_size + 7) // 8) + 8  # DER ECDSA-Sig-Value upper bound


def _raise_for(resp: requests.Response) -> None:
    if resp.status_code in (401, 403):
        raise SigningError(SigningErrorCode.BAD_PASSPHRASE, "the remote signer refused our credentials")
    if resp.status_code != 200:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"remote signer answered HTTP {resp.status_code}")


# -- the other side: a real loopback signing service ------------------------------------------------------


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
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args: object, **kwargs: object) -> None:
                pass

        self._server = make_server(host, port, self._app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="remote-signer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
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
