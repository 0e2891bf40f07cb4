"""The one place report-service's adapters are chosen and wired."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from naskah_shared.bus.ports import Bus
from naskah_shared.convert import Converter
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.office import office_data
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from naskah_shared.web import ApiError
from report_service.adapters.laporan import render_laporan
from report_service.adapters.tables import metadata, outbox
from report_service.adapters.unit_of_work import SqlReportUnitOfWork
from report_service.domain.activity import ActivityError
from report_service.service_layer.reports import SK_EVENTS, ActivityNotFound, ReportNotFound, ReportService
from report_service.settings import ReportSettings

QUEUE = "report-service.events"


@dataclass
class Container:
    settings: ReportSettings
    runtime: Runtime
    reports: ReportService
    converter: Converter
    owns_converter: bool = True

    def web(self) -> dict[str, Any]:
        from report_service.api.activities import blp

        return {"title": "naskah report-service",
                "description": "Activity timelines from the SOP's events and the Laporan Kegiatan (steps 8-12).",
                "blueprints": [blp], "error_mapping": ERRORS}

    def close(self) -> None:
        self.runtime.stop()
        if self.owns_converter:
            self.converter.close()  # type: ignore[attr-defined]


def _activity_error(exc: Exception) -> ApiError:
    assert isinstance(exc, ActivityError)
    return ApiError(409 if exc.code in ("step_already_recorded", "step_out_of_order") else 422, exc.code, str(exc),
                    exc.details)


ERRORS = {
    ActivityNotFound: lambda e: ApiError(404, "not_found", str(e)),
    ReportNotFound: lambda e: ApiError(404, "not_found", str(e)),
    ActivityError: _activity_error,
}


def _office(settings: ReportSettings) -> dict[str, Any]:
    data = office_data(settings.office_file or None)
    data["kota"] = data.get("kota", "")
    data["tempat"] = data["kota"]
    if data.get("logo"):
        data["logo"] = Path(data["logo"]).read_bytes()
    return data


def bootstrap(settings: ReportSettings, *, bus: Bus | None = None, store: ObjectStore | None = None,
              converter: Converter | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    own = converter is None
    converter = converter or UnoserverPool(settings.converters, timeout=settings.convert_timeout)
    reports = ReportService(
        uow=lambda cause=None: runtime.unit_of_work(SqlReportUnitOfWork), store=runtime.store, converter=converter,
        render=render_laporan, office=_office(settings),
        verify_url=lambda document_id: f"{settings.verify_base_url.rstrip('/')}/verify/{document_id}")
    runtime.bus.subscribe(QUEUE, SK_EVENTS, reports.on_event)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.REPORTS))
    if own:  # start LibreOffice now, so the first request does not wait for it
        runtime.on_start.append(lambda: threading.Thread(target=converter.warm, name="converter-warm",
                                                         daemon=True).start())
    return Container(settings, runtime, reports, converter, own)
