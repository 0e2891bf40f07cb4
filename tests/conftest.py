"""Fixtures shared by every test tier: real RabbitMQ, PostgreSQL and S3 (SeaweedFS) on loopback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytest_plugins = ["naskah_shared.testing.plugin", "naskah_shared.testing.fixtures_store"]

TEST_SECRET = "naskah-test-secret-0123456789abcdef"


@pytest.fixture
def real_stack(pg_database, amqp_url, seaweed) -> Callable[..., dict[str, Any]]:
    """Settings overrides for a service on the real servers: its own fresh database, the session's vhost
    and S3 server. Call it once per service."""

    def make(**extra: Any) -> dict[str, Any]:
        return {"database_url": pg_database(), "bus_url": amqp_url, "store_url": f"s3://{seaweed.endpoint}",
                "s3_access_key": seaweed.access_key, "s3_secret_key": seaweed.secret_key,
                "secret_key": TEST_SECRET, "log_level": "WARNING", **extra}

    return make
