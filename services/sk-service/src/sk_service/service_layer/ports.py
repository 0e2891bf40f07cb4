"""sk-service's document ports: render a DOCX template, check an uploaded one.

The PDF converter and DOCX renderer ports are shared by the services (`naskah_shared.convert`,
`naskah_shared.render`) and re-exported here so the service layer names all its document ports in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from naskah_shared.convert import ConversionError, Converter, ConverterBusy, ConverterUnavailable
from naskah_shared.render.ports import Image, Renderer, TemplateError, TemplateErrorCode, TemplateInspector

__all__ = [
    "ConversionError", "Converter", "ConverterBusy", "ConverterUnavailable",
    "Image", "Letterhead", "Renderer", "TemplateError", "TemplateErrorCode", "TemplateInspector",
]


@dataclass(frozen=True)
class Letterhead:
    """Who a letter's fillable Formulir is for (adapters/formulir_pdf.py writes it into the PDF)."""

    document_id: str
    batch_id: str
    kampung_kode: str
    kampung_nama: str
    link: str  # the web form, with this letter's token ("" when the office has none)
