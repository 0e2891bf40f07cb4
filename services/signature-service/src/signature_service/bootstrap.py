"""The one place signature-service's adapters are chosen and wired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naskah_shared.bus.ports import Bus
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from signature_service.adapters.tables import metadata, outbox
from signature_service.settings import SignatureSettings


@dataclass
class Container:
    settings: SignatureSettings
    runtime: Runtime

    def web(self) -> dict[str, Any]:
        return {"title": "naskah signature-service",
                "description": "PAdES signatures for the Kabid and the Kadis, verification, the locked archive.",
                "blueprints": []}

    def close(self) -> None:
        self.runtime.stop()


def bootstrap(settings: SignatureSettings, *, bus: Bus | None = None, store: ObjectStore | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.SIGNED, object_lock=True))
    return Container(settings, runtime)
