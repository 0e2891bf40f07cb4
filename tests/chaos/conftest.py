from tests.signature.conftest import animator, dev_pki  # noqa: F401  (the PKI served on loopback)
