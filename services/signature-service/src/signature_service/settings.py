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
    verify_max_signatures: int = setting(
        "NASKAH_VERIFY_MAX_SIGNATURES", 30,
        help="Signatures and document timestamps examined per verification; the rest are reported INDETERMINATE.")
    verify_max_pages: int = setting(
        "NASKAH_VERIFY_MAX_PAGES", 500,
        help="Pages the difference analysis compares; changes after a signature in a longer PDF are INDETERMINATE.")
    verify_budget_seconds: float = setting(
        "NASKAH_VERIFY_BUDGET_SECONDS", 1.5,
        help="Wall-clock budget of one verification; what is not done by then is reported INDETERMINATE.")
    verify_workers: int = setting(
        "NASKAH_VERIFY_WORKERS", 2,
        help="Worker processes that verify uploaded PDFs at once (per service process); a request waits for a "
             "free one within its budget, and a worker past the budget is killed and replaced.")
    verify_rate_per_minute: float = setting(
        "NASKAH_VERIFY_RATE_PER_MINUTE", 30.0,
        help="Public verifications per minute per client address (per worker process); 0 turns the limit off.")
    verify_rate_burst: int = setting(
        "NASKAH_VERIFY_RATE_BURST", 10, help="Public verifications a client may make at once before the rate applies.")
    office_file: str = setting(  # the same variable as the document services': the pages show the office
        "NASKAH_OFFICE_FILE", "",
        help="JSON file describing the office (name, region, address, logo, signers, nomor format); "
             "the built-in example office (naskah_shared/office/example.json) when empty.")
    verify_download: bool = setting(
        "NASKAH_VERIFY_DOWNLOAD", True,
        help="Offer the archived copy's download (a short-lived presigned URL) on the public verification page.")
    login_attempts: int = setting(
        "NASKAH_LOGIN_ATTEMPTS", 5, help="Wrong passwords before a person's login is locked (apart from passphrases).")
    login_lockout_minutes: int = setting(
        "NASKAH_LOGIN_LOCKOUT_MINUTES", 15, help="How long a locked login waits.")
    session_idle_minutes: int = setting(
        "NASKAH_SESSION_IDLE_MINUTES", 30, help="A login session ends after this many minutes without a request.")
    session_max_minutes: int = setting(
        "NASKAH_SESSION_MAX_MINUTES", 720,
        help="A login session ends this many minutes after the login, in use or not.")
    login_rate_per_minute: float = setting(
        "NASKAH_LOGIN_RATE_PER_MINUTE", 60.0,
        help="Login attempts per minute per client address (per worker process), whoever they name; 0 turns it off.")
    login_rate_burst: int = setting(
        "NASKAH_LOGIN_RATE_BURST", 20, help="Login attempts a client may make at once before the rate applies.")
    sk_url: str = setting(
        "NASKAH_SK_URL", "http://127.0.0.1:8080/sk",
        help="Base URL of sk-service, which the review page sends a person's approve/reject to.")
    sk_api_key: str = setting(
        "NASKAH_SK_API_KEY", "", help="The API key (`X-API-Key`) this service sends to sk-service.", secret=True)
    report_url: str = setting(
        "NASKAH_REPORT_URL", "http://127.0.0.1:8080/report",
        help="Base URL of report-service, which the inbox sends a person's \"disposition done\" to.")
    report_api_key: str = setting(
        "NASKAH_REPORT_API_KEY", "", help="The API key (`X-API-Key`) this service sends to report-service.",
        secret=True)
    bsre_url: str = setting(
        "NASKAH_BSRE_URL", "",
        help="Base URL of the office's BSrE Esign Client Service (`http://{IP Server Esign Client}`); needed by "
             "signer accounts whose key is `{\"type\": \"bsre\", …}`.")
    bsre_user: str = setting("NASKAH_BSRE_USER", "", help="Username of naskah's API credential on the Esign Client.")
    bsre_password: str = setting(
        "NASKAH_BSRE_PASSWORD", "", help="Password of naskah's API credential on the Esign Client.", secret=True)
    bsre_api: str = setting("NASKAH_BSRE_API", "v2", help="Esign Client API version: v1 (multipart) or v2 (JSON).")
    bsre_timeout: float = setting(
        "NASKAH_BSRE_TIMEOUT", 30.0,
        help="Seconds to wait for the Esign Client's answer, per file signed in the call, before retrying.")
    bsre_retries: int = setting(
        "NASKAH_BSRE_RETRIES", 2,
        help="Retries (with growing delay) after a 429, a 503 or a timeout of the Esign Client; never after "
             "a refused passphrase.")
    bsre_backoff: float = setting(
        "NASKAH_BSRE_BACKOFF", 1.0, help="Seconds before the first retry of the Esign Client; doubled each time.")
    bsre_chunk: int = setting(
        "NASKAH_BSRE_CHUNK", 10, help="Letters of a batch sent to the Esign Client in one v2 call.")

    def validate(self) -> None:
        super().validate()
        if self.signature_level not in LEVELS:
            raise ConfigError(f"NASKAH_SIGNATURE_LEVEL must be one of {', '.join(LEVELS)}")
        if not self.signers_file and self.bus_url != "memory://" and not self.allow_test_pki:
            raise ConfigError("NASKAH_SIGNERS_FILE is required outside the embedded run "
                              "(or set NASKAH_ALLOW_TEST_PKI=true for tests and demos)")
        if self.verify_max_signatures < 1 or self.verify_max_pages < 1 or not 0.1 <= self.verify_budget_seconds <= 60:
            raise ConfigError("NASKAH_VERIFY_MAX_SIGNATURES and NASKAH_VERIFY_MAX_PAGES must be at least 1, "
                              "NASKAH_VERIFY_BUDGET_SECONDS between 0.1 and 60")
        if not 1 <= self.verify_workers <= 64:
            raise ConfigError("NASKAH_VERIFY_WORKERS must be between 1 and 64")
        if self.verify_rate_per_minute < 0 or self.verify_rate_burst < 1:
            raise ConfigError("NASKAH_VERIFY_RATE_PER_MINUTE must be 0 or more, NASKAH_VERIFY_RATE_BURST at least 1")
        if self.lockout_attempts < 1 or self.lockout_minutes < 1:
            raise ConfigError("NASKAH_LOCKOUT_ATTEMPTS and NASKAH_LOCKOUT_MINUTES must be at least 1")
        if self.bsre_api not in ("v1", "v2"):
            raise ConfigError("NASKAH_BSRE_API must be v1 or v2")
        if self.bsre_url and not self.bsre_url.startswith(("http://", "https://")):
            raise ConfigError("NASKAH_BSRE_URL must be an http:// or https:// URL")
        if self.bsre_timeout <= 0 or self.bsre_retries < 0 or self.bsre_backoff < 0 or not 1 <= self.bsre_chunk <= 100:
            raise ConfigError("NASKAH_BSRE_TIMEOUT must be positive, NASKAH_BSRE_RETRIES and NASKAH_BSRE_BACKOFF "
                              "at least 0, NASKAH_BSRE_CHUNK between 1 and 100")
        if min(self.login_attempts, self.login_lockout_minutes, self.session_idle_minutes) < 1:
            raise ConfigError("NASKAH_LOGIN_ATTEMPTS, NASKAH_LOGIN_LOCKOUT_MINUTES and NASKAH_SESSION_IDLE_MINUTES "
                              "must be at least 1")
        if self.login_rate_per_minute < 0 or self.login_rate_burst < 1:
            raise ConfigError("NASKAH_LOGIN_RATE_PER_MINUTE must be 0 or more, NASKAH_LOGIN_RATE_BURST at least 1")
        if self.session_max_minutes < self.session_idle_minutes:
            raise ConfigError("NASKAH_SESSION_MAX_MINUTES must be at least NASKAH_SESSION_IDLE_MINUTES")
        if not self.sk_url.startswith(("http://", "https://")):
            raise ConfigError("NASKAH_SK_URL must be an http:// or https:// URL")
        if not self.report_url.startswith(("http://", "https://")):
            raise ConfigError("NASKAH_REPORT_URL must be an http:// or https:// URL")
