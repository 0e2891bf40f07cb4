"""The one place report-service's adapters are chosen and wired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from naskah_shared.bus.ports import Bus
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from report_service.adapters.tables import metadata, outbox
from report_service.settings import ReportSettings


@dataclass
class Container:
    settings: ReportSettings
    runtime: Runtime

    def web(self) -> dict[str, Any]:
        return {"title": "naskah report-service",
                "description": "Activity timelines from the SOP's events and the Laporan Kegiatan.",
                "blueprints": []}

    def close(self) -> None:
        self.runtime.stop()


def bootstrap(settings: ReportSettings, *, bus: Bus | None = None, store: ObjectStore | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.REPORTS))
    return Container(settings, runtime)
