"""Page images: a document shown as PNG pages rendered on the server, so no browser PDF plugin is needed.

Images are cached in the object store under `previews/{sha256}/{rendering}-{width}/{n}.png` in the drafts bucket (not
the locked archive). Keyed by the PDF's SHA-256, a cached image is always the image of exactly those bytes,
so nothing ever needs invalidating; in the store (not on one machine's disk) every worker and replica
shares it, and a restart keeps it. Each image records the document's page count in its metadata.

Work is bounded: at most `max_pages` pages are ever rendered, each at most `max_pixels`, and rendering a
document stops past `budget_seconds` (the pages not rendered yet answer `PreviewUnavailable`). Only
documents naskah itself stored are rendered (drafts, requests, the archive), never an upload.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Protocol

from naskah_shared.storage.ports import Buckets, ObjectNotFound, ObjectStore

log = logging.getLogger(__name__)


RENDERING = "r2"  # part of the cache key: a change to how pages are drawn makes new images, never stale ones


class PreviewUnavailable(Exception):
    """The page does not exist, is past the preview limit, or the PDF cannot be rendered."""


class PreviewBusy(Exception):
    """Not rendered within the time budget, or too many renders queued: try again shortly (503)."""


@dataclass(frozen=True)
class RenderedPage:
    png: bytes
    page_count: int  # pages of the whole document (previews show at most max_pages of them)


class PageRenderer(Protocol):
    def render(self, pdf: bytes, page: int, *, width: int, max_pixels: int) -> RenderedPage:
        """PNG of page `page` (0-based) at `width` pixels wide (narrower when `max_pixels` demands)."""


class PreviewService:
    def __init__(self, renderer: PageRenderer, store: ObjectStore, *, width: int = 900, max_pages: int = 20,
                 max_pixels: int = 900 * 1600, budget_seconds: float = 10.0, max_queued: int = 8) -> None:
        self.renderer, self.store = renderer, store
        self.width, self.max_pages, self.max_pixels, self.budget = width, max_pages, max_pixels, budget_seconds
        # One rendering thread (PDFium is not thread-safe) behind a bounded queue: a burst of viewers waits at
        # most `budget` each and is refused beyond `max_queued`, instead of piling up threads.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preview")
        self._slots = threading.BoundedSemaphore(max_queued)

    def page_count(self, ref: dict[str, Any]) -> int:
        """How many page images the document has (at most `max_pages`); renders the first when needed."""
        return min(self.page(ref, 1).page_count, self.max_pages)

    def page(self, ref: dict[str, Any], number: int) -> RenderedPage:
        """Page `number` (1-based) of the stored PDF `ref` (bucket/key/version_id/sha256), from the cache."""
        if not 1 <= number <= self.max_pages:
            raise PreviewUnavailable(f"page {number} is outside 1..{self.max_pages}")
        key = f"previews/{ref['sha256']}/{RENDERING}-{self.width}/{number}.png"
        cached = self._cached(key)
        if cached is not None:
            return cached
        if not self._slots.acquire(blocking=False):
            raise PreviewBusy("too many page images are being rendered; try again shortly")
        try:
            future = self._pool.submit(self._render, ref, number, key)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _f: self._slots.release())
        try:
            return future.result(timeout=self.budget)
        except FutureTimeout:  # it goes on in the background and lands in the cache for the next visit
            raise PreviewBusy(f"page {number} takes longer than {self.budget:.0f} s to render; try again") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _cached(self, key: str) -> RenderedPage | None:
        try:
            data, obj = self.store.get(Buckets.DRAFTS, key)
        except ObjectNotFound:
            return None
        return RenderedPage(data, int(obj.metadata.get("page-count", "1")))

    def _render(self, ref: dict[str, Any], number: int, key: str) -> RenderedPage:
        cached = self._cached(key)  # queued twice: the first one rendered it
        if cached is not None:
            return cached
        pdf, _ = self.store.get(ref["bucket"], ref["key"], ref["version_id"])
        if hashlib.sha256(pdf).hexdigest() != ref["sha256"]:  # never cache an image under the wrong hash
            raise PreviewUnavailable(f"{ref['key']} does not match its SHA-256")
        started = time.perf_counter()
        rendered = self.renderer.render(pdf, number - 1, width=self.width, max_pixels=self.max_pixels)
        self.store.put(Buckets.DRAFTS, key, rendered.png, content_type="image/png",
                       metadata={"page-count": str(rendered.page_count), "source-sha256": ref["sha256"],
                                 "producer": "signature-service"})
        log.info("page image rendered", extra={"sha256": ref["sha256"][:16], "page": number,
                                               "ms": round((time.perf_counter() - started) * 1000, 1)})
        return rendered
