"""Development and test PKI (TEST ONLY): certomancer CA, TSA, OCSP/CRL on loopback, SoftHSM2 tokens."""

from signature_service.pki.devpki import AnimatorServer, DevPki, SignerKeyFiles
from signature_service.pki.softhsm import Pkcs11KeyRef, SoftHsmToken

__all__ = ["AnimatorServer", "DevPki", "Pkcs11KeyRef", "SignerKeyFiles", "SoftHsmToken"]
