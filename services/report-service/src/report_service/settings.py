"""report-service's settings: the shared ones plus the office and the converters."""

from __future__ import annotations

from dataclasses import dataclass

from naskah_shared.config import DocumentSettings, setting


@dataclass(frozen=True)
class ReportSettings(DocumentSettings):
    service: str = setting("NASKAH_SERVICE", "report-service", help="Service name used in logs and events.")
