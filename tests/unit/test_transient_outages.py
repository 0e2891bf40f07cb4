"""An outage is retried without using up a message's attempts: the store, the database, the broker, and no
LibreOffice converter to be had (a Lembar Disposisi printed once the converter is back, not parked)."""

from __future__ import annotations

from naskah_shared.bus.transient import is_transient
from naskah_shared.convert.ports import ConversionError, ConverterBusy, ConverterUnavailable
from naskah_shared.storage.ports import StoreUnavailable


def test_converter_outages_are_transient_and_a_bad_document_is_not() -> None:
    assert is_transient(ConverterUnavailable("converter pool is closed"))
    assert is_transient(ConverterBusy())
    try:
        try:
            raise StoreUnavailable("s3 down")
        except StoreUnavailable as exc:
            raise RuntimeError("printing failed") from exc
    except RuntimeError as wrapped:
        assert is_transient(wrapped)  # found down the chain
    assert not is_transient(ConversionError("conversion_failed", "LibreOffice returned no PDF"))
    assert not is_transient(ValueError("malformed"))
