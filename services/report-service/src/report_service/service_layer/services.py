"""What report-service's api/ reaches of the composition root: the service layer's objects and the settings.

`bootstrap.Container` has every member named here (bootstrap sets the ones it declares optional). api/ may not
import the composition root (import-linter's "api and consumers import no adapters and not the composition
root"), so the views see the container through this Protocol, fetched by `report_service.api.container.container()`.
"""

from __future__ import annotations

from typing import Protocol

from naskah_shared.runtime import Runtime
from report_service.service_layer.deadlines import DeadlineService
from report_service.service_layer.disposisi import DisposisiService
from report_service.service_layer.formulir import FormulirService
from report_service.service_layer.reports import ReportService
from report_service.settings import ReportSettings


class Services(Protocol):
    @property
    def settings(self) -> ReportSettings: ...
    @property
    def runtime(self) -> Runtime: ...
    @property
    def reports(self) -> ReportService: ...
    @property
    def deadlines(self) -> DeadlineService: ...
    @property
    def formulir(self) -> FormulirService: ...
    @property
    def disposisi(self) -> DisposisiService: ...
