"""/api/archive: the locked archive of signed documents, for archivists."""

from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint

from naskah_shared.storage.ports import Buckets
from signature_service.api.container import container
from signature_service.api.schemas import ArchiveKeySchema, ArchiveQuerySchema, DownloadSchema, StoredObjectSchema

blp = Blueprint("archive", __name__, url_prefix="/api/archive", description="Signed documents under object lock")
EXPIRES = timedelta(minutes=10)


def _store():
    return container().runtime.store


def _view(obj) -> dict:
    store = _store()
    retention = store.get_retention(obj.bucket, obj.key, obj.version_id)
    return {**obj.__dict__, "metadata": dict(obj.metadata), "retain_until": retention.until if retention else None,
            "legal_hold": store.get_legal_hold(obj.bucket, obj.key, obj.version_id)}


@blp.route("", methods=["GET"])
@blp.arguments(ArchiveQuerySchema, location="query")
@blp.response(200, StoredObjectSchema(many=True))
def list_documents(query):
    """The latest version of each signed document under `prefix` (`sk/`, `reports/`)."""
    return [_view(o) for o in _store().list_objects(Buckets.SIGNED, query["prefix"])]


@blp.route("/versions", methods=["GET"])
@blp.arguments(ArchiveKeySchema, location="query")
@blp.response(200, StoredObjectSchema(many=True))
def versions(query):
    """Every version of one signed document, newest first, with metadata and retention."""
    return [_view(o) for o in _store().list_versions(Buckets.SIGNED, query["key"])]


@blp.route("/download", methods=["GET"])
@blp.arguments(ArchiveKeySchema, location="query")
@blp.response(200, DownloadSchema)
def download(query):
    """A short-lived presigned URL that downloads exactly that version."""
    store = _store()
    obj = store.stat(Buckets.SIGNED, query["key"], query["version_id"])
    return {"url": store.presigned_get_url(Buckets.SIGNED, obj.key, obj.version_id, EXPIRES),
            "expires_in": int(EXPIRES.total_seconds())}
