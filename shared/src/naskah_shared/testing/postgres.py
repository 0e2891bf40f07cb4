"""A fresh PostgreSQL database per test, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

ADMIN_DSN = os.environ.get("NASKAH_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


@contextmanager
def fresh_database(prefix: str = "naskah_test") -> Iterator[str]:
    """Yield a SQLAlchemy URL of a new, empty database."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_DSN)
    auth = str(info.get("user", "postgres")) + (f":{info['password']}" if info.get("password") else "")
    try:
        yield f"postgresql+psycopg://{auth}@{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{name}"
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
