"""Builds a service's infrastructure from its settings: the one place adapters are chosen.

A `Runtime` owns the bus, the object store, the database engine and the
outbox relay of one service. Constructing it connects to nothing; `start()`
begins consuming and relaying, `stop()` ends both. The embedded run shares one
in-process bus and one filesystem store between three runtimes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Engine, MetaData
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from naskah_shared.bus.ports import Bus
from naskah_shared.config import Settings
from naskah_shared.db.engine import DatabaseUnavailable, make_engine
from naskah_shared.db.engine import ping as db_ping
from naskah_shared.db.outbox import OutboxRelay, OutboxTables
from naskah_shared.db.unit_of_work import SqlUnitOfWork
from naskah_shared.storage.ports import ObjectStore, StoreUnavailable

log = logging.getLogger(__name__)
U = TypeVar("U", bound=SqlUnitOfWork)


def make_bus(settings: Settings) -> Bus:
    if settings.bus_url.startswith("memory://"):
        from naskah_shared.bus.inprocess import InProcessBus

        return InProcessBus()
    from naskah_shared.bus.amqp import AmqpBus

    return AmqpBus(settings.bus_url, settings.service)


def make_store(settings: Settings) -> ObjectStore:
    parts = urlsplit(settings.store_url)
    if parts.scheme == "file":
        from naskah_shared.storage.filesystem import FilesystemObjectStore

        root = Path((parts.netloc + parts.path) or "var/store")
        return FilesystemObjectStore(root, signing_key=(settings.secret_key or "naskah-embedded").encode(),
                                     public_base_url=settings.public_url)
    from naskah_shared.storage.s3 import S3ObjectStore

    return S3ObjectStore(parts.netloc, settings.s3_access_key, settings.s3_secret_key,
                         secure=parts.scheme == "s3s", region=settings.s3_region,
                         public_endpoint=settings.s3_public_endpoint or None)


@dataclass
class Runtime:
    settings: Settings
    metadata: MetaData
    tables: OutboxTables
    bus: Bus
    store: ObjectStore
    engine: Engine
    relay: OutboxRelay = field(init=False)
    on_start: list[Callable[[], None]] = field(default_factory=list)
    on_stop: list[Callable[[], None]] = field(default_factory=list)  # background work to end before the bus
    started: bool = False
    _stopping: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.relay = OutboxRelay(self.engine, self.tables, self.bus.publish)

    @classmethod
    def build(cls, settings: Settings, metadata: MetaData, tables: OutboxTables, *,
              bus: Bus | None = None, store: ObjectStore | None = None) -> Runtime:
        return cls(settings=settings, metadata=metadata, tables=tables,
                   bus=bus or make_bus(settings), store=store or make_store(settings),
                   engine=make_engine(settings.database_url))

    def unit_of_work(self, cls: type[U] = SqlUnitOfWork) -> U:  # type: ignore[assignment]
        """A new unit of work (`cls`: a service's subclass that adds its repositories)."""
        uow = cls(self.session_factory, self.tables, producer=self.settings.service)
        uow.after_commit.append(self.relay.nudge)
        return uow

    def checks(self) -> dict[str, Callable[[], None]]:
        return {"database": lambda: db_ping(self.engine), "bus": self.bus.ping, "store": self.store.ping}

    def start(self) -> None:
        if self.started:
            return
        self._stopping.clear()
        for hook in self.on_start:
            try:
                hook()
            except (StoreUnavailable, DatabaseUnavailable, OperationalError) as exc:
                # A worker gunicorn restarts while the store or the database is away must still start: one
                # that raised here took gunicorn's master, and the whole service, down ("Worker failed to
                # boot", seen in the chaos run). /readyz says what is missing; the hook is tried again.
                log.warning("start-up step deferred", extra={"error": type(exc).__name__})
                threading.Thread(target=self._retry, args=(hook,), name="start-retry", daemon=True).start()
        self.bus.start()
        self.relay.start()
        self.started = True
        log.info("runtime started", extra={"service": self.settings.service})

    def _retry(self, hook: Callable[[], None]) -> None:
        delay = 1.0
        while not self._stopping.wait(delay):  # until it works, or the runtime stops
            try:
                hook()
                log.info("deferred start-up step done")
                return
            except (StoreUnavailable, DatabaseUnavailable, OperationalError):
                delay = min(delay * 2, 10.0)

    def stop(self) -> None:
        self._stopping.set()
        if not self.started:
            return
        for hook in self.on_stop:
            hook()
        self.relay.stop()
        self.bus.stop()
        self.started = False
