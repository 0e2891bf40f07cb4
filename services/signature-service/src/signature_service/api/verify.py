"""/api/verify: verify any PAdES PDF and answer per signature and per document timestamp.

Public (no API key) and rate-limited per client address (``NASKAH_VERIFY_RATE_PER_MINUTE``). JSON by default;
the ETSI TS 119 102-2 XML validation report with ``?format=etsi`` or ``Accept: application/xml``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint

from naskah_shared.web import ApiError
from naskah_shared.web.errors import ErrorResponseSchema
from naskah_shared.web.ratelimit import rate_limited
from signature_service.api.container import container
from signature_service.api.schemas import VerificationSchema, VerifyQuerySchema, VerifyUploadSchema

blp = Blueprint("verify", __name__, url_prefix="/api/verify", description="Verification of PAdES signatures")


def _limiter() -> Any:
    return container().verify_limiter


def verification(pdf: bytes, password: str | None = None) -> dict[str, Any]:
    """The answer's fields, with the reports as objects (the schema and the pages read their attributes)."""
    report = container().verification.verify_upload(pdf, password)
    return {"document_sha256": report.sha256, "signatures": report.signatures, "all_ok": report.all_ok,
            "timestamps": report.timestamps, "indication": report.indication.value, "conclusion": report.conclusion,
            "conclusion_id": report.conclusion_id, "encrypted": report.encrypted, "complete": report.complete,
            "notes": report.notes}


def _wants_xml(query: dict[str, Any]) -> bool:
    if query.get("format") == "etsi":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "application/xml", "text/xml"])
    return best in ("application/xml", "text/xml") and request.accept_mimetypes[best] > \
        request.accept_mimetypes["application/json"]


@blp.route("", methods=["POST"])
@rate_limited(_limiter)
@blp.arguments(VerifyQuerySchema, location="query")
@blp.arguments(VerifyUploadSchema, location="files")
@blp.response(200, VerificationSchema)
@blp.doc(responses={"200": {
    "description": "The verification (JSON), or the ETSI TS 119 102-2 ValidationReport (XML).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Verification"}},
                "application/xml": {"schema": {"type": "string",
                                               "description": "ETSI TS 119 102-2 ValidationReport"}}}}})
@blp.alt_response(422, schema=ErrorResponseSchema,
                  description="Not a PDF (`invalid_pdf`), or it needs a password (`password_required`, "
                              "`wrong_password`) or uses an unsupported encryption.")
@blp.alt_response(429, schema=ErrorResponseSchema, description="Too many verifications from this client; "
                                                              "`Retry-After` says when to try again.")
def verify(query, files):
    """Per signature and per document timestamp: the ETSI EN 319 102-1 indication and sub-indication, signer,
    times, intact, valid, trusted, revoked, level, coverage and what later changes did; and the document's
    conclusion. A damaged signature is its own FORMAT_FAILURE entry; the others are still verified."""
    data = files["file"].read()
    if b"%PDF-" not in data[:1024]:  # ISO 32000-2 clause 7.5.2 tolerates bytes before the header
        raise ApiError(422, "invalid_pdf", "The upload is not a PDF.")
    password = request.form.get("password")
    if password is not None and not 0 < len(password) <= 1024:
        raise ApiError(422, "invalid_input", "The password must be 1 to 1024 characters.")
    if _wants_xml(query):
        xml = container().verification.etsi_report(data, password)
        return Response(xml, status=200, mimetype="application/xml")
    return verification(data, password)
