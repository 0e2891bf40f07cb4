"""The key ring: a key unlocked once is reused, and a different passphrase is refused without touching it."""

from __future__ import annotations

import pytest

from signature_service.adapters.pades import PadesSigner
from signature_service.service_layer.accounts import KeyRing, SignerAccount
from signature_service.service_layer.ports import SignatureLevel, SigningError, SigningErrorCode
from tests.signature.conftest import PIN_TEST_PIN

KABID = SignerAccount(id="kabid", role="kabid", jabatan="Kepala Bidang", nama="Rahmi Suryantari, ST, M.Si",
                      pangkat="Pembina (IV/a)", nip="197803122005022001", token_sha256="0" * 64)


def test_pkcs11_pin_guesses_are_refused_while_the_token_is_logged_in(softhsm_tokens, dev_pki, sk_pdf):
    token = softhsm_tokens["pin-test"]
    opened: list[str] = []

    def open_signer(account: SignerAccount, pin: str) -> PadesSigner:
        opened.append(account.id)
        return PadesSigner.from_pkcs11(token.module, token.label, pin, "kabid", trust_roots=[dev_pki.root_cert_pem])

    ring = KeyRing(open_signer, ttl=60)
    try:
        first = ring.signer(KABID, PIN_TEST_PIN)
        assert ring.signer(KABID, PIN_TEST_PIN) is first, "unlocked once, reused"
        for guess in ("0000", "1234", PIN_TEST_PIN + "0"):
            with pytest.raises(SigningError) as refused:
                ring.signer(KABID, guess)
            assert refused.value.code is SigningErrorCode.BAD_PASSPHRASE  # counted by the lockout, not a 503
        assert opened == ["kabid"], "guesses never reach the token"
        signed = ring.signer(KABID, PIN_TEST_PIN).sign(sk_pdf, field="ttd-kabid", level=SignatureLevel.B_B)
        assert signed.startswith(b"%PDF") and len(signed) > len(sk_pdf)
    finally:
        ring.close()
    with pytest.raises(SigningError) as refused:  # logged out: the token itself judges the PIN
        KeyRing(open_signer).signer(KABID, "0000")
    assert refused.value.code is SigningErrorCode.BAD_PASSPHRASE
