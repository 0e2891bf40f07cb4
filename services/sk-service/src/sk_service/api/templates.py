"""/api/templates: the built-in templates (SK Tim, Surat Edaran) and the ones offices upload."""

from __future__ import annotations

import re

from flask import Response, request
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from naskah_shared.web import ApiError
from sk_service.api.container import container
from sk_service.api.schemas import TemplateSchema
from sk_service.service_layer.documents import DOCX
from sk_service.service_layer.templates import TemplateCatalogue

blp = Blueprint("templates", __name__, url_prefix="/api/templates",
                description="DOCX templates of SK Tim and of the Surat Edaran")
NAME = re.compile(r"[a-z0-9_-]{1,100}")


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "A DOCX template (docxtpl/Jinja placeholders)."})


def _catalogue() -> TemplateCatalogue:
    return container().templates


@blp.route("", methods=["GET"])
@blp.response(200, TemplateSchema(many=True))
def list_templates():
    """Every template: built-in ones and uploads (a built-in's name cannot be uploaded). An SK names one of
    kind `sk`; `surat_edaran` is the letter of SOP step 8."""
    return _catalogue().list()


@blp.route("/<name>", methods=["PUT"])
@blp.arguments(UploadSchema, location="files")
@blp.response(201, TemplateSchema)
def upload(files, name: str):
    """Upload (or replace) a template; a built-in's name (`sk_tim`, `surat_edaran`) is a 409. It must be a
    self-contained DOCX (no external relationship, linking field, macro, ActiveX or embedded object) within
    the size limit, not a zip bomb, and hold
    the placeholders an SK needs (`nomor`, `tentang`, `diktum`, `anggota`, `penandatangan`)."""
    if not NAME.fullmatch(name):
        raise ApiError(422, "invalid_input", "A template name is 1-100 of a-z, 0-9, _ and -.", {"name": name[:100]})
    if _catalogue().is_builtin(name):
        # An upload under a built-in's name would silently change every document made from it.
        raise ApiError(409, "builtin_template", f"{name!r} is a built-in template; upload under another name.",
                       {"name": name})
    limit = container().settings.max_template_mb * 1024 * 1024
    return _catalogue().upload(name, files["file"].read(), max_bytes=limit,
                               actor=request.headers.get("X-Actor", "api")[:200])


@blp.route("/<name>.docx", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type=DOCX)
def download(name: str):
    if not NAME.fullmatch(name):  # first: a 5 000-character name is no file name to look up
        raise ApiError(404, "not_found", f"no template named {name[:100]!r}")
    data = _catalogue().download(name)
    if data is None:
        raise ApiError(404, "not_found", f"no template named {name!r}")
    return Response(data, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})
