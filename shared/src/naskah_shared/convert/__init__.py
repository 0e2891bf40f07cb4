"""DOCX → PDF conversion: the `Converter` port and its LibreOffice adapters.

`UnoserverPool` keeps warm LibreOffice processes (unoserver) under a supervisor;
`SofficeConverter` starts a cold `soffice --convert-to pdf` per call (the baseline).
The adapters import lazily so importing the port starts nothing.
"""

from typing import Any

from naskah_shared.convert.ports import ConversionError, Converter, ConverterBusy, ConverterUnavailable

__all__ = ["ConversionError", "Converter", "ConverterBusy", "ConverterUnavailable", "SofficeConverter",
           "UnoserverPool"]


def __getattr__(name: str) -> Any:  # lazy: the adapters are only needed by composition roots
    if name == "UnoserverPool":
        from naskah_shared.convert.libreoffice import UnoserverPool

        return UnoserverPool
    if name == "SofficeConverter":
        from naskah_shared.convert.baseline import SofficeConverter

        return SofficeConverter
    raise AttributeError(name)
