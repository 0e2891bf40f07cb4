"""The Kadis's signature on a letter survives the Pokja filling in its Formulir, and nothing more.

The letter is sk-service's real one with its fields (tests/report/test_formulir.py's fixture), signed by
signature-service's PadesSigner as the batch is (the field prepared first, no DocMDP certification).
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from report_service.adapters.formulir_pdf import FormulirRejected, read
from signature_service.adapters.anchors import find_anchor
from signature_service.adapters.pades import prepare_fields
from signature_service.service_layer.ports import SignatureLevel
from tests.report.test_formulir import GOOD, letters  # noqa: F401 - the module fixture

pytestmark = pytest.mark.usefixtures("letters")


def _incremental(pdf: bytes, change) -> bytes:
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    change(writer)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def signed(letters, pkcs12_signers) -> bytes:  # noqa: F811
    pdf = letters["l0"]
    anchor = find_anchor(pdf, "#ttd-kadis#")
    assert anchor is not None
    return pkcs12_signers["kadis"].sign(prepare_fields(pdf, [("kadis", anchor)]), field="kadis",
                                        level=SignatureLevel.B_B)


def test_the_signed_letter_filled_in_still_verifies(signed, verifier) -> None:
    def fill(writer: PdfWriter) -> None:
        for page in writer.pages:
            writer.update_page_form_field_values(page, GOOD, auto_regenerate=False)

    filled = _incremental(signed, fill)
    [report] = verifier.verify(filled)
    assert report.intact and report.valid, report
    got = read(filled, letter_id="l0")
    assert got.signatures == 1 and got.values["a1_jumlah_penduduk"] == "1.250"


def test_a_signed_letter_changed_beyond_its_fields_is_refused(signed) -> None:
    def deface(writer: PdfWriter) -> None:
        writer.add_blank_page(200, 200)

    with pytest.raises(FormulirRejected) as refused:
        read(_incremental(signed, deface), letter_id="l0")
    assert refused.value.code == "modified"


def test_a_signed_letter_whose_signed_bytes_changed_is_refused(signed) -> None:
    at = signed.find(b"Surat Edaran Nomor")
    assert 0 < at < signed.rfind(b"/ByteRange"), "the title in the first (signed) revision, as written"
    with pytest.raises(FormulirRejected) as refused:  # same length: the file still parses, the hash differs
        read(signed.replace(b"Surat Edaran Nomor", b"Surat Edaran NOMOR", 1), letter_id="l0")
    assert refused.value.code == "modified"


def test_a_signed_letter_moved_to_another_kampung_after_the_signature_is_refused(signed) -> None:
    def move(writer: PdfWriter) -> None:
        writer.add_metadata({"/NaskahDocumentId": "l1", "/NaskahKampung": "kampung-yobeh"})

    with pytest.raises(FormulirRejected) as refused:
        read(_incremental(signed, move), letter_id="l1")
    assert refused.value.code == "modified"
