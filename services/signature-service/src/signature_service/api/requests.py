"""/api/signature-requests: a signer's queue, preview, sign and reject."""

from __future__ import annotations

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from signature_service.api.auth import client, current_signer, signer_scope
from signature_service.api.container import container
from signature_service.api.schemas import RejectInputSchema, RequestQuerySchema, SignatureRequestSchema, SignInputSchema
from signature_service.domain.requests import SignatureRequest
from signature_service.service_layer import queries
from signature_service.service_layer.commands import Reject, RequestTotp, Sign

blp = Blueprint("requests", __name__, url_prefix="/api/signature-requests",
                description="Signature requests: the Kabid and the Kadis sign in order")


def _svc():
    return container().signing


def view(req: SignatureRequest) -> dict:
    return {**req.__dict__, "status": req.status.value,
            "links": {"self": url_for("requests.get_request", request_id=req.id),
                      "pdf": url_for("requests.preview", request_id=req.id),
                      "sign": url_for("requests.sign", request_id=req.id),
                      "page": url_for("pages.sign_page", request_id=req.id)}}


def _visible(request_id: str) -> SignatureRequest:
    req = _svc().request(request_id)
    signer = signer_scope()
    if signer is not None:
        req.check_signer(signer.id)
    return req


@blp.route("", methods=["GET"])
@blp.arguments(RequestQuerySchema, location="query")
@blp.response(200, SignatureRequestSchema(many=True))
def list_requests(query):
    """Requests, filtered by signer and status (e.g. `?signer=kadis&status=pending`).

    With a signer's token instead of an API key, only that signer's requests."""
    signer = signer_scope()
    if signer is not None:
        query["signer"] = signer.id
    return [view(r) for r in queries.search_requests(_svc().uow, **query)]


@blp.route("/<request_id>", methods=["GET"])
@blp.response(200, SignatureRequestSchema)
def get_request(request_id: str):
    return view(_visible(request_id))


@blp.route("/<request_id>/document.pdf", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def preview(request_id: str):
    """The PDF as it stands for this signer (after signing: as signed)."""
    data = _svc().source_pdf(_visible(request_id))
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{request_id}.pdf"'})


@blp.route("/<request_id>/sign", methods=["POST"])
@blp.arguments(SignInputSchema)
@blp.response(200, SignatureRequestSchema)
def sign(body, request_id: str):
    """Sign with the signer's key. Signing twice answers the first result and adds no second signature."""
    return view(_svc().sign(Sign(request_id, current_signer(), body["passphrase"], client())))


class SignerStatusSchema(Schema):
    can_sign = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "BSrE's status (ISSUE, EXPIRED, SUSPEND, …) "
                                                                   "or LOCAL for a key naskah holds"})
    message = fields.String(required=True, metadata={"description": "Why, in Indonesian"})
    backend = fields.String(required=True)


class TotpSentSchema(Schema):
    sent = fields.Boolean(required=True)
    channel = fields.String(required=True)
    backend = fields.String(required=True)
    files = fields.Integer(required=True)


@blp.route("/<request_id>/signer-status", methods=["GET"])
@blp.response(200, SignerStatusSchema)
def signer_status(request_id: str):
    """Can the signer sign now? Asked before the passphrase (BSrE: user/check/status; only ISSUE signs)."""
    req = _visible(request_id)
    return _svc().signer_status(req.signer).__dict__


@blp.route("/<request_id>/totp", methods=["POST"])
@blp.response(202, TotpSentSchema)
def request_totp(request_id: str):
    """For an account that signs with a TOTP: BSrE e-mails the signer the code to send as `passphrase`."""
    return _svc().request_totp(RequestTotp(request_id, current_signer()))


@blp.route("/<request_id>/reject", methods=["POST"])
@blp.arguments(RejectInputSchema)
@blp.response(200, SignatureRequestSchema)
def reject(body, request_id: str):
    """Refuse to sign, with a note; the document goes back to its author's service."""
    return view(_svc().reject(Reject(request_id, current_signer(), body["note"], client())))
