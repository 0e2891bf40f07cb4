"""Typed settings read from the environment, in one place, checked at start-up.

Each setting is a dataclass field whose metadata names its variable, says what
it is for and whether it is secret. `load(cls)` reads and validates them and
fails with `ConfigError` naming the bad variable; `markdown_table(cls)` writes
the README's table, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_type_hints
from urllib.parse import urlsplit

T = TypeVar("T", bound="Settings")  # a service's settings: a dataclass with validate()


class ConfigError(ValueError):
    """A variable is missing or malformed; the message names it."""


def setting(env: str, default: Any = dataclasses.MISSING, *, help: str, secret: bool = False) -> Any:
    meta = {"env": env, "help": help, "secret": secret}
    if default is dataclasses.MISSING:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


def _convert(name: str, raw: str, typ: Any) -> Any:
    if typ is bool:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    if typ in (int, float):
        try:
            return typ(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a {typ.__name__}, got {raw!r}") from None
    return raw


@dataclass(frozen=True)
class Settings:
    """What every naskah service reads."""

    service: str = setting("NASKAH_SERVICE", "naskah", help="Service name used in logs and events.")
    database_url: str = setting(
        "NASKAH_DATABASE_URL", "sqlite:///var/naskah.db",
        help="SQLAlchemy URL of this service's database (`postgresql+psycopg://…` or `sqlite:///…`).",
        secret=True)
    bus_url: str = setting(
        "NASKAH_BUS_URL", "memory://",
        help="`amqp://user:pass@host:5672/vhost` for RabbitMQ, `memory://` for the in-process bus.",
        secret=True)
    store_url: str = setting(
        "NASKAH_STORE_URL", "file://var/store",
        help="`s3://host:port` (MinIO/S3; `s3s://` for TLS) or `file://DIR` for the filesystem store.")
    s3_access_key: str = setting("NASKAH_S3_ACCESS_KEY", "", help="S3 access key.")
    s3_secret_key: str = setting("NASKAH_S3_SECRET_KEY", "", help="S3 secret key.", secret=True)
    s3_region: str = setting("NASKAH_S3_REGION", "us-east-1", help="S3 region.")
    s3_public_endpoint: str = setting(
        "NASKAH_S3_PUBLIC_ENDPOINT", "",
        help="`host:port` browsers reach S3 at, for presigned URLs (when services use an internal name).")
    public_url: str = setting(
        "NASKAH_PUBLIC_URL", "http://127.0.0.1:8080",
        help="Base URL people reach naskah at (verification links, filesystem presigned URLs).")
    secret_key: str = setting(
        "NASKAH_SECRET_KEY", "",
        help="Secret for signed URLs and sessions. Required unless the bus is `memory://`.", secret=True)
    log_level: str = setting("NASKAH_LOG_LEVEL", "INFO", help="DEBUG, INFO, WARNING or ERROR.")
    signed_retention_days: int = setting(
        "NASKAH_SIGNED_RETENTION_DAYS", 3650,
        help="Object-lock retention (COMPLIANCE) of signed documents, in days.")
    max_upload_mb: int = setting("NASKAH_MAX_UPLOAD_MB", 20, help="Largest accepted upload, in MiB.")
    proxy_hops: int = setting(
        "NASKAH_PROXY_HOPS", 0,
        help="Reverse proxies in front of the service whose X-Forwarded-For is trusted (the audit's client address).")
    api_keys: str = setting(
        "NASKAH_API_KEYS", "",
        help="`name:sha256,…`: the SHA-256 of each API key internal systems send as `X-API-Key` "
             "(`naskah api-key NAME` makes one); `name:sha256:review` also lets that system review an SK "
             "in a person's stead. Required outside the embedded run.")
    verify_base_url: str = setting(
        "NASKAH_VERIFY_BASE_URL", "http://127.0.0.1:8080/signatures",
        help="Public base URL of signature-service; the stamp's QR code points to `{this}/verify/{document_id}`.")

    def validate(self) -> None:
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ConfigError(f"NASKAH_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {self.log_level!r}")
        for env, url, schemes in (
            ("NASKAH_DATABASE_URL", self.database_url, ("sqlite", "postgresql", "postgresql+psycopg")),
            ("NASKAH_BUS_URL", self.bus_url, ("amqp", "amqps", "memory")),
            ("NASKAH_STORE_URL", self.store_url, ("s3", "s3s", "file")),
        ):
            scheme = urlsplit(url).scheme
            if scheme not in schemes:
                raise ConfigError(f"{env} must start with one of {', '.join(s + '://' for s in schemes)}")
        if self.store_url.startswith(("s3://", "s3s://")) and not (self.s3_access_key and self.s3_secret_key):
            raise ConfigError("NASKAH_S3_ACCESS_KEY and NASKAH_S3_SECRET_KEY are required with an s3:// store")
        if self.bus_url != "memory://" and len(self.secret_key) < 16:
            raise ConfigError("NASKAH_SECRET_KEY must be set (16 characters or more) outside the embedded run")
        entry = r"[\w.-]+:[0-9a-f]{64}(:review)*"  # the scopes of naskah_shared.web.auth.SCOPES
        if self.api_keys and not re.fullmatch(rf"{entry}(,{entry})*", self.api_keys):
            raise ConfigError("NASKAH_API_KEYS must be `name:sha256hex[:review]` entries separated by commas")
        if self.bus_url != "memory://" and not self.api_keys:
            raise ConfigError("NASKAH_API_KEYS is required outside the embedded run (see `naskah api-key`)")
        if self.signed_retention_days < 1:
            raise ConfigError("NASKAH_SIGNED_RETENTION_DAYS must be at least 1")


@dataclass(frozen=True)
class DocumentSettings(Settings):
    """What the services that write documents (sk-service, report-service) add."""

    office_file: str = setting(
        "NASKAH_OFFICE_FILE", "",
        help="JSON file describing the office (name, region, address, logo, signers, nomor format); "
             "the built-in example office (naskah_shared/office/example.json) when empty.")
    converters: int = setting("NASKAH_CONVERTERS", 2, help="Warm LibreOffice converters in the pool.")
    convert_timeout: float = setting("NASKAH_CONVERT_TIMEOUT", 60.0,
                                     help="Seconds before a hung conversion is killed and its converter restarted.")

    def validate(self) -> None:
        super().validate()
        if not 1 <= self.converters <= 16:
            raise ConfigError("NASKAH_CONVERTERS must be between 1 and 16")
        if self.convert_timeout <= 0:
            raise ConfigError("NASKAH_CONVERT_TIMEOUT must be positive")


def load(cls: type[T], environ: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """Build `cls` from the environment; `overrides` (by field name) win."""
    environ = os.environ if environ is None else environ
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        env = f.metadata.get("env")
        if f.name in overrides:
            values[f.name] = overrides[f.name]
        elif env and environ.get(env, "") != "":
            values[f.name] = _convert(env, environ[env], hints[f.name])
        elif f.default is dataclasses.MISSING:
            raise ConfigError(f"{env} is required: {f.metadata.get('help', '')}")
    settings = cls(**values)
    settings.validate()
    return settings


def redacted(settings: Any) -> dict[str, Any]:
    """The settings as a dict fit for a log line: secrets hidden."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        if f.metadata.get("secret") and value:
            parts = urlsplit(str(value))
            value = (f"{parts.scheme}://***@{parts.hostname}:{parts.port}{parts.path}"
                     if parts.scheme and parts.hostname else "***")
        out[f.name] = value
    return out


def markdown_table(*classes: type) -> str:
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    seen: set[str] = set()
    for cls in classes:
        for f in dataclasses.fields(cls):
            env = f.metadata.get("env")
            if not env or env in seen:
                continue
            seen.add(env)
            default = "" if f.default is dataclasses.MISSING else f.default
            rows.append(f"| `{env}` | `{default}` | {f.metadata['help']} |")
    return "\n".join(rows)


def settings_from(cls: type[T], config: Any = None) -> T:
    """What `create_app(config)` accepts: None (the environment), overrides by field name, or settings."""
    if isinstance(config, cls):
        config.validate()
        return config
    return load(cls, **dict(config or {}))
