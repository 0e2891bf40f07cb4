"""The remote-signing seam: the document digest goes out, the raw signature comes back.

Shaped like the signing APIs of national CAs (and the CSC API): the key never leaves the remote service;
we send the digest of the CMS signed attributes (RFC 5652 clause 5.4) and embed the returned signature.
The other side, for tests, is `signature_service.pki.remote_loopback` (TEST ONLY: werkzeug, real key).

Wire protocol (JSON over HTTP, bearer token):
    GET  /keys/<key_id>/certificates -> {"certificates": [PEM of the signer cert, then its chain]}
    POST /keys/<key_id>/sign {"digest": b64, "digest_algorithm": "sha256"} -> {"signature": b64}
"""

from __future__ import annotations

import base64

import requests
from asn1crypto import pem, x509
from cryptography.hazmat.primitives import hashes
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
