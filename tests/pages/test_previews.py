"""Page images: PDFium renders a stored PDF once per SHA-256 (cached in the drafts bucket), within bounds."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image

from naskah_shared.storage.filesystem import FilesystemObjectStore
from naskah_shared.storage.ports import Buckets
from signature_service.adapters.pdfium import PdfiumRenderer
from signature_service.pki.sample_pdf import sk_sample_pdf
from signature_service.service_layer.previews import PreviewBusy, PreviewService, PreviewUnavailable, RenderedPage


class CountingRenderer(PdfiumRenderer):
    def __init__(self, delay: float = 0.0) -> None:
        self.calls, self.delay, self.release = 0, delay, threading.Event()

    def render(self, pdf: bytes, page: int, *, width: int, max_pixels: int) -> RenderedPage:
        self.calls += 1
        if self.delay:
            self.release.wait(self.delay)
        return super().render(pdf, page, width=width, max_pixels=max_pixels)


@pytest.fixture
def store(tmp_path):
    s = FilesystemObjectStore(tmp_path / "store", signing_key=b"k" * 32, public_base_url="http://127.0.0.1:1")
    s.ensure_bucket(Buckets.DRAFTS)
    return s


def test_a_page_is_rendered_once_per_sha256_at_the_width_asked(store):
    ref = store.put(Buckets.DRAFTS, "sk/x/sk.pdf", sk_sample_pdf(), content_type="application/pdf").ref()
    renderer = CountingRenderer()
    previews = PreviewService(renderer, store, width=720, max_pages=1)
    first = previews.page(ref, 1)
    image = Image.open(io.BytesIO(first.png))
    assert image.format == "PNG" and image.width == 720 and first.page_count == 1
    assert previews.page(ref, 1).png == first.png and renderer.calls == 1, "the second view is the cached image"
    assert PreviewService(CountingRenderer(), store, width=720).page(ref, 1).png == first.png, "shared by processes"
    assert previews.page_count(ref) == 1
    with pytest.raises(PreviewUnavailable):
        previews.page(ref, 2)  # past max_pages: never rendered
    previews.close()


def test_bad_pages_bytes_and_slow_renders_answer_clearly(store):
    ref = store.put(Buckets.DRAFTS, "sk/y/sk.pdf", sk_sample_pdf(), content_type="application/pdf").ref()
    previews = PreviewService(PdfiumRenderer(), store, max_pages=50)
    with pytest.raises(PreviewUnavailable):
        previews.page(ref, 40)  # the document has fewer pages
    with pytest.raises(PreviewUnavailable):
        previews.page({**ref, "sha256": "0" * 64}, 1)  # bytes that are not the ones named: nothing cached
    broken = store.put(Buckets.DRAFTS, "sk/z/sk.pdf", b"%PDF-1.7 broken").ref()
    with pytest.raises(PreviewUnavailable):
        previews.page(broken, 1)
    previews.close()

    slow = CountingRenderer(delay=5.0)
    limited = PreviewService(slow, store, budget_seconds=0.3, max_queued=1)
    started = time.monotonic()
    with pytest.raises(PreviewBusy):
        limited.page(ref, 1)
    assert time.monotonic() - started < 2, "the viewer waits at most the budget"
    with pytest.raises(PreviewBusy):
        limited.page({**ref, "sha256": "1" * 64}, 1)  # the queue is full while the first one renders
    slow.release.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not store.list_objects(Buckets.DRAFTS, f"previews/{ref['sha256']}/"):
        time.sleep(0.05)
    assert limited.page(ref, 1).png.startswith(b"\x89PNG"), "the late render landed in the cache"
    limited.close()
