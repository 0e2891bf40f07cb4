"""Settings are read from the environment and refused with a message naming the bad variable."""

from __future__ import annotations

import pytest

from naskah_shared.config import ConfigError, load, redacted
from signature_service.settings import SignatureSettings
from sk_service.settings import SkSettings


def test_bad_values_name_the_variable():
    with pytest.raises(ConfigError, match="NASKAH_CONVERTERS must be a int"):
        load(SkSettings, {"NASKAH_CONVERTERS": "two"})
    with pytest.raises(ConfigError, match="NASKAH_BUS_URL"):
        load(SkSettings, {"NASKAH_BUS_URL": "kafka://x"})
    with pytest.raises(ConfigError, match="NASKAH_SECRET_KEY"):
        load(SkSettings, {"NASKAH_BUS_URL": "amqp://guest:guest@127.0.0.1/"})
    with pytest.raises(ConfigError, match="NASKAH_SIGNATURE_LEVEL"):
        load(SignatureSettings, {"NASKAH_SIGNATURE_LEVEL": "B-X"})
    real = {"NASKAH_BUS_URL": "amqp://guest:guest@127.0.0.1/", "NASKAH_SECRET_KEY": "s" * 32}
    with pytest.raises(ConfigError, match="NASKAH_API_KEYS is required"):
        load(SkSettings, real)
    with pytest.raises(ConfigError, match="NASKAH_API_KEYS must be"):
        load(SkSettings, {**real, "NASKAH_API_KEYS": "e-office:not-a-hash"})
    with pytest.raises(ConfigError, match="NASKAH_SIGNERS_FILE"):
        load(SignatureSettings, {**real, "NASKAH_API_KEYS": "e-office:" + "ab" * 32})


def test_values_are_read_and_secrets_never_logged():
    env = {"NASKAH_CONVERTERS": "3", "NASKAH_PDFA": "yes", "NASKAH_SECRET_KEY": "very-secret-value-123",
           "NASKAH_BUS_URL": "amqp://user:hunter2@rabbit:5672/naskah",
           "NASKAH_DATABASE_URL": "postgresql+psycopg://u:pw-db@db/sk", "NASKAH_API_KEYS": "e-office:" + "ab" * 32}
    settings = load(SkSettings, env)
    assert settings.converters == 3 and settings.pdfa is True
    shown = str(redacted(settings))
    assert "hunter2" not in shown and "pw-db" not in shown and "very-secret-value-123" not in shown
    assert "rabbit" in shown
