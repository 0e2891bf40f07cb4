"""Marshmallow schemas of report-service's HTTP contract."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from report_service.domain.disposisi import INSTRUKSI, MAX_CATATAN, ROLES, Sifat


class ActivityInputSchema(Schema):
    kegiatan = fields.String(required=True, validate=validate.Length(min=1, max=300))
    tahun = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    unit_kerja = fields.String(load_default="", validate=validate.Length(max=300))
    sk_id = fields.String(load_default=None, validate=validate.Length(max=36))


class LinkSkSchema(Schema):
    sk_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class FiguresSchema(Schema):
    """Steps 8-10: kampung names (or {kampung, note}) per figure."""

    assigned = fields.List(fields.Raw(), validate=validate.Length(max=5000))
    returned = fields.List(fields.Raw(), validate=validate.Length(max=5000))
    verified = fields.List(fields.Raw(), validate=validate.Length(max=5000))
    sent_back = fields.List(fields.Raw(), validate=validate.Length(max=5000))
    published = fields.List(fields.Raw(), validate=validate.Length(max=5000))


class DisposisiInputSchema(Schema):
    """The Lembar Disposisi a step gives (1, 2, 7, 8, 12); any field left out takes the SOP's default."""

    dari = fields.String(load_default=None, validate=validate.OneOf(ROLES), metadata={
        "description": "The giver's role; default the SOP's (step 1: kadis, 2: kabid, ...)."})
    kepada = fields.String(load_default=None, validate=validate.OneOf(ROLES), metadata={
        "description": "The addressee's role; default the SOP's (step 1: kabid, 2: kasubid, ...)."})
    sifat = fields.String(load_default="biasa", validate=validate.OneOf([s.value for s in Sifat]))
    instruksi = fields.List(fields.String(validate=validate.OneOf(INSTRUKSI)), load_default=lambda: [
        "untuk ditindaklanjuti"], validate=validate.Length(max=len(INSTRUKSI)))
    catatan = fields.String(load_default="", validate=validate.Length(max=MAX_CATATAN))
    nomor = fields.String(load_default="", validate=validate.Length(max=120), metadata={
        "description": "The nomor of the document it is about; default the SK's."})
    tanggal = fields.Date(load_default=None, metadata={"description": "The date of that document."})
    hal = fields.String(load_default="", validate=validate.Length(max=MAX_CATATAN), metadata={
        "description": "What the document is about; default the activity's kegiatan."})


class StepInputSchema(Schema):
    step = fields.Integer(required=True, validate=validate.Range(min=1, max=13))
    actor = fields.String(required=True, validate=validate.Length(min=1, max=200))
    started_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(load_default=None, metadata={
        "description": "Required, except for a step that gives a Disposisi: without it that step stays open "
                       "until its addressee marks the disposition done."})
    disposisi = fields.Nested(DisposisiInputSchema, load_default=None)
    outcome = fields.String(load_default="", validate=validate.Length(max=4000))
    figures = fields.Nested(FiguresSchema, load_default=dict)


class CompileInputSchema(Schema):
    written_at = fields.AwareDateTime(load_default=None, metadata={
        "description": "When the Tim finished writing the report (the end of step 11); default now."})


class StepLineSchema(Schema):
    """A timeline line (the domain's StepLine's fields) with its outcome in the Laporan's words."""

    step = fields.Function(lambda line: line["step"].number)
    name = fields.Function(lambda line: line["step"].name)
    actor = fields.String()
    start = fields.DateTime(allow_none=True)
    end = fields.DateTime(allow_none=True)
    actual_seconds = fields.Function(lambda line: line["actual"].total_seconds() if line["actual"] else None)
    standard_seconds = fields.Function(lambda line: line["standard"].total_seconds())
    late = fields.Boolean(metadata={"description": "Ended (or, running, is now) past its deadline."})
    missing = fields.Boolean()
    outcome = fields.String()
    due = fields.DateTime(allow_none=True, metadata={
        "description": "The deadline: the mutu baku counted from the step's start in the office's working calendar."})


class ReportSchema(Schema):
    id = fields.String()
    activity_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    docx = fields.Dict()
    pdf = fields.Dict()
    charts = fields.Dict()
    signed = fields.Dict(allow_none=True)
    missing_steps = fields.List(fields.Integer())
    created_at = fields.DateTime()
    links = fields.Dict()


class ActivitySchema(Schema):
    id = fields.String()
    kegiatan = fields.String()
    sk_id = fields.String(allow_none=True)
    sk_nomor = fields.String(allow_none=True)
    created_at = fields.DateTime()
    timeline = fields.List(fields.Nested(StepLineSchema))
    missing_steps = fields.List(fields.Integer())
    rejections = fields.Integer()
    kampung = fields.Dict()
    reports = fields.List(fields.Nested(ReportSchema))


class ActivitySummarySchema(Schema):
    id = fields.String()
    kegiatan = fields.String()
    sk_id = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))  # a SQL integer


class DueQuerySchema(Schema):
    within_minutes = fields.Integer(load_default=60, validate=validate.Range(min=0, max=60 * 24 * 31), metadata={
        "description": "Also list steps falling due within this many minutes (default 60: due within the hour)."})


class DueStepSchema(Schema):
    activity_id = fields.String()
    kegiatan = fields.String()
    step = fields.Integer(metadata={"description": "The SOP step (1-13)."})
    name = fields.String(metadata={"description": "The step as the SOP states it."})
    roles = fields.List(fields.String(), metadata={"description": "Who the SOP says acts: Kadis, Kabid, ..."})
    actors = fields.List(fields.String(), metadata={"description": "Who did it so far, by name."})
    started = fields.Boolean(metadata={
        "description": "False when the step is not recorded yet: it is counted from the end of the step before."})
    start = fields.DateTime()
    deadline = fields.DateTime(metadata={"description": "In the office's time zone."})
    standard = fields.String(metadata={"description": "The mutu baku as the SOP writes it (15 menit, 1 hari, ...)."})
    overdue = fields.Boolean()
    overdue_seconds = fields.Integer()
    due_in_seconds = fields.Integer()
    reminders = fields.Integer(metadata={"description": "Reminders sent (activity.step_overdue events)."})
    last_reminded_at = fields.DateTime(allow_none=True)


class DisposisiSchema(Schema):
    id = fields.String()
    activity_id = fields.String()
    step = fields.Integer()
    dari = fields.String()
    kepada = fields.String()
    nomor = fields.String()
    tanggal = fields.String()
    hal = fields.String()
    sifat = fields.Function(lambda d: d["sifat"].value)
    instruksi = fields.List(fields.String())
    catatan = fields.String()
    batas_waktu = fields.DateTime()
    diberikan_at = fields.DateTime(metadata={"description": "The giver's paraf: date and time."})
    status = fields.Function(lambda d: d["status"].value, metadata={"description": "open | done"})
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.String()
    done_note = fields.String()
    paraf = fields.String(metadata={"description": "pending (sent for the giver's signature) | signed"})
    links = fields.Dict()


class DisposisiDoneSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=MAX_CATATAN))
