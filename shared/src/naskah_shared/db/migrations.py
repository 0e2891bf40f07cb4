"""Alembic migrations per service: each service keeps its own `migrations/` folder.

`upgrade(url, folder)` brings a database to the newest revision; a service's
`migrations/env.py` calls `run_migrations(context, metadata)`. On PostgreSQL an
advisory lock serialises replicas that start at the same moment.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text

from naskah_shared.db.engine import is_postgres, make_engine


def alembic_config(database_url: str, folder: Path) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(folder))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, folder: Path, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url, folder), revision)


def run_migrations(context: Any, metadata: MetaData) -> None:
    cfg = context.config
    engine = make_engine(cfg.attributes["database_url"])
    try:
        with engine.connect() as conn:
            if is_postgres(engine):
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": zlib.crc32(b"naskah-migrations")})
                conn.commit()
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()
