"""Opening a signer's key: a PKCS#12 file with its passphrase, or a key on a PKCS#11 token with its PIN.

A wrong passphrase or PIN is SigningError(bad_passphrase); anything else that keeps the key shut is
SigningError(key_unavailable). The key is parsed (or the session opened) once, for the life of the signer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from asn1crypto import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign import signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers.pdf_cms import Signer

from signature_service.service_layer.ports import SigningError, SigningErrorCode


class CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner that keeps the parsed private key: pyHanko's re-parses it (~30 ms for RSA) per call."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mech = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mech["algorithm"].native
        digest = getattr(hashes, digest_algorithm.upper())()
        if algo in ("sha256_rsa", "sha384_rsa", "sha512_rsa", "rsassa_pkcs1v15") and isinstance(
            self._key, rsa.RSAPrivateKey
        ):
            return self._key.sign(data, padding.PKCS1v15(), digest)
        if algo.endswith("ecdsa") and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(digest))
        return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA: the library's own path


def open_pkcs12(path: Path | str, passphrase: str | bytes, other_certs: list[x509.Certificate]) -> CachedKeySigner:
    """Load the PKCS#12 key and chain once; a wrong passphrase is SigningError(bad_passphrase)."""
    from asn1crypto import pkcs12 as asn1_pkcs12
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"cannot read key file: {e}") from None
    try:
        asn1_pkcs12.Pfx.load(data)["auth_safe"]["content"].native  # noqa: B018 - is it PKCS#12 at all?
    except (ValueError, TypeError, KeyError):
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "the key file is not PKCS#12") from None
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, secret)
    except ValueError:
        # the structure parsed above, so what cryptography calls "Invalid password or PKCS12 data" is the secret
        raise SigningError(SigningErrorCode.BAD_PASSPHRASE, "the passphrase does not open this key") from None
    if key is None or cert is None:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, "the PKCS#12 file holds no key and certificate")
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
    store.register_multiple(other_certs)
    return CachedKeySigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=store,
    )


def open_pkcs11_session(module: Path | str, token_label: str, pin: str) -> Any:
    """One logged-in session on the token; a wrong PIN is SigningError(bad_passphrase)."""
    import pkcs11
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    try:
        return open_pkcs11_session(
            str(module), token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise SigningError(SigningErrorCode.BAD_PASSPHRASE, "the PIN does not open this token") from None
    except (pkcs11.PinLocked, pkcs11.PinExpired) as e:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"the token's PIN is {type(e).__name__}") from None
    except (pkcs11.PKCS11Error, OSError, PyHankoSigningError) as e:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"token unavailable: {e!r}") from None


def _pkcs11_signer(session: Any, key_label: str, cert_label: str, chain: list[x509.Certificate]) -> Signer:
    """PKCS11Signer with its certificate fetched now (not during the first signature). EC keys use the raw
    CKM_ECDSA mechanism with hashing on our side: SoftHSM2 and many tokens lack CKM_ECDSA_SHA256."""
    from pyhanko.sign.pkcs11 import PKCS11Signer

    try:
        signer = PKCS11Signer(session, key_label=key_label, cert_label=cert_label, ca_chain=chain)
        if signer.signing_cert.public_key.algorithm == "ec":
            signer = PKCS11Signer(
                session, key_label=key_label, cert_label=cert_label, ca_chain=chain, use_raw_mechanism=True
            )
            signer.signing_cert  # noqa: B018
    except Exception as e:
        raise SigningError(SigningErrorCode.KEY_UNAVAILABLE, f"key or certificate not on token: {e!r}") from None
    return signer
