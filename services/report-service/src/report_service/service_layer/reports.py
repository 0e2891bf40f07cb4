"""report-service's use cases: activities, their steps, the events of the flow, the Laporan Kegiatan.

An activity is event-sourced: commands replay its events, apply the new one
(the domain refuses what the SOP does not allow), and store it in the same
transaction as its outbox event. Events from sk-service and signature-service
land in the SK's stream, which every activity linked to that SK reads.
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from typing import Any

from naskah_shared.contracts import DocumentSigned, SignatureRejected
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from report_service.domain.activity import Activity, ActivityEvent
from report_service.domain.disposisi import DISPOSISI_STEPS, Disposisi
from report_service.domain.report import Report, ReportStatus
from report_service.domain.streams import activity_stream, sk_stream
from report_service.service_layer.commands import CompileReport, CreateActivity, DisposisiSpec, LinkSk, RecordStep
from report_service.service_layer.disposisi import DisposisiService
from report_service.service_layer.ports import Dependencies
from report_service.service_layer.rows import ActivityRow, ReportRow, stored_ref
from report_service.service_layer.unit_of_work import PRODUCER, ReportUnitOfWork, keep_activity

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ActivityNotFound(LookupError):
    pass


class ReportNotFound(LookupError):
    pass


class ReportService:
    def __init__(self, deps: Dependencies, disposisi: DisposisiService) -> None:
        self.deps, self.uow, self.disposisi = deps, deps.uow, disposisi
        self._stripes = [threading.Lock() for _ in range(16)]  # SQLite has no row locks

    # --- activities -------------------------------------------------------------------
    def create_activity(self, command: CreateActivity) -> dict[str, Any]:
        activity_id = str(uuid.uuid4())
        activity = Activity.create(activity_id, command.kegiatan, tahun=command.tahun, unit_kerja=command.unit_kerja,
                                   sk_id=command.sk_id)
        with self.uow() as uow:
            uow.reports.add_activity(activity_id, command.kegiatan, command.sk_id,
                                     {"tahun": command.tahun, "unit_kerja": command.unit_kerja})
            keep_activity(uow, activity)
            uow.commit()
        return self.activity(activity_id)

    def link_sk(self, command: LinkSk) -> dict[str, Any]:
        with self.uow() as uow:
            self._row(uow, command.activity_id, for_update=True)
            uow.reports.link_sk(command.activity_id, command.sk_id)
            uow.commit()
        return self.activity(command.activity_id)

    def record_step(self, command: RecordStep) -> dict[str, Any]:
        """Record a step; one that gives a Disposisi (1, 2, 7, 8, 12) gives it in the same transaction, and its
        sheet is printed from the `disposisi.created` event (`DisposisiService.on_created`, retried by the bus
        until it is). `ended_at` None leaves such a step open until the disposition is done."""
        c = command
        with self.uow() as uow:
            row = self._row(uow, c.activity_id, for_update=True)
            activity = Activity.replay(uow.reports.events(row))
            activity.record_step(c.step, c.actor, c.started_at, c.ended_at, c.outcome, c.figures)  # or SOP refusal
            if c.step in DISPOSISI_STEPS:
                self.disposisi.give_in(uow, activity, c.step, c.started_at, c.disposisi or DisposisiSpec())
            keep_activity(uow, activity)
            uow.commit()
        return self.activity(c.activity_id)

    def record_step_in(self, uow: ReportUnitOfWork, command: RecordStep) -> None:
        """A step recorded inside the caller's transaction (the Formulir's submissions and verdicts)."""
        c = command
        activity = Activity.replay(uow.reports.events(self._row(uow, c.activity_id, for_update=True)))
        activity.record_step(c.step, c.actor, c.started_at, c.ended_at, c.outcome, c.figures)  # or SOP refusal
        keep_activity(uow, activity)

    def activity(self, activity_id: str) -> dict[str, Any]:
        with self.uow() as uow:
            row = self._row(uow, activity_id)
            activity = Activity.replay(uow.reports.events(row))
            reports = uow.reports.reports_of(activity_id)
        lines = activity.timeline(now=self.deps.clock(), calendar=self.deps.calendar)
        timeline = [(line, self.deps.step_outcome(line, activity)) for line in lines]
        return {"row": row, "activity": activity, "reports": reports, "timeline": timeline}

    # --- events from the other services (report_service.consumers routes them here) -----------
    def on_sk_event(self, envelope: Envelope, sk_id: str) -> None:
        """An SK's lifecycle event or signature (its contract checked by the consumer): kept as it came in the
        SK's stream, which its activities read; the Kadis's signature also gives step 6's Disposisi."""
        with self.uow(cause=envelope) as uow:
            if not uow.claim(envelope, PRODUCER):
                return
            uow.reports.append(sk_stream(sk_id), ActivityEvent(
                envelope.type, envelope.occurred_at, self._sk_payload(envelope), envelope.id))
            self._handover_disposisi(uow, envelope, sk_id)
            uow.commit()

    def on_report_answer(self, envelope: Envelope, answer: DocumentSigned | SignatureRejected) -> None:
        """signature-service's answer for a Laporan: signed (kept, `report.signed`) or refused."""
        with self.uow(cause=envelope) as uow:
            if not uow.claim(envelope, PRODUCER):
                return
            row = uow.reports.report(answer.document_id, for_update=True)
            if row is not None:  # else not ours
                report = Report(row["id"], row["activity_id"])
                if isinstance(answer, DocumentSigned):
                    signed = answer.document.to_dict()
                    report.sign(signed)
                    uow.reports.answer_report(report.id, report.status.value, signed=stored_ref(signed))
                else:
                    report.reject(answer.note)
                    uow.reports.answer_report(report.id, report.status.value, error=report.error)
                uow.collect(report)
            uow.commit()

    def _handover_disposisi(self, uow: ReportUnitOfWork, envelope: Envelope, sk_id: str) -> Disposisi | None:
        """SOP step 6 starts with the Kadis's signature on the SK, and its output is the Kabid's Disposisi
        handing the SK to the Kasubid to document and archive: given then, to the SK's newest activity."""
        payload = self._sk_payload(envelope)
        if envelope.type != "document.signed" or (payload.get("role") or payload.get("signer_role")) != "kadis":
            return None
        activity_id = uow.formulir.activity_of_sk(sk_id)
        if activity_id is None:
            return None  # an SK no activity follows (yet): nothing to hand over in the SOP's record
        row = self._row(uow, activity_id, for_update=True)
        activity = Activity.replay(uow.reports.events(row))
        at = next((line.start for line in activity.timeline() if line.step.number == 6), None) or envelope.occurred_at
        return self.disposisi.give_in(uow, activity, 6, at, DisposisiSpec(
            instruksi=("untuk ditindaklanjuti", "arsip"), catatan="SK Tim Kegiatan yang telah ditandatangani "
            "Kepala Dinas untuk didokumentasikan dan diarsipkan.",
            tanggal=at.astimezone(self.deps.zone).date().isoformat()))

    @staticmethod
    def _sk_payload(envelope: Envelope) -> dict[str, Any]:
        p = dict(envelope.payload)
        if envelope.type == "document.signed" and p.get("signatures"):
            last = p["signatures"][-1]  # the final signature: the Kadis's for an SK
            p.setdefault("role", last.get("role"))
            p.setdefault("signer", last.get("signer"))
            p.setdefault("at", last.get("at"))
        return p

    # --- compiling ------------------------------------------------------------------------
    def compile(self, command: CompileReport) -> ReportRow:
        """Render the Laporan Kegiatan (DOCX, PDF, charts), store it, and send it for the Kabid's signature."""
        d, activity_id = self.deps, command.activity_id
        now = command.written_at or d.clock()
        report_id = str(uuid.uuid4())
        with self.uow() as uow:
            row = self._row(uow, activity_id)
            events = uow.reports.events(row)
        activity = Activity.replay(events)
        compiled = ActivityEvent("report.compiled", now, {"report_id": report_id}, str(uuid.uuid4()))
        activity.apply(compiled)  # step 11 ends with this report
        sk = {"nomor": activity.sk_nomor, "tanggal": self._sk_date(events),
              "verify_url": d.verify_url(row["sk_id"]) if row["sk_id"] else ""}
        docx, charts = d.render_laporan(activity, office=d.office, sk=sk, generated_at=now, calendar=d.calendar)
        pdf = d.converter.to_pdf(docx)
        meta = {"document-id": report_id, "document-kind": "report", "activity-id": activity_id,
                "status": "compiled", "producer": PRODUCER}
        base = f"reports/{report_id}"
        stored_docx = d.store.put(Buckets.REPORTS, f"{base}/laporan.docx", docx, content_type=DOCX, metadata=meta)
        stored_pdf = d.store.put(Buckets.REPORTS, f"{base}/laporan.pdf", pdf, content_type="application/pdf",
                                    metadata=meta)
        stored_charts = {name: stored_ref(d.store.put(Buckets.REPORTS, f"{base}/{name}", png,
                                                      content_type="image/png", metadata=meta).ref())
                         for name, png in charts}
        missing = [s.number for s in activity.missing_steps()]
        with self._stripes[hash(activity_id) % len(self._stripes)], self.uow() as uow:
            self._row(uow, activity_id, for_update=True)  # with the stripe: one version number per compile
            version = len(uow.reports.reports_of(activity_id)) + 1
            uow.reports.add_report({"id": report_id, "activity_id": activity_id, "version": version,
                                    "status": ReportStatus.SIGNING.value, "docx": stored_ref(stored_docx.ref()),
                                    "pdf": stored_ref(stored_pdf.ref()), "charts": stored_charts,
                                    "missing_steps": missing})
            uow.reports.append(activity_stream(activity_id), compiled)
            if row["sk_id"]:  # the data collection is over (step 11): the kampung's web-form links stop working
                uow.formulir.close_letters_of_sk(row["sk_id"], now)
            uow.collect(Report.compile(report_id, activity_id, title=row["title"], pdf=stored_pdf.ref(),
                                       missing_steps=missing, signer=d.report_signer,
                                       event_id=compiled.event_id))
            uow.commit()
        return self.report(report_id)

    @staticmethod
    def _sk_date(events: list[ActivityEvent]) -> datetime | None:
        signed = [e for e in events if e.type == "document.signed"]
        return signed[-1].occurred_at if signed else None

    def report(self, report_id: str) -> ReportRow:
        with self.uow() as uow:
            report = uow.reports.report(report_id)
        if report is None:
            raise ReportNotFound(f"no report {report_id}")
        return report

    def _row(self, uow: ReportUnitOfWork, activity_id: str, *, for_update: bool = False) -> ActivityRow:
        row = uow.reports.activity(activity_id, for_update=for_update)
        if row is None:
            raise ActivityNotFound(f"no activity {activity_id}")
        return row
