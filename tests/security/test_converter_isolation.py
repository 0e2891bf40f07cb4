"""Issue 13 #6: the converter reads nothing outside the document.

Two guards, each tested on its own with a real LibreOffice: the pool refuses a DOCX that points
outside itself before LibreOffice sees it; and LibreOffice itself, handed such a file with that check
switched off, fetches no URL (a loopback HTTP server counts the requests) and embeds no local file.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator

import pytest

import naskah_shared.convert.libreoffice as libreoffice
from naskah_shared.convert.docx_safety import UnsafeDocument
from naskah_shared.office import load_office
from sk_service.adapters.docx_context import sk_context
from sk_service.adapters.docx_renderer import BUILTIN_TEMPLATE, DocxtplRenderer
from sk_service.domain.naskah import Office
from tests.data import sk_payload
from tests.security.make_template_corpus import PNG_1PX, external_image


@pytest.fixture
def watched_url() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG_1PX)

        do_HEAD = do_GET

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/secret.png", hits
    server.shutdown()
    server.server_close()


def _images(pdf: bytes) -> int:
    out = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return max(0, len(out.strip().splitlines()) - 2)  # two header lines


def test_the_pool_refuses_a_document_that_points_outside_itself(uno_pool, watched_url) -> None:
    url, hits = watched_url
    with pytest.raises(UnsafeDocument, match="external image relationship"):
        uno_pool.to_pdf(external_image(url))
    assert hits == []


def test_libreoffice_itself_fetches_no_url_and_embeds_no_local_file(uno_pool, watched_url, tmp_path,
                                                                    monkeypatch) -> None:
    url, hits = watched_url
    local = tmp_path / "local.png"
    local.write_bytes(PNG_1PX)
    monkeypatch.setattr(libreoffice, "check_self_contained", lambda data: None)  # only LibreOffice's guard left
    for doc in (external_image(url), external_image(url, link=False), external_image(f"file://{local}")):
        assert _images(uno_pool.to_pdf(doc)) == 0
    assert hits == [], "LibreOffice fetched a URL while converting"
    # The settings do not stop what is inside the package: an SK's logo still prints.
    sk = DocxtplRenderer().render(BUILTIN_TEMPLATE.read_bytes(), sk_context(sk_payload(members=2),
                                                                            Office.of(load_office())))
    assert _images(uno_pool.to_pdf(sk)) >= 1
