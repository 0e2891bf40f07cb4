"""sk-service's app factory and the database migration entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from naskah_shared.bus.ports import Bus
from naskah_shared.config import settings_from
from naskah_shared.convert import Converter
from naskah_shared.db.migrations import upgrade
from naskah_shared.storage.ports import ObjectStore
from naskah_shared.web.app import service_app
from sk_service.api.errors import ERRORS
from sk_service.bootstrap import bootstrap
from sk_service.settings import SkSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate_database(config: Any = None) -> None:
    upgrade(settings_from(SkSettings, config).database_url, MIGRATIONS)


def create_app(config: Any = None, *, bus: Bus | None = None, store: ObjectStore | None = None,
               converter: Converter | None = None, migrate: bool = False) -> Flask:
    """The service's WSGI app; `bus`, `store` and `converter` are shared ones in the embedded run."""
    settings = settings_from(SkSettings, config)
    if migrate:
        migrate_database(settings)
    container = bootstrap(settings, bus=bus, store=store, converter=converter)
    return service_app(__name__, settings, container, error_mapping=ERRORS, **container.web())
