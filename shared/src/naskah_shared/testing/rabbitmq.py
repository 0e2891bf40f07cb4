"""A fresh RabbitMQ vhost per test session, deleted afterwards (rabbitmqctl, as root)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

BROKER = os.environ.get("NASKAH_TEST_RABBITMQ", "guest:guest@127.0.0.1:5672")


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True,
                          timeout=60).stdout


@contextmanager
def fresh_vhost(prefix: str = "naskah-test") -> Iterator[str]:
    """Yield an `amqp://` URL of a new vhost; the vhost and its queues are deleted on exit."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    user = BROKER.split(":", 1)[0]
    rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    try:
        yield f"amqp://{BROKER}/{quote(name, safe='')}"
    finally:
        rabbitmqctl("delete_vhost", name)


def close_connections(vhost_url: str) -> None:
    """Drop every client connection of the vhost, as a broker restart would."""
    from urllib.parse import unquote, urlsplit

    vhost = unquote(urlsplit(vhost_url).path.lstrip("/"))
    rabbitmqctl("close_all_connections", "--vhost", vhost, "test: broker connection restart")
