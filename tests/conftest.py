"""Fixtures shared by every test tier (real RabbitMQ, PostgreSQL and S3 (SeaweedFS) on loopback), and each
test's tier marker (tests/tiers.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from naskah_shared.testing.seaweedfs import SeaweedS3
from naskah_shared.web.auth import key_hash
from tests.tiers import tier_of

pytest_plugins = ["naskah_shared.testing.plugin", "naskah_shared.testing.fixtures_store"]

TEST_SECRET = "naskah-test-secret-0123456789abcdef"
TEST_API_KEY = "naskah-test-api-key-0123456789"  # granted the review scope: the tests' system vouches for reviews
PLAIN_API_KEY = "naskah-test-plain-key-0123456789"  # a system without the review scope
TEST_API_KEYS = f"tests:{key_hash(TEST_API_KEY)}:review,plain:{key_hash(PLAIN_API_KEY)}"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test carries its tier's marker, so `pytest -m unit` (or contract, integration, e2e) selects a tier."""
    root = config.rootpath
    for item in items:
        tier = tier_of(item.path.relative_to(root).as_posix()) if item.path.is_relative_to(root) else None
        if tier:
            item.add_marker(tier)


class KeyedClient(FlaskClient):
    """A test client that sends the test API key, as an internal system would."""

    def open(self, *args: Any, **kwargs: Any):
        headers = kwargs.setdefault("headers", {})
        if isinstance(headers, dict):
            headers.setdefault("X-API-Key", TEST_API_KEY)
        return super().open(*args, **kwargs)


def keyed(app: Flask) -> Flask:
    app.test_client_class = KeyedClient
    return app


def stack_settings(database_url: str, amqp_url: str, seaweed: SeaweedS3, **extra: Any) -> dict[str, Any]:
    """Settings overrides for a service on the real servers: `database_url`, the vhost and the S3 server."""
    return {"database_url": database_url, "bus_url": amqp_url, "store_url": f"s3://{seaweed.endpoint}",
            "s3_access_key": seaweed.access_key, "s3_secret_key": seaweed.secret_key,
            "secret_key": TEST_SECRET, "api_keys": TEST_API_KEYS, "log_level": "WARNING", **extra}


@pytest.fixture
def real_stack(pg_database, amqp_url, seaweed) -> Callable[..., dict[str, Any]]:
    """Settings overrides for a service on the real servers: its own fresh database, the session's vhost
    and S3 server. Call it once per service."""
    def settings(**extra: Any) -> dict[str, Any]:
        # a caller may name its own database (schemathesis runs sk and report on SQLite too)
        return stack_settings(extra.pop("database_url", None) or pg_database(), amqp_url, seaweed, **extra)

    return settings
