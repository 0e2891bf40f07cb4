"""Serves the presigned links of a `FilesystemObjectStore` (what S3 does for the S3 adapter)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, jsonify, request

from naskah_shared.storage.filesystem import FilesystemObjectStore
from naskah_shared.storage.ports import ObjectNotFound


def _error(status: int, code: str, message: str, **details: object) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message, "details": details}}), status


def _content_disposition(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_blueprint(store: FilesystemObjectStore) -> Blueprint:
    """GET /_store/<bucket>/<key>?version=&expires=&signature= answers the exact bytes of that version."""
    bp = Blueprint("store_download", __name__)

    @bp.get("/_store/<bucket>/<path:key>")
    def download(bucket: str, key: str) -> Response | tuple[Response, int]:
        version = request.args.get("version", "")
        expires = request.args.get("expires", "")
        signature = request.args.get("signature", "")
        if not (version and expires and signature):
            return _error(403, "presigned_url_invalid", "version, expires and signature are required")
        if not store.verify_presigned(bucket, key, version, expires, signature):
            return _error(403, "presigned_url_invalid", "the link's signature is wrong or it has expired",
                          expires=expires)
        try:
            data, obj = store.get(bucket, key, version)
        except (ObjectNotFound, ValueError):
            return _error(404, "not_found", "no such object version", bucket=bucket, key=key, version=version)
        resp = Response(data, status=200, content_type=obj.content_type)
        resp.set_etag(obj.sha256)
        resp.headers["Content-Disposition"] = _content_disposition(key)
        resp.headers["Cache-Control"] = "private, max-age=0"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["x-amz-version-id"] = obj.version_id
        resp.make_conditional(request)  # in place: it answers 304 or 206 through this same response
        return resp

    return bp
