"""The `Converter` contract, run over both adapters: LibreOffice (`UnoserverPool`) and the fast tier's
in-memory `PlainTextConverter` (tests/unit/fakes.py)."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator

import pypdf
import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from naskah_shared.convert.docx_safety import UnsafeDocument
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.convert.ports import ConversionError, Converter
from tests.security.make_template_corpus import external_image
from tests.unit.fakes import PlainTextConverter

MENIMBANG = "bahwa dalam rangka pendataan profil kampung perlu dibentuk Tim Pendataan"


@pytest.fixture(scope="module")
def uno_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnoserverPool]:
    pool = UnoserverPool(1, workdir=tmp_path_factory.mktemp("uno-contract"), timeout=60, start_timeout=90)
    yield pool
    pool.close()


@pytest.fixture(params=["unoserver", "plain-text"])
def converter(request: pytest.FixtureRequest) -> Converter:
    if request.param == "unoserver":
        pool: UnoserverPool = request.getfixturevalue("uno_pool")
        return pool
    return PlainTextConverter()


def docx(*paragraphs: str, page_breaks: bool = False, table: tuple[str, ...] = ()) -> bytes:
    """A DOCX of `paragraphs` (each on its own page with `page_breaks`) and a one-row table of `table`."""
    doc = Document()
    for i, text in enumerate(paragraphs):
        run = doc.add_paragraph().add_run(text)
        if page_breaks and i < len(paragraphs) - 1:
            run.add_break(WD_BREAK.PAGE)
    if table:
        row = doc.add_table(rows=1, cols=len(table)).rows[0]
        for cell, text in zip(row.cells, table, strict=True):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed (a converter wraps lines where it likes)."""
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    return [re.sub(r"\s+", " ", page.extract_text()).strip() for page in reader.pages]


def test_a_docx_becomes_a_pdf_holding_its_words_in_order(converter: Converter) -> None:
    words = ["MEMUTUSKAN", "Menetapkan: Keputusan Kepala Dinas tentang Tim (Pendataan) Kampung", MENIMBANG]
    text = " ".join(pages(converter.to_pdf(docx(*words, table=("#ttd-kadis#", "Sentani")))))
    at = [text.find(w) for w in [*words, "#ttd-kadis#", "Sentani"]]
    assert -1 not in at, text
    assert at == sorted(at), "the paragraphs come out in the document's order"


def test_a_page_break_starts_a_new_page(converter: Converter) -> None:
    texts = pages(converter.to_pdf(docx("Halaman satu", "Halaman dua", "Halaman tiga", page_breaks=True)))
    assert texts == ["Halaman satu", "Halaman dua", "Halaman tiga"]


def test_a_long_document_runs_over_several_pages_and_loses_nothing(converter: Converter) -> None:
    lines = [f"Diktum {i}: {MENIMBANG}" for i in range(1, 121)]
    texts = pages(converter.to_pdf(docx(*lines)))
    assert len(texts) > 1
    assert texts[0].startswith("Diktum 1:") and texts[-1].endswith("Diktum 120: " + MENIMBANG)
    assert all(line in " ".join(texts) for line in lines)


def test_pdfa_declares_pdfa_2b_and_a_plain_pdf_does_not(converter: Converter) -> None:
    def pdfa_id(pdf: bytes) -> tuple[str, str | None] | None:
        xmp = pypdf.PdfReader(io.BytesIO(pdf)).xmp_metadata
        if xmp is None or not xmp.pdfaid_part:
            return None
        return xmp.pdfaid_part, xmp.pdfaid_conformance

    document = docx("Arsip")
    assert pdfa_id(converter.to_pdf(document, pdfa=True)) == ("2", "B")
    assert pdfa_id(converter.to_pdf(document)) is None


def test_the_same_document_gives_the_same_text(converter: Converter) -> None:
    document = docx("Nomor 800/001/DPMK/2026", MENIMBANG)
    assert pages(converter.to_pdf(document)) == pages(converter.to_pdf(document))


def test_concurrent_callers_each_get_their_own_document(converter: Converter) -> None:
    got: dict[int, list[str]] = {}

    def convert(i: int) -> None:
        got[i] = pages(converter.to_pdf(docx(f"Surat nomor {i}")))

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == {i: [f"Surat nomor {i}"] for i in range(3)}


def test_empty_input_is_refused(converter: Converter) -> None:
    with pytest.raises(ConversionError) as refused:
        converter.to_pdf(b"")
    assert refused.value.reason == "empty_input"


@pytest.mark.parametrize("garbage", [b"%PDF-1.7 not a document " * 40, b"PK\x03\x04" + b"\x00" * 200],
                         ids=["not-a-zip", "broken-zip"])
def test_garbage_is_a_conversion_error(converter: Converter, garbage: bytes) -> None:
    with pytest.raises(ConversionError) as refused:
        converter.to_pdf(garbage)
    assert refused.value.reason == "conversion_failed"


def test_a_document_reaching_outside_itself_is_refused(converter: Converter) -> None:
    with pytest.raises(UnsafeDocument) as refused:
        converter.to_pdf(external_image("http://127.0.0.1:9/x.png"))
    assert refused.value.reason == "unsafe_document"


def test_ping(converter: Converter) -> None:
    assert converter.ping() is True
