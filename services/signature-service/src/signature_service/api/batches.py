"""/api/signature-batches: a signer signs many documents (SOP step 8's letters) with one passphrase."""

from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from signature_service.api.auth import client, current_signer, signer_scope
from signature_service.api.container import container
from signature_service.api.schemas import BatchProgressSchema, RejectInputSchema, SignInputSchema
from signature_service.service_layer.commands import RejectBatch, SignBatch

blp = Blueprint("batches", __name__, url_prefix="/api/signature-batches",
                description="Batches: many documents, one signer, one passphrase")


def _batches():
    return container().batches


def _view(progress: dict) -> dict:
    return {**progress, "links": {"self": url_for("batches.get_batch", batch_id=progress["batch_id"]),
                                  "sign": url_for("batches.sign_batch", batch_id=progress["batch_id"]),
                                  "reject": url_for("batches.reject_batch", batch_id=progress["batch_id"]),
                                  "page": url_for("pages.sign_batch_page", batch_id=progress["batch_id"])}}


@blp.route("/<batch_id>", methods=["GET"])
@blp.response(200, BatchProgressSchema)
def get_batch(batch_id: str):
    """How far signing got: documents by status, whether a job runs, the error that stopped it."""
    return _view(_batches().progress(batch_id, signer_scope()))


@blp.route("/<batch_id>/sign", methods=["POST"])
@blp.arguments(SignInputSchema)
@blp.response(202, BatchProgressSchema)
def sign_batch(body, batch_id: str):
    """Sign every pending document of the batch addressed to the signer.

    The first is signed before the answer (a wrong passphrase is a 403 here, and counts toward the
    lockout); the rest are signed in the background: follow the `self` link. Calling again while that
    runs is a 409; after an error it resumes, and it never signs a document twice.
    """
    return _view(_batches().sign(SignBatch(batch_id, current_signer(), body["passphrase"], client())))


@blp.route("/<batch_id>/reject", methods=["POST"])
@blp.arguments(RejectInputSchema)
@blp.response(200, BatchProgressSchema)
def reject_batch(body, batch_id: str):
    """Refuse, with a note, every document of the batch not signed yet; each goes back to its service."""
    return _view(_batches().reject(RejectBatch(batch_id, current_signer(), body["note"], client())))
