"""What a DOCX render takes and answers: the template errors (HTTP 422), the values a render context may hold
besides text (a picture, a hyperlink, a signature anchor), and the `Renderer` and `TemplateInspector` ports."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from markupsafe import escape


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
    """A picture in a render context (the office's logo, a chart); the renderer places it inline, at the
    width or the height given (the other follows the picture's proportions)."""

    data: bytes = field(repr=False)
    width_mm: float | None = None
    height_mm: float | None = None


@dataclass(frozen=True)
class Link:
    """A hyperlink in a render context (``{{r name }}`` in the template): the renderer adds its relationship."""

    url: str
    color: str = "0563C1"
    underline: bool = True


@dataclass(frozen=True)
class Anchor:
    """A signature anchor naskah itself prints (``#ttd-kabid#``), where signature-service draws the stamp: the
    one text the sandbox leaves as it is, since every other value that reads as an anchor is defused."""

    text: str

    def __html__(self) -> str:
        return str(escape(self.text))


class Renderer(Protocol):
    def render(self, template: bytes, context: Mapping[str, Any]) -> bytes:
        """Render `template` (DOCX bytes) with `context`; the whole document or a `TemplateError`."""
        ...


class TemplateInspector(Protocol):
    def inspect(self, data: bytes, *, max_bytes: int, required: Iterable[str] = (),
                anchors: Iterable[str] = ()) -> list[str]:
        """Check an uploaded template and answer its placeholders, or raise `TemplateError`."""
        ...
