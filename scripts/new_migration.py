"""Autogenerate an Alembic revision for a service from its tables.

usage: .venv/bin/python scripts/new_migration.py sk|signature|report "message"
It migrates a scratch SQLite database to head, then compares with the tables.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from alembic import command

from naskah_shared.db.migrations import alembic_config, upgrade


def main() -> None:
    service, message = sys.argv[1], sys.argv[2]
    folder = Path(importlib.import_module(f"{service}_service").__file__).parent / "migrations"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/scratch.db"
        upgrade(url, folder)
        versions = sorted((folder / "versions").glob("[0-9]*.py"))
        rev_id = f"{len(versions) + 1:04d}"
        command.revision(alembic_config(url, folder), message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    main()
