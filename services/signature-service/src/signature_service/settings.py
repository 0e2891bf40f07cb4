"""signature-service's settings: the shared ones plus signing policy."""

from __future__ import annotations

from dataclasses import dataclass

from naskah_shared.config import ConfigError, Settings, setting

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")


@dataclass(frozen=True)
class SignatureSettings(Settings):
    service: str = setting("NASKAH_SERVICE", "signature-service", help="Service name used in logs and events.")
    signature_level: str = setting("NASKAH_SIGNATURE_LEVEL", "B-LT", help="PAdES level: B-B, B-T, B-LT or B-LTA.")
    signers_file: str = setting(
        "NASKAH_SIGNERS_FILE", "",
        help="JSON file of signer accounts (role, jabatan, nama, pangkat, NIP, key reference); "
             "when empty, a TEST-ONLY PKI is generated under NASKAH_PKI_DIR.")
    allow_test_pki: bool = setting(
        "NASKAH_ALLOW_TEST_PKI", False,
        help="Allow the generated TEST-ONLY PKI outside the embedded run (tests, demos). Never in production.")
    pki_dir: str = setting("NASKAH_PKI_DIR", "var/pki", help="Where the test-only PKI is generated and served from.")
    pki_url: str = setting(
        "NASKAH_PKI_URL", "http://127.0.0.1:9777",
        help="Where the TEST-ONLY PKI's OCSP, CRL and TSA answer (served in-process when the port is free).")
    tsa_url: str = setting("NASKAH_TSA_URL", "", help="RFC 3161 timestamp authority (B-T and above).")
    trust_roots: str = setting("NASKAH_TRUST_ROOTS", "", help="PEM file(s), comma-separated, of trusted root CAs.")
    lockout_attempts: int = setting("NASKAH_LOCKOUT_ATTEMPTS", 5, help="Wrong passphrases before a lockout.")
    lockout_minutes: int = setting("NASKAH_LOCKOUT_MINUTES", 15, help="How long a locked-out signer waits.")
    key_cache_seconds: int = setting(
        "NASKAH_KEY_CACHE_SECONDS", 300, help="How long an unlocked key stays in memory after a signature.")

    def validate(self) -> None:
        super().validate()
        if self.signature_level not in LEVELS:
            raise ConfigError(f"NASKAH_SIGNATURE_LEVEL must be one of {', '.join(LEVELS)}")
        if not self.signers_file and self.bus_url != "memory://" and not self.allow_test_pki:
            raise ConfigError("NASKAH_SIGNERS_FILE is required outside the embedded run "
                              "(or set NASKAH_ALLOW_TEST_PKI=true for tests and demos)")
        if self.lockout_attempts < 1 or self.lockout_minutes < 1:
            raise ConfigError("NASKAH_LOCKOUT_ATTEMPTS and NASKAH_LOCKOUT_MINUTES must be at least 1")
