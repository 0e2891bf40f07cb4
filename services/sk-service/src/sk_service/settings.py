"""sk-service's settings: the shared document settings plus PDF/A and template limits."""

from __future__ import annotations

from dataclasses import dataclass

from naskah_shared.config import DocumentSettings, setting


@dataclass(frozen=True)
class SkSettings(DocumentSettings):
    service: str = setting("NASKAH_SERVICE", "sk-service", help="Service name used in logs and events.")
    pdfa: bool = setting("NASKAH_PDFA", False, help="Produce PDF/A-2b for the archive.")
    max_template_mb: int = setting("NASKAH_MAX_TEMPLATE_MB", 5, help="Largest accepted DOCX template, in MiB.")
    formulir_url: str = setting(
        "NASKAH_FORMULIR_URL", "",
        help="Public address of report-service's Formulir web form (`https://…/formulir`): each Surat Edaran's "
             "Formulir carries a QR code and link to `{url}/{token}`; none when empty.")
