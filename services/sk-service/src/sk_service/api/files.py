"""Sending a stored document version as a download, with its SHA-256 for the caller to check."""

from __future__ import annotations

from typing import Any

from flask import Response

from sk_service.api.container import container
from sk_service.service_layer import queries


def stored_file(ref: dict[str, Any], mimetype: str, filename: str) -> Response:
    data, obj = queries.stored(container().runtime.store, ref)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "ETag": obj.sha256,
        "X-Content-SHA256": obj.sha256})
