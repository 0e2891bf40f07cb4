"""signature-service's app factory and the database migration entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from naskah_shared.bus.ports import Bus
from naskah_shared.config import settings_from
from naskah_shared.db.migrations import upgrade
from naskah_shared.storage.ports import ObjectStore
from naskah_shared.web.app import service_app
from signature_service.api.errors import ERRORS
from signature_service.bootstrap import bootstrap
from signature_service.service_layer.people import PeopleService
from signature_service.settings import SignatureSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate_database(config: Any = None) -> None:
    upgrade(settings_from(SignatureSettings, config).database_url, MIGRATIONS)


def people_admin(config: Any = None) -> PeopleService:
    """The people use cases on this service's database alone (for `naskah user …`): no bus, store or keys."""
    from sqlalchemy.orm import sessionmaker

    from naskah_shared.db.engine import make_engine
    from signature_service.adapters.accounts import load_accounts
    from signature_service.adapters.people import Argon2Hasher
    from signature_service.adapters.tables import outbox
    from signature_service.adapters.unit_of_work import SqlSignatureUnitOfWork
    from signature_service.pki.accounts import dev_accounts
    from signature_service.pki.devpki import DevPki

    settings = settings_from(SignatureSettings, config)
    migrate_database(settings)
    factory = sessionmaker(make_engine(settings.database_url), expire_on_commit=False)

    def signers() -> set[str]:
        if settings.signers_file:
            return set(load_accounts(Path(settings.signers_file)))
        return set(dev_accounts(DevPki.ensure(Path(settings.pki_dir), base_url=settings.pki_url))[0])

    return PeopleService(uow=lambda cause=None: SqlSignatureUnitOfWork(factory, outbox, producer=settings.service),
                         hasher=Argon2Hasher(), lockout_attempts=settings.login_attempts,
                         lockout_minutes=settings.login_lockout_minutes, signers=signers)


def create_app(config: Any = None, *, bus: Bus | None = None, store: ObjectStore | None = None,
               migrate: bool = False) -> Flask:
    settings = settings_from(SignatureSettings, config)
    if migrate:
        migrate_database(settings)
    container = bootstrap(settings, bus=bus, store=store)
    return service_app(__name__, settings, container, error_mapping=ERRORS, **container.web())
