"""/api/activities/{id}/disposisi and /api/disposisi: the Lembar Disposisi of the SOP's steps.

Marking one done is the addressee's act: signature-service, where people log in, calls with its API key
and the person's signed assertion (`X-Naskah-Person`, see naskah_shared.web.person); only the role the
disposition is addressed to may close it (403 otherwise).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Response, request, url_for
from flask_smorest import Blueprint

from naskah_shared.web import ApiError, person
from report_service.api.container import container
from report_service.api.schemas import DisposisiDoneSchema, DisposisiSchema
from report_service.domain.disposisi import Disposisi
from report_service.service_layer.commands import MarkDone

blp = Blueprint("disposisi", __name__, url_prefix="/api", description="The Lembar Disposisi of the SOP's steps")


def _svc():
    return container().disposisi


def view(d: Disposisi, files: dict) -> dict:
    links = {"self": url_for("disposisi.get_disposisi", disposisi_id=d.id),
             "pdf": url_for("disposisi.sheet", disposisi_id=d.id, ext="pdf")}
    if files.get("signed"):
        links["signed.pdf"] = url_for("disposisi.sheet", disposisi_id=d.id, ext="signed.pdf")
    return {**asdict(d), "sifat": d.sifat, "status": d.status, "paraf": "signed" if files.get("signed") else "pending",
            "links": links}


@blp.route("/activities/<activity_id>/disposisi", methods=["GET"])
@blp.response(200, DisposisiSchema(many=True))
def list_disposisi(activity_id: str):
    """The activity's dispositions, in SOP order."""
    container().reports.activity(activity_id)  # 404 for an unknown activity
    return [view(d, files) for d, files in _svc().of_activity(activity_id)]


@blp.route("/disposisi/<disposisi_id>", methods=["GET"])
@blp.response(200, DisposisiSchema)
def get_disposisi(disposisi_id: str):
    return view(*_svc().get(disposisi_id))


@blp.route("/disposisi/<disposisi_id>/lembar.<path:ext>", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def sheet(disposisi_id: str, ext: str):
    """`lembar.pdf` (printed now if its printing failed before) or `lembar.signed.pdf` once the giver's paraf is on."""
    if ext not in ("pdf", "signed.pdf"):
        raise ApiError(404, "not_found", f"no file lembar.{ext}; try pdf or signed.pdf")
    data = _svc().sheet(disposisi_id, signed=ext == "signed.pdf")
    if data is None:
        raise ApiError(404, "not_found", f"disposition {disposisi_id} has no paraf yet")
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="lembar-disposisi.{ext}"'})


@blp.route("/disposisi/<disposisi_id>/done", methods=["POST"])
@blp.arguments(DisposisiDoneSchema, required=False)
@blp.response(200, DisposisiSchema)
def mark_done(body, disposisi_id: str):
    """The addressee marks it done with a note (header `X-Naskah-Person`); this closes its SOP step if open."""
    token = request.headers.get(person.HEADER, "")
    if not token:
        raise ApiError(401, "unauthenticated", "Marking a disposition done needs the person (X-Naskah-Person).")
    try:
        who = person.verify(container().settings.secret_key, token)
    except person.InvalidAssertion as exc:
        raise ApiError(403, "invalid_person", "The person assertion is not valid.", {"reason": str(exc)}) from None
    d = _svc().mark_done(MarkDone(disposisi_id, person_id=who.id, role=who.role, note=(body or {}).get("note", "")))
    return view(*_svc().get(d.id))
