"""/api/verify: verify any PAdES PDF and answer per signature."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from naskah_shared.web import ApiError
from signature_service.api.schemas import VerificationSchema

blp = Blueprint("verify", __name__, url_prefix="/api/verify", description="Verification of PAdES signatures")


class VerifyUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "A PDF with PAdES signatures."})


def verification(pdf: bytes) -> dict:
    reports = current_app.extensions["naskah"].signing.verify(pdf)
    return {"document_sha256": hashlib.sha256(pdf).hexdigest(), "signatures": reports,
            "all_ok": bool(reports) and all(r.ok for r in reports)}


@blp.route("", methods=["POST"])
@blp.arguments(VerifyUploadSchema, location="files")
@blp.response(200, VerificationSchema)
def verify(files):
    """Per signature: signer, times, intact, valid, trusted, revoked, level, coverage, later changes."""
    data = files["file"].read()
    if not data.startswith(b"%PDF-"):
        raise ApiError(422, "invalid_pdf", "The upload is not a PDF.")
    return verification(data)
