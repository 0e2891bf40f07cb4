"""Serving a document's page images from any page blueprint, once that blueprint has authorized the viewer."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for

from signature_service.api.container import container
from signature_service.service_layer.previews import PreviewBusy, PreviewUnavailable


def previews():
    return container().previews


def page_image(ref: dict[str, Any], number: int) -> Response:
    """The PNG of page `number` of the stored PDF `ref`. Call it only after checking who may see `ref`."""
    page = previews().page(ref, number)
    response = Response(page.png, mimetype="image/png")
    # Private: a document is for its viewer only; the URL carries the SHA-256 so a new version is a new URL.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def page_urls(ref: dict[str, Any], endpoint: str, **values: Any) -> list[str]:
    """The URLs of every page image of `ref`, served by `endpoint(…, number=n)` of the calling blueprint."""
    try:
        count = previews().page_count(ref)
    except (PreviewBusy, PreviewUnavailable):  # the page says so and offers to load again
        return []
    return [url_for(endpoint, number=n, v=ref["sha256"][:16], **values) for n in range(1, count + 1)]
