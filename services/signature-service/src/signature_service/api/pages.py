"""Pages for people: the signer's page and the public verification page the QR code opens."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from naskah_shared.storage.ports import Buckets
from signature_service.api.verify import verification

bp = Blueprint("pages", __name__, template_folder="../templates")


@bp.get("/verify/<document_id>")
def verify_page(document_id: str):
    svc = current_app.extensions["naskah"].signing
    ref = svc.signed_document(document_id)
    if ref is None:
        return render_template("verify.html", document_id=document_id, result=None), 404
    data, obj = svc.store.get(Buckets.SIGNED, ref["key"], ref["version_id"])
    return render_template("verify.html", document_id=document_id, result=verification(data), obj=obj)


@bp.get("/sign/<request_id>")
def sign_page(request_id: str):
    req = current_app.extensions["naskah"].signing.request(request_id)
    return render_template("sign.html", req=req)


@bp.get("/sign/batch/<batch_id>")
def sign_batch_page(batch_id: str):
    """The signer's page for a batch: one letter to preview, one passphrase for all, progress as it signs."""
    return render_template("sign_batch.html", batch=current_app.extensions["naskah"].batches.progress(batch_id))
