"""sk-service's settings (the shared ones plus the office and the converters)."""

from __future__ import annotations

from dataclasses import dataclass

from naskah_shared.config import ConfigError, Settings, setting


@dataclass(frozen=True)
class SkSettings(Settings):
    service: str = setting("NASKAH_SERVICE", "sk-service", help="Service name used in logs and events.")
    office_file: str = setting(
        "NASKAH_OFFICE_FILE", "",
        help="JSON file describing the office (name, region, address, logo, signers, nomor format); "
             "the built-in example office when empty.")
    converters: int = setting("NASKAH_CONVERTERS", 2, help="Warm LibreOffice converters in the pool.")
    convert_timeout: float = setting("NASKAH_CONVERT_TIMEOUT", 60.0,
                                     help="Seconds before a hung conversion is killed and its converter restarted.")
    pdfa: bool = setting("NASKAH_PDFA", False, help="Produce PDF/A-2b for the archive.")
    max_template_mb: int = setting("NASKAH_MAX_TEMPLATE_MB", 5, help="Largest accepted DOCX template, in MiB.")

    def validate(self) -> None:
        super().validate()
        if not 1 <= self.converters <= 16:
            raise ConfigError("NASKAH_CONVERTERS must be between 1 and 16")
        if self.convert_timeout <= 0:
            raise ConfigError("NASKAH_CONVERT_TIMEOUT must be positive")
