"""/api/sk/{id}/surat-edaran and /api/surat-edaran: the letters of SOP step 8 and their progress."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint

from naskah_shared.web import ApiError
from sk_service.api.container import container
from sk_service.api.files import stored_file
from sk_service.api.schemas import SuratEdaranInputSchema, SuratEdaranSchema, SuratEdaranSummarySchema
from sk_service.domain.surat_edaran import SuratEdaran
from sk_service.service_layer import queries
from sk_service.service_layer.commands import RequestSuratEdaran
from sk_service.service_layer.surat_edaran import request_surat_edaran

blp = Blueprint("surat_edaran", __name__, url_prefix="/api",
                description="Surat Edaran and Formulir Instrumen to every kampung (SOP step 8)")


def _view(se: SuratEdaran, *, letters: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": se.id, "sk_id": se.sk_id, "nomor": se.nomor, "status": se.status.value, "note": se.note,
        "content": se.content,
        "created_by": se.created_by, "created_at": se.created_at, "progress": se.counts(),
        "links": {"self": url_for("surat_edaran.get_batch", se_id=se.id),
                  "sk": url_for("sk.SkItem", sk_id=se.sk_id)}}
    if letters:
        view["letters"] = [{"id": x.id, "kampung": x.kampung, "slug": x.slug, "status": x.status.value,
                            "document": x.document,
                            "signed_document": x.signed_document,
                            "links": {"pdf": url_for("surat_edaran.letter_pdf", se_id=se.id, slug=x.slug)}}
                           for x in se.letters]
    return view


@blp.route("/sk/<sk_id>/surat-edaran", methods=["POST"])
@blp.arguments(SuratEdaranInputSchema)
@blp.response(202, SuratEdaranSchema)
def create(body, sk_id: str):
    """Assign the Pokja: a Surat Edaran to each kampung, once the SK Tim is archived (409 before).

    Answers at once with the batch and its nomor; the letters are produced in the background
    (follow `progress` at the `self` link), then go to the Kadis to be signed as one batch.
    """
    svc = container()
    body["batas_waktu"] = body["batas_waktu"].isoformat()
    actor = request.headers.get("X-Actor", "").strip()[:200] or "tim"
    se = request_surat_edaran(svc.uow, svc.office, RequestSuratEdaran(sk_id, body, actor))
    return _view(se), 202, {"Location": url_for("surat_edaran.get_batch", se_id=se.id)}


@blp.route("/sk/<sk_id>/surat-edaran", methods=["GET"])
@blp.response(200, SuratEdaranSummarySchema(many=True))
def list_for_sk(sk_id: str):
    """The Surat Edaran batches issued under an SK."""
    return queries.surat_edaran_for_sk(container().uow, sk_id)


@blp.route("/surat-edaran/<se_id>", methods=["GET"])
@blp.response(200, SuratEdaranSchema)
def get_batch(se_id: str):
    """A batch with its progress and every letter (`?letters=false` for the progress alone)."""
    se = queries.surat_edaran(container().uow, se_id)
    return _view(se, letters=request.args.get("letters", "true").lower() != "false")


@blp.route("/surat-edaran/<se_id>/letters/<slug>.pdf", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def letter_pdf(se_id: str, slug: str):
    """One kampung's letter: the signed PDF once the Kadis signed it, the unsigned one before."""
    letter = queries.letter(container().uow, se_id, slug)
    ref = letter.signed_document or letter.document
    if ref is None:
        raise ApiError(409, "not_produced_yet", f"the letter to {letter.kampung['nama']} is still being produced")
    return stored_file(ref, "application/pdf", f"surat-edaran-{slug}.pdf")
