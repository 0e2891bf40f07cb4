"""sk-service's document ports: render a DOCX template, check an uploaded one.

The PDF converter port is shared by the services (`naskah_shared.convert`) and
re-exported here so the service layer names all its document ports in one place.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from naskah_shared.convert import ConversionError, Converter, ConverterBusy, ConverterUnavailable

__all__ = [
    "ConversionError", "Converter", "ConverterBusy", "ConverterUnavailable",
    "Image", "Letterhead", "Renderer", "TemplateError", "TemplateErrorCode", "TemplateInspector",
]


class TemplateErrorCode(enum.StrEnum):
    UNDEFINED_VARIABLE = "undefined_variable"  # the template uses a name the context lacks
    TEMPLATE_SYNTAX = "template_syntax"  # Jinja syntax error in the DOCX
    UNSAFE_TEMPLATE = "unsafe_template"  # the sandbox refused an operation
    NOT_DOCX = "not_docx"  # not a zip, or no word/document.xml
    TOO_LARGE = "too_large"  # the upload exceeds the size limit
    ZIP_BOMB = "zip_bomb"  # declared uncompressed size, ratio or entry count beyond limits
    MISSING_PLACEHOLDER = "missing_placeholder"  # a required placeholder or anchor is absent
    RENDER_FAILED = "render_failed"  # rendering produced no valid document
    RENDER_LIMIT = "render_limit"  # rendering needed more time or work than a render may take


class TemplateError(Exception):
    """A template cannot be accepted or rendered; `reason_code` is machine readable (HTTP 422)."""

    def __init__(self, reason_code: TemplateErrorCode | str, message: str,
                 details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.reason_code = TemplateErrorCode(reason_code)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    @property
    def code(self) -> str:
        return self.reason_code.value

    def __repr__(self) -> str:
        return f"TemplateError({self.code!r}, {self.message!r}, {self.details!r})"


@dataclass(frozen=True)
class Image:
    """A picture in a render context (the office's logo); the renderer places it inline."""

    data: bytes = field(repr=False)
    width_mm: float
    height_mm: float | None = None


class Renderer(Protocol):
    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes:
        """Render `template` (DOCX bytes) with `context`; the whole document or a `TemplateError`."""
        ...


class TemplateInspector(Protocol):
    def inspect(self, data: bytes, *, max_bytes: int, required: Iterable[str] = (),
                anchors: Iterable[str] = ()) -> list[str]:
        """Check an uploaded template and answer its placeholders, or raise `TemplateError`."""
        ...


@dataclass(frozen=True)
class Letterhead:
    """Who a letter's fillable Formulir is for (adapters/formulir_pdf.py writes it into the PDF)."""

    document_id: str
    batch_id: str
    kampung_kode: str
    kampung_nama: str
    link: str  # the web form, with this letter's token ("" when the office has none)
