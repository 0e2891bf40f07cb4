"""Each service's migrations form one line of history and build exactly the tables its code declares."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from naskah_shared.db.engine import make_engine
from naskah_shared.db.migrations import alembic_config, upgrade

SERVICES = ["sk_service", "signature_service", "report_service"]


def _folder(package: str) -> Path:
    return Path(importlib.import_module(package).__file__).parent / "migrations"


@pytest.mark.parametrize("package", SERVICES)
def test_one_head(package: str) -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://", _folder(package)))
    assert len(script.get_heads()) == 1, script.get_heads()


@pytest.mark.parametrize("package", SERVICES)
def test_migrations_build_the_declared_tables(package: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    upgrade(url, _folder(package))
    metadata = importlib.import_module(f"{package}.adapters.tables").metadata
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    finally:
        engine.dispose()
    assert diff == []
