"""/api/templates: the built-in templates (SK Tim, Surat Edaran) and the ones offices upload."""

from __future__ import annotations

import re

from flask import Response, current_app, request
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from naskah_shared.storage.ports import Buckets
from naskah_shared.web import ApiError
from sk_service.adapters.docx_renderer import inspect_template, template_kind
from sk_service.api.schemas import TemplateSchema
from sk_service.bootstrap import TEMPLATES
from sk_service.service_layer.documents import DOCX

blp = Blueprint("templates", __name__, url_prefix="/api/templates",
                description="DOCX templates of SK Tim and of the Surat Edaran")
NAME = re.compile(r"[a-z0-9_-]{1,100}")


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "A DOCX template (docxtpl/Jinja placeholders)."})


def _builtin() -> list[dict]:
    import hashlib

    out = []
    for path in sorted(TEMPLATES.glob("*.docx")):
        data = path.read_bytes()
        out.append({"name": path.stem, "kind": template_kind(path.stem), "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(), "builtin": True,
                    "placeholders": inspect_template(data, len(data) + 1, path.stem)})
    return out


@blp.route("", methods=["GET"])
@blp.response(200, TemplateSchema(many=True))
def list_templates():
    """Every template: built-in ones and uploads (a built-in's name cannot be uploaded). An SK names one of
    kind `sk`; `surat_edaran` is the letter of SOP step 8."""
    svc = current_app.extensions["naskah"]
    with svc.uow() as uow:
        uploaded = {r["name"]: {"name": r["name"], "kind": template_kind(r["name"]), "size": r["size"],
                                "sha256": r["document"]["sha256"], "builtin": False,
                                "placeholders": r["placeholders"]} for r in uow.sks.templates()}
    builtin = _builtin()
    names = {t["name"] for t in builtin}  # an upload made under a built-in's name before that was refused
    return builtin + [t for name, t in uploaded.items() if name not in names]


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
    if (TEMPLATES / f"{name}.docx").is_file():
        # An upload under a built-in's name would silently change every document made from it.
        raise ApiError(409, "builtin_template", f"{name!r} is a built-in template; upload under another name.",
                       {"name": name})
    svc = current_app.extensions["naskah"]
    data = files["file"].read()
    limit = svc.settings.max_template_mb * 1024 * 1024
    placeholders = inspect_template(data, limit, name)
    stored = svc.runtime.store.put(Buckets.DRAFTS, f"templates/{name}.docx", data, content_type=DOCX,
                                   metadata={"document-kind": "template", "template": name,
                                             "producer": "sk-service"})
    with svc.uow() as uow:
        uow.sks.put_template(name, stored.ref(), len(data), placeholders,
                             request.headers.get("X-Actor", "api")[:200])
        uow.commit()
    return {"name": name, "kind": template_kind(name), "size": len(data), "sha256": stored.sha256,
            "builtin": False, "placeholders": placeholders}


@blp.route("/<name>.docx", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type=DOCX)
def download(name: str):
    if not NAME.fullmatch(name):  # first: a 5 000-character name is no file name to look up
        raise ApiError(404, "not_found", f"no template named {name[:100]!r}")
    svc = current_app.extensions["naskah"]
    with svc.uow() as uow:
        known = uow.sks.template(name) is not None or (TEMPLATES / f"{name}.docx").is_file()
    if not known:
        raise ApiError(404, "not_found", f"no template named {name!r}")
    data = svc.template(name)
    return Response(data, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}.docx"'})
