"""/api/sk: draft, revise, submit, review an SK Tim; list and download its versions."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from naskah_shared.web import ApiError, person
from naskah_shared.web.auth import OPEN, has_scope
from sk_service.api.container import container
from sk_service.api.files import stored_file
from sk_service.api.schemas import (
    ActorSchema,
    DiffQuerySchema,
    DiffSchema,
    ReviewInputSchema,
    SkInputSchema,
    SkSchema,
    VersionSchema,
)
from sk_service.domain.sk import Decision, Role
from sk_service.service_layer import handlers, queries
from sk_service.service_layer.commands import DraftSk, ReviewSk, ReviseSk, SubmitSk
from sk_service.service_layer.unit_of_work import SkVersion

blp = Blueprint("sk", __name__, url_prefix="/api/sk", description="SK Tim: drafting and the review loop")


def _actor(default: str) -> str:
    return request.headers.get("X-Actor", "").strip()[:200] or default


def _links(sk_id: str) -> dict[str, str]:
    return {"self": url_for("sk.SkItem", sk_id=sk_id), "versions": url_for("sk.versions", sk_id=sk_id),
            "latest_pdf": url_for("sk.latest_file", sk_id=sk_id, ext="pdf"),
            "latest_docx": url_for("sk.latest_file", sk_id=sk_id, ext="docx")}


def _view(sk) -> dict[str, Any]:
    awaiting = sk.awaiting_reviewer()
    return {"id": sk.id, "status": sk.status.value, "revision": sk.revision, "nomor": sk.nomor,
            "drafter": sk.drafter, "created_at": sk.created_at, "content": sk.content,
            "awaiting": awaiting.value if awaiting else None,
            "reviews": [{"role": r.role.value, "decision": r.decision.value, "note": r.note,
                         "reviewer": r.reviewer, "reviewer_nama": r.reviewer_nama or r.reviewer,
                         "vouched_by": r.vouched_by, "at": r.at, "revision": r.revision} for r in sk.reviews],
            "signed_document": sk.signed_document, "links": _links(sk.id)}


class ListQuery(Schema):
    status = fields.String(validate=validate.Length(max=30))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))  # a SQL integer


class SkSummary(Schema):
    id = fields.String()
    status = fields.String()
    revision = fields.Integer()
    nomor = fields.String(allow_none=True)
    kegiatan = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


@blp.route("")
class SkCollection(MethodView):
    @blp.arguments(ListQuery, location="query")
    @blp.response(200, SkSummary(many=True))
    def get(self, query):
        """List SKs, newest first."""
        return queries.list_sks(container().uow, **query)

    @blp.arguments(SkInputSchema)
    @blp.response(201, SkSchema)
    def post(self, body):
        """Draft an SK Tim: renders the DOCX and PDF and stores them as version 1.

        The drafter is the `X-Actor` header (default `kasubid`).
        """
        svc = container()
        sk = handlers.draft_sk(svc.uow, svc.documents, DraftSk(body, _actor("kasubid")))
        return _view(sk), 201, {"Location": url_for("sk.SkItem", sk_id=sk.id)}


@blp.route("/<sk_id>")
class SkItem(MethodView):
    @blp.response(200, SkSchema)
    def get(self, sk_id: str):
        """One SK with its status, reviews and links."""
        return _view(queries.sk(container().uow, sk_id))

    @blp.arguments(SkInputSchema)
    @blp.response(200, SkSchema)
    def put(self, body, sk_id: str):
        """Revise an SK (only while a draft or sent back by the Kabid): a new revision and version."""
        svc = container()
        sk, changed = handlers.revise_sk(svc.uow, svc.documents, ReviseSk(sk_id, body, _actor("kasubid")))
        view = _view(sk)
        view["changed_fields"] = changed
        return view


@blp.route("/<sk_id>/submit", methods=["POST"])
@blp.arguments(ActorSchema, location="json", required=False)
@blp.response(200, SkSchema)
def submit(body, sk_id: str):
    """Hand the draft to the Kabid (SOP step 3 → 4)."""
    sk = handlers.submit_sk(container().uow, SubmitSk(sk_id, (body or {}).get("actor") or _actor("kasubid")))
    return _view(sk)


@blp.route("/<sk_id>/reviews", methods=["POST"])
@blp.arguments(ReviewInputSchema)
@blp.response(200, SkSchema)
def review(body, sk_id: str):
    """The Kabid's or the Kadis's decision; a rejection sends the SK back with the note.

    A review is a person's act. Either the logged-in person's signed assertion (header `X-Naskah-Person`,
    made by signature-service where people log in) names the reviewer, whose role must be `role`; or an
    internal system whose API key is granted the `review` scope vouches, naming the `reviewer` (recorded
    as `vouched_by`). Anyone else gets 401/403, in the open embedded run too. A role that does not match
    the SK's step gets 403; an SK that awaits no review at all gets 409.
    """
    svc = container()
    reviewer, nama, vouched_by = _reviewer(body)
    sk = handlers.review_sk(svc.uow, svc.documents, ReviewSk(
        sk_id, Role(body["role"]), Decision(body["decision"]), body["note"], reviewer, reviewer_nama=nama,
        vouched_by=vouched_by))
    return _view(sk)


def _reviewer(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(reviewer id, nama, the vouching system or None) of this review request, or a 401/403."""
    token = request.headers.get(person.HEADER, "")
    if token:
        try:
            who = person.verify(container().settings.secret_key, token)
        except person.InvalidAssertion as exc:
            raise ApiError(403, "invalid_person", "The person assertion is not valid.", {"reason": str(exc)}) from None
        if who.role != body["role"]:
            raise ApiError(403, "wrong_reviewer", f"A {who.role} cannot review as the {body['role']}.")
        return who.id, who.nama, None
    if has_scope("review"):
        if not body.get("reviewer"):
            raise ApiError(422, "invalid_input", "A system that vouches for a review must name the `reviewer`.",
                           {"fields": {"reviewer": ["Name who decided."]}})
        return body["reviewer"], body["reviewer"], g.api_client
    if g.get("api_client") in (None, OPEN):
        raise ApiError(401, "unauthenticated", "A review needs a logged-in person (X-Naskah-Person) or an API "
                                               "key granted the review scope.")
    raise ApiError(403, "forbidden", f"The API key {g.api_client!r} is not granted the review scope.")


@blp.route("/<sk_id>/versions", methods=["GET"])
@blp.response(200, VersionSchema(many=True))
def versions(sk_id: str):
    """Every stored rendering of the SK, oldest first, with download links."""
    return [{**asdict(v), "links": {ext: url_for("sk.version_file", sk_id=sk_id, n=v.n, ext=ext)
                                    for ext in ("docx", "pdf")}}
            for v in queries.versions(container().uow, sk_id)]


@blp.route("/<sk_id>/diff", methods=["GET"])
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DiffSchema)
def diff(query, sk_id: str):
    """Which fields changed between two revisions."""
    return {"from_": query["from_"], "to": query["to"],
            "changed_fields": queries.diff(container().uow, sk_id, query["from_"], query["to"])}


_MIME = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@blp.route("/<sk_id>/versions/<int:n>.<ext>", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def version_file(sk_id: str, n: int, ext: str):
    """Download version `n` as DOCX or PDF."""
    return _file(sk_id, queries.version(container().uow, sk_id, n), ext, n)


@blp.route("/<sk_id>/latest.<ext>", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def latest_file(sk_id: str, ext: str):
    """Download the latest version as DOCX or PDF."""
    row = queries.version(container().uow, sk_id)
    return _file(sk_id, row, ext, row.n if row else 0)


def _file(sk_id: str, row: SkVersion | None, ext: str, n: int) -> Response:
    if ext not in _MIME:
        raise ApiError(404, "not_found", "versions are available as .docx or .pdf")
    if row is None:
        raise ApiError(404, "not_found", f"SK {sk_id} has no version {n}")
    return stored_file(row.docx if ext == "docx" else row.pdf, _MIME[ext], f"sk-{sk_id[:8]}-v{n}.{ext}")
