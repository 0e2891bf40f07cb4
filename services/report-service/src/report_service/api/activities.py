"""/api/activities and /api/reports: an SOP run, its steps, and its Laporan Kegiatan."""

from __future__ import annotations

from flask import Response, url_for
from flask_smorest import Blueprint

from naskah_shared.web import ApiError
from report_service.api.container import container
from report_service.api.schemas import (
    ActivityInputSchema,
    ActivitySchema,
    ActivitySummarySchema,
    CompileInputSchema,
    LinkSkSchema,
    ListQuerySchema,
    ReportSchema,
    StepInputSchema,
)
from report_service.service_layer import queries
from report_service.service_layer.commands import (
    CompileReport,
    CreateActivity,
    DisposisiSpec,
    LinkSk,
    RecordStep,
)

blp = Blueprint("activities", __name__, url_prefix="/api", description="Activities (SOP runs) and their reports")
FILES = {"docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "pdf": ("pdf", "application/pdf"), "signed.pdf": ("signed", "application/pdf")}


def _svc():
    return container().reports


def report_view(r: dict) -> dict:
    links = {"self": url_for("activities.get_report", report_id=r["id"])}
    links.update({ext: url_for("activities.report_file", report_id=r["id"], ext=ext) for ext in FILES
                  if r.get(FILES[ext][0])})
    return {**r, "links": links}


def view(state: dict) -> dict:
    row, activity = state["row"], state["activity"]
    return {"id": row["id"], "kegiatan": row["title"], "sk_id": row["sk_id"], "sk_nomor": activity.sk_nomor,
            "created_at": row["created_at"],
            "timeline": [{**vars(line), "outcome": outcome} for line, outcome in state["timeline"]],
            "missing_steps": [s.number for s in activity.missing_steps()],
            "rejections": len(activity.rejections()), "kampung": activity.figure_totals(),
            "reports": [report_view(r) for r in state["reports"]]}


@blp.route("/activities", methods=["POST"])
@blp.arguments(ActivityInputSchema)
@blp.response(201, ActivitySchema)
def create(body):
    """Start an SOP run (the Kadis's order), optionally linked to its SK."""
    return view(_svc().create_activity(CreateActivity(body["kegiatan"], tahun=body["tahun"],
                                                      unit_kerja=body["unit_kerja"], sk_id=body["sk_id"])))


@blp.route("/activities", methods=["GET"])
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, ActivitySummarySchema(many=True))
def list_activities(query):
    rows = queries.activities(_svc().uow, **query)
    return [{"id": r["id"], "kegiatan": r["title"], "sk_id": r["sk_id"], "created_at": r["created_at"]}
            for r in rows]


@blp.route("/activities/<activity_id>", methods=["GET"])
@blp.response(200, ActivitySchema)
def get_activity(activity_id: str):
    """The timeline of the thirteen steps against the SOP's standard times, rebuilt from the events."""
    return view(_svc().activity(activity_id))


@blp.route("/activities/<activity_id>/sk", methods=["PUT"])
@blp.arguments(LinkSkSchema)
@blp.response(200, ActivitySchema)
def link_sk(body, activity_id: str):
    """Link the SK Tim drafted for this activity: its events join the timeline (steps 3-6)."""
    return view(_svc().link_sk(LinkSk(activity_id, body["sk_id"])))


@blp.route("/activities/<activity_id>/steps", methods=["POST"])
@blp.arguments(StepInputSchema)
@blp.response(201, ActivitySchema)
def record_step(body, activity_id: str):
    """Record a step people do (1, 2, 7, 8, 9, 10, 12, 13) with actor, times, outcome and figures.

    Steps 1, 2, 7, 8 and 12 give a Lembar Disposisi (`disposisi`, SOP defaults when left out), printed and
    sent for the giver's paraf; without `ended_at` such a step stays open until the disposition is done."""
    spec = body["disposisi"]
    disposisi = DisposisiSpec(**{**spec, "instruksi": tuple(spec["instruksi"]),
                                 "tanggal": spec["tanggal"].isoformat() if spec["tanggal"] else ""}) if spec else None
    return view(_svc().record_step(RecordStep(activity_id, body["step"], body["actor"], body["started_at"],
                                              body["ended_at"], body["outcome"], body["figures"], disposisi)))


@blp.route("/activities/<activity_id>/report", methods=["POST"])
@blp.arguments(CompileInputSchema, required=False)
@blp.response(201, ReportSchema)
def compile_report(body, activity_id: str):
    """Compile the Laporan Kegiatan (DOCX, PDF, charts) and send it for the Kabid's signature."""
    return report_view(_svc().compile(CompileReport(activity_id, written_at=(body or {}).get("written_at"))))


@blp.route("/reports/<report_id>", methods=["GET"])
@blp.response(200, ReportSchema)
def get_report(report_id: str):
    return report_view(_svc().report(report_id))


@blp.route("/reports/<report_id>/laporan.<path:ext>", methods=["GET"])
@blp.response(200, {"format": "binary", "type": "string"}, content_type="application/pdf")
def report_file(report_id: str, ext: str):
    """`laporan.docx`, `laporan.pdf`, or `laporan.signed.pdf` once the Kabid signed it."""
    if ext not in FILES:
        raise ApiError(404, "not_found", f"no file laporan.{ext}; try docx, pdf or signed.pdf")
    column, mime = FILES[ext]
    ref = _svc().report(report_id).get(column)
    if not ref:
        raise ApiError(404, "not_found", f"report {report_id} has no {ext} yet")
    data = queries.report_file(_svc().deps.store, ref)
    return Response(data, mimetype=mime, headers={"Content-Disposition": f'inline; filename="laporan.{ext}"'})
