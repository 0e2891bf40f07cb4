"""The returned Formulir (SOP steps 9-10): uploads, the Tim's verdicts, the Prodeskel export, the web form."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Blueprint as FlaskBlueprint
from flask import Response, redirect, render_template, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from naskah_shared import formulir as f
from naskah_shared.web import ApiError
from report_service.api.container import container
from report_service.domain.errors import ActivityError
from report_service.service_layer.commands import CloseBatch, ReviewFormulir, SubmitFormulir, SubmitFormulirPdf
from report_service.service_layer.formulir import FormulirConflict, FormulirInvalid

blp = Blueprint("formulir", __name__, url_prefix="/api", description="The kampung's Formulir back (SOP steps 9-10)")
pages = FlaskBlueprint("formulir_pages", __name__, url_prefix="/formulir", static_folder="../static",
                       template_folder="../templates")


@pages.after_request
def _headers(response: Response) -> Response:
    # The link's token is in the URL: never sent on as a referrer, never cached; no script at all.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'self'; form-action 'self'; "
                                                   "frame-ancestors 'none'; base-uri 'none'")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _svc():
    return container().formulir


def _iso(value):
    """Times as ISO 8601, like the rest of the API (Flask would write them as HTTP dates)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


class SubmitSchema(Schema):
    values = fields.Dict(keys=fields.String(validate=validate.Length(max=60)),
                         values=fields.Raw(allow_none=True), required=True)
    submitted_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    submitted_at = fields.AwareDateTime(load_default=None)


class UploadQuerySchema(Schema):
    submitted_by = fields.String(required=True, validate=validate.Length(min=1, max=200))
    submitted_at = fields.AwareDateTime(load_default=None)


class ReviewSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accept", "send_back"]))
    notes = fields.Dict(keys=fields.String(validate=validate.Length(max=60)),
                        values=fields.String(validate=validate.Length(min=1, max=500)), load_default=dict)
    reviewer = fields.String(required=True, validate=validate.Length(min=1, max=200))
    reviewed_at = fields.AwareDateTime(load_default=None)


@blp.route("/activities/<activity_id>/formulir", methods=["GET"])
@blp.response(200)
def kampung_of_activity(activity_id: str):
    """Every kampung's letter of the activity's SK, with its submissions and where its data stands."""
    return {"kampung": _iso(_svc().kampung_of_activity(activity_id))}


@blp.route("/formulir/<letter_id>", methods=["GET"])
@blp.response(200)
def kampung(letter_id: str):
    return _iso(_svc().kampung(letter_id))


@blp.route("/formulir/<letter_id>/pdf", methods=["POST"])
@blp.arguments(UploadQuerySchema, location="query")
@blp.response(201)
def upload(query, letter_id: str):
    """A filled Formulir PDF (the body, `application/pdf`, or the `file` of a multipart form)."""
    data = request.files["file"].read() if "file" in request.files else request.get_data(cache=False)
    if not data:
        raise ApiError(400, "empty_upload", "send the filled Formulir PDF")
    return _iso(_svc().submit_pdf(SubmitFormulirPdf(letter_id, data, actor=query["submitted_by"],
                                                    at=query["submitted_at"]))), 201


@blp.route("/formulir/<letter_id>/submissions", methods=["POST"])
@blp.arguments(SubmitSchema)
@blp.response(201)
def submit(body, letter_id: str):
    """The values typed by the Tim from a paper Formulir (the scan-and-paper fallback)."""
    return _iso(_svc().submit(SubmitFormulir(letter_id, body["values"], source="tim", actor=body["submitted_by"],
                                             at=body["submitted_at"]))), 201


@blp.route("/formulir/<letter_id>/submissions/<int(min=1, max=100000):version>/review", methods=["POST"])
@blp.arguments(ReviewSchema)
@blp.response(200)
def review(body, letter_id: str, version: int):
    """The Tim's verdict: accept, or send back to the Pokja with a note per field (SOP step 10)."""
    return _iso(_svc().review(ReviewFormulir(letter_id, version, decision=body["decision"], notes=body["notes"],
                                             reviewer=body["reviewer"], at=body["reviewed_at"])))


@blp.route("/formulir/batches/<batch_id>/close", methods=["POST"])
@blp.response(200)
def close(batch_id: str):
    """The data collection is over: the batch's web-form links stop working."""
    return {"closed": _svc().close_batch(CloseBatch(batch_id))}


def _safe(value) -> object:
    """A cell a spreadsheet cannot take for a formula (OWASP CSV injection): text starting = + - @ tab CR."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@blp.route("/activities/<activity_id>/prodeskel.<any(csv, xlsx):ext>", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="text/csv",
              description="CSV (UTF-8 with BOM), or XLSX for `.xlsx`.")
def export(activity_id: str, ext: str):
    """The accepted data for entry into Prodeskel: one row per kampung, one column per field code."""
    header, rows = _svc().export_rows(activity_id)
    name = f"prodeskel-{activity_id[:8]}.{ext}"
    if ext == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([[_safe(v) for v in row] for row in rows])
        return Response(out.getvalue().encode("utf-8-sig"), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Prodeskel"
    sheet.append(header)
    sheet.append(["", "", "", *[f.BY_CODE[c].label for c in f.CODES]])  # the rows' names, for the person typing
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    return Response(buf.getvalue(), mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- the web form, reached from the QR code on the letter ------------------------------
def _form(token: str, letter: dict, values: dict, errors: dict, notes: dict, status: int = 200, done: bool = False):
    return render_template("formulir/form.html", token=token, letter=letter, rows=f.ROWS, values=values,
                           errors=errors, notes=notes, done=done), status


@pages.route("/<token>", methods=["GET"])
def form(token: str):
    svc = _svc()
    letter = svc.letter_by_token(token)
    k = svc.kampung(letter["letter_id"])
    latest = k["latest"] or {}
    return _form(token, k, dict(latest.get("values") or {}), {}, dict(latest.get("notes") or {}),
                 done=k["status"] != "with_pokja")


@pages.route("/<token>", methods=["POST"])
def send(token: str):
    svc = _svc()
    letter = svc.letter_by_token(token)  # the token alone names the kampung: no id in the form to change
    values = {c: request.form.get(c, "")[: f.MAX_TEXT + 1] for c in f.CODES}
    who = (request.form.get("pengisi") or "").strip()[:200]
    try:
        _, errors = f.validate(values)  # every message at once: the rows' and the filler's name
        if not who:
            raise FormulirInvalid({**errors, "pengisi": "wajib diisi"})
        svc.submit(SubmitFormulir(letter["letter_id"], values, source="web", actor=f"Pokja: {who}"))
    except FormulirInvalid as exc:
        return _form(token, svc.kampung(letter["letter_id"]), values, exc.errors, {}, 422)
    except FormulirConflict:  # sent twice, or already with the Tim: the page says where the data stands
        return _form(token, svc.kampung(letter["letter_id"]), values, {}, {}, 409, done=True)
    except ActivityError:  # the SOP's order refuses it (not assigned in step 8, report compiled): tell the Tim
        return _form(token, svc.kampung(letter["letter_id"]), values, {"_": "Formulir belum dapat diterima "
                     "untuk kegiatan ini; hubungi Tim Kegiatan."}, {}, 409)
    return redirect(url_for("formulir_pages.form", token=token), 303)


