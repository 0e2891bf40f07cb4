"""/api/archive: the locked archive of signed documents, for archivists."""

from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint

from signature_service.api.container import container
from signature_service.api.schemas import ArchiveKeySchema, ArchiveQuerySchema, DownloadSchema, StoredObjectSchema
from signature_service.service_layer.archive import ArchivedVersion

blp = Blueprint("archive", __name__, url_prefix="/api/archive", description="Signed documents under object lock")
EXPIRES = timedelta(minutes=10)


def _view(v: ArchivedVersion) -> dict:
    return {**v.obj.__dict__, "metadata": dict(v.obj.metadata), "retain_until": v.retain_until,
            "legal_hold": v.legal_hold}


@blp.route("", methods=["GET"])
@blp.arguments(ArchiveQuerySchema, location="query")
@blp.response(200, StoredObjectSchema(many=True))
def list_documents(query):
    """The latest version of each signed document under `prefix` (`sk/`, `reports/`)."""
    return [_view(v) for v in container().archive.latest_under(query["prefix"])]


@blp.route("/versions", methods=["GET"])
@blp.arguments(ArchiveKeySchema, location="query")
@blp.response(200, StoredObjectSchema(many=True))
def versions(query):
    """Every version of one signed document, newest first, with metadata and retention."""
    return [_view(v) for v in container().archive.key_versions(query["key"])]


@blp.route("/download", methods=["GET"])
@blp.arguments(ArchiveKeySchema, location="query")
@blp.response(200, DownloadSchema)
def download(query):
    """A short-lived presigned URL that downloads exactly that version."""
    return {"url": container().archive.key_download_url(query["key"], query["version_id"], EXPIRES),
            "expires_in": int(EXPIRES.total_seconds())}
