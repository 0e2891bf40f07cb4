"""The `Converter` port: DOCX in, PDF out (optionally PDF/A-2b), behind a supervisor.

Errors carry a machine-readable `reason` so the HTTP layer can answer 422
(the document cannot be converted), 503 (busy or unavailable, retry later).
"""

from __future__ import annotations

from typing import Protocol


class ConversionError(Exception):
    """This document could not be converted (broken input, timeout, converter crash twice)."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or reason)
        self.reason = reason


class ConverterBusy(ConversionError):
    """The bounded queue is full; retry later (HTTP 503 with Retry-After)."""

    def __init__(self, message: str = "all converters are busy and the queue is full") -> None:
        super().__init__("busy", message)


class ConverterUnavailable(ConversionError):
    """No converter can be started (LibreOffice or unoserver missing, or the pool is closed)."""

    def __init__(self, message: str) -> None:
        super().__init__("unavailable", message)


class Converter(Protocol):
    def to_pdf(self, docx: bytes, *, pdfa: bool = False) -> bytes:
        """Convert a DOCX to PDF; PDF/A-2b with `pdfa`."""
        ...

    def ping(self) -> bool:
        """Ready to convert (the service's /readyz asks)."""
        ...
