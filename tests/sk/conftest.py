"""Fixtures for the SK document pipeline: the renderer, the office, a real LibreOffice pool."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document

from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.office import load_office
from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE, DocxtplRenderer
from sk_service.domain.naskah import Office
from tests.data import docx_of


@pytest.fixture(scope="module")
def uno_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnoserverPool]:
    """Two warm unoserver processes shared by a test module; closed (process groups killed) after it."""
    pool = UnoserverPool(2, workdir=tmp_path_factory.mktemp("uno"), timeout=60, start_timeout=90)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def renderer() -> DocxtplRenderer:
    return DocxtplRenderer()


@pytest.fixture(scope="module")
def office() -> Office:
    return Office.of(load_office())


@pytest.fixture(scope="module")
def sk_template() -> bytes:
    return BUILTIN_TEMPLATE.read_bytes()


def _pdftotext(pdf: bytes, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    done = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture(scope="session")
def pdf_text() -> Callable[..., str]:
    """pdftotext of a PDF (optionally pages first..last), whitespace collapsed so wrapped cells still match."""

    def text(pdf: bytes, first: int | None = None, last: int | None = None) -> str:
        return re.sub(r"\s+", " ", _pdftotext(pdf, first, last))

    return text


@pytest.fixture(scope="session")
def docx_text() -> Callable[[bytes], str]:
    """Every paragraph of a DOCX, tables included, as python-docx reads it."""

    def cells(tables) -> list[str]:  # nested tables too: the Lampiran's last row holds one
        out = []
        for table in tables:
            for row in table.rows:
                for c in row.cells:
                    out += [c.text, *cells(c.tables)]
        return out

    def text(data: bytes) -> str:
        doc = Document(io.BytesIO(data))
        return "\n".join([p.text for p in doc.paragraphs] + cells(doc.tables))

    return text


@pytest.fixture(scope="session")
def make_docx() -> Callable[..., bytes]:
    """A small DOCX whose paragraphs are the given texts (templates for the error cases)."""
    return docx_of


@pytest.fixture(scope="session")
def pdf_pages() -> Callable[[bytes], int]:
    def pages(pdf: bytes) -> int:
        out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))

    return pages


REPO = Path(__file__).resolve().parents[2]
