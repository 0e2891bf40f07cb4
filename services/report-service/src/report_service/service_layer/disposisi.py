"""The Lembar Disposisi's use cases: given with its SOP step, printed and sent for the giver's paraf, done.

A step that gives a Disposisi (1, 2, 6, 7, 8, 12) and its disposition are kept in one transaction, with the
`disposisi.created` event in the outbox. The sheet is printed from that event, by this service's own
consumer of it (`on_created`; LibreOffice never runs under a row lock): rendered, converted, stored in
naskah-reports under the activity, and sent to signature-service for the giver's paraf
(`signature.requested`, kind `disposisi`, the giver's signer account). A printing that fails (LibreOffice or
the store down) fails the delivery, and the bus retries it: an outage through its retry queues with capped
backoff until the outage has lasted TRANSIENT_LIMIT_S (then parked, with the reason, for a person), any other
failure for its attempts. A sheet asked for before that (`sheet`) is printed then.
Marking it done is the addressee's act: it closes the step when the step was left open, at that time.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import datetime

from naskah_shared.contracts import DocumentSigned, SignatureRejected
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from report_service.domain import disposisi as dd
from report_service.domain import sop
from report_service.domain.activity import Activity
from report_service.service_layer.commands import DisposisiSpec, MarkDone
from report_service.service_layer.ports import Dependencies
from report_service.service_layer.rows import DisposisiFiles, stored_ref
from report_service.service_layer.unit_of_work import PRODUCER, ReportUnitOfWork, keep_activity

log = logging.getLogger(__name__)


class DisposisiNotFound(LookupError):
    pass


class DisposisiService:
    def __init__(self, deps: Dependencies) -> None:
        self.deps, self.uow = deps, deps.uow
        self._stripes = [threading.Lock() for _ in range(16)]

    # --- given with its step (inside the step's transaction) ---------------------------------
    def give_in(self, uow: ReportUnitOfWork, activity: Activity, step: int, started_at: datetime,
                spec: DisposisiSpec) -> dd.Disposisi:
        s = sop.step(step)
        assert s is not None  # the step was just recorded
        dari, kepada, sifat, instruksi = dd.check(step, dari=spec.dari, kepada=spec.kepada, sifat=spec.sifat,
                                                  instruksi=spec.instruksi, catatan=spec.catatan,
                                                  hal=spec.hal, nomor=spec.nomor)
        d = dd.Disposisi.give(
            id=str(uuid.uuid4()), activity_id=activity.activity_id, step=step, dari=dari, kepada=kepada,
            nomor=(spec.nomor or activity.sk_nomor or "").strip()[:120], tanggal=spec.tanggal[:40],
            hal=(spec.hal or activity.kegiatan or s.name).strip(), sifat=sifat, instruksi=instruksi,
            catatan=spec.catatan.strip(), batas_waktu=self.deps.calendar.deadline(started_at, s.standard),
            diberikan_at=started_at)
        uow.disposisi.add(d)
        uow.collect(d)
        return d

    # --- the printed sheet and its paraf ---------------------------------------------------------
    def print_sheet(self, disposisi_id: str) -> DisposisiFiles:
        """Render, convert and store the sheet, and ask for the giver's paraf; once per disposition."""
        with self._stripes[hash(disposisi_id) % len(self._stripes)]:
            d, files = self._get(disposisi_id)
            if files["pdf"]:
                return files
            deps = self.deps
            docx = deps.render_disposisi(d, office=deps.office, verify_url=deps.verify_url(d.id),
                                         visible_paraf=deps.visible_paraf)
            pdf = deps.converter.to_pdf(docx)
            meta = {"document-id": d.id, "document-kind": dd.KIND, "activity-id": d.activity_id, "status": "given",
                    "producer": PRODUCER}
            stored = deps.store.put(Buckets.REPORTS, f"disposisi/{d.activity_id}/{d.id}/lembar.pdf", pdf,
                                    content_type="application/pdf", metadata=meta)
            with self.uow() as uow:
                row = uow.disposisi.get(d.id, for_update=True)
                if row is not None and row[1]["pdf"]:
                    return row[1]  # another process printed it meanwhile: one paraf request only
                sheet = stored_ref(stored.ref())
                uow.disposisi.printed(d.id, sheet)
                d.ask_paraf(sheet, visible=deps.visible_paraf)
                uow.collect(d)
                uow.commit()
            return {"pdf": sheet, "signed": None}

    def on_created(self, envelope: Envelope) -> None:
        """`disposisi.created` from the outbox: print the sheet. Idempotent (a printed sheet is not printed
        again); an exception is the bus's cue to deliver it again later."""
        disposisi_id = envelope.payload.get("disposisi_id")
        if not disposisi_id:
            raise ValueError("malformed disposisi.created: no disposisi_id")
        try:
            self.print_sheet(disposisi_id)
        except DisposisiNotFound:
            log.warning("disposisi.created for an unknown disposition %s: nothing to print", disposisi_id)
        except Exception as exc:
            log.warning("Lembar Disposisi %s not printed (%s: %s); the delivery is retried", disposisi_id,
                        type(exc).__name__, exc)
            raise

    def on_signed(self, envelope: Envelope, answer: DocumentSigned | SignatureRejected) -> None:
        """signature-service's answer for a sheet: keep the signed PDF (a refused paraf leaves it unsigned)."""
        with self.uow(cause=envelope) as uow:
            if not uow.claim(envelope, PRODUCER):
                return
            if isinstance(answer, DocumentSigned) and uow.disposisi.get(answer.document_id, for_update=True):
                uow.disposisi.signed(answer.document_id, stored_ref(answer.document.to_dict()))
            uow.commit()

    # --- done by the addressee ------------------------------------------------------------------
    def mark_done(self, command: MarkDone) -> dd.Disposisi:
        disposisi_id, person_id = command.disposisi_id, command.person_id
        at = command.at or self.deps.clock()
        with self.uow() as uow:
            row = uow.reports.activity(self._get(disposisi_id)[0].activity_id, for_update=True)
            got = uow.disposisi.get(disposisi_id, for_update=True)
            assert row is not None and got is not None  # _get found the sheet; a sheet's activity is kept
            d, _ = got
            done = d.closed(person_id, command.role, command.note, at)  # raises for anyone but the addressee
            uow.disposisi.close(done)
            activity = Activity.replay(uow.reports.events(row))
            if activity.is_open(d.step):
                activity.close_step(d.step, person_id, at, disposisi_id=d.id)
                keep_activity(uow, activity)
            uow.collect(done)
            uow.commit()
        return done

    # --- queries ----------------------------------------------------------------------------------
    def get(self, disposisi_id: str) -> tuple[dd.Disposisi, DisposisiFiles]:
        return self._get(disposisi_id)

    def of_activity(self, activity_id: str) -> list[tuple[dd.Disposisi, DisposisiFiles]]:
        with self.uow() as uow:
            return uow.disposisi.of_activity(activity_id)

    def sheet(self, disposisi_id: str, *, signed: bool) -> bytes | None:
        files = self.print_sheet(disposisi_id)
        ref = files.get("signed") if signed else files.get("pdf")
        if not ref:
            return None
        data, _ = self.deps.store.get(ref["bucket"], ref["key"], ref["version_id"])
        return data

    def _get(self, disposisi_id: str) -> tuple[dd.Disposisi, DisposisiFiles]:
        with self.uow() as uow:
            row = uow.disposisi.get(disposisi_id)
        if row is None:
            raise DisposisiNotFound(f"no disposition {disposisi_id}")
        return row
