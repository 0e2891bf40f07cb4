"""naskah's pytest plugin: real servers for tests (RabbitMQ vhost, PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from naskah_shared.testing.postgres import fresh_database
from naskah_shared.testing.rabbitmq import fresh_vhost


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """A vhost of the RabbitMQ on 127.0.0.1:5672 for this test session."""
    with fresh_vhost() as url:
        yield url


@pytest.fixture
def pg_database() -> Iterator[Callable[[], str]]:
    """Call it to get the URL of a fresh PostgreSQL database (dropped after the test)."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(fresh_database())


@pytest.fixture
def pg_url(pg_database: Callable[[], str]) -> str:
    return pg_database()
