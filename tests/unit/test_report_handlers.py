"""report-service's service layer with no server: its use-case handlers on the embedded adapters (SQLite in a
tmp dir, the filesystem store, the in-process bus, not started) and the fake converter of tests/unit/fakes.py.
The Laporan is rendered by the real renderer and charts; only LibreOffice is left out."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from naskah_shared import contracts
from naskah_shared.config import load
from naskah_shared.messages import Envelope
from naskah_shared.storage.ports import Buckets
from report_service.adapters.tables import outbox
from report_service.app import migrate_database
from report_service.bootstrap import Container, bootstrap
from report_service.service_layer.commands import CompileReport, CreateActivity, RecordStep
from report_service.settings import ReportSettings
from tests.report.scenario import deliver
from tests.unit.fakes import PlainTextConverter

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


@pytest.fixture
def report(tmp_path: Path) -> Iterator[Container]:
    settings = load(ReportSettings, environ={}, database_url=f"sqlite:///{tmp_path / 'report.sqlite'}",
                    bus_url="memory://", store_url=f"file://{tmp_path / 'store'}")
    migrate_database(settings)
    container = bootstrap(settings, converter=PlainTextConverter())
    container.runtime.store.ensure_bucket(Buckets.REPORTS)
    yield container
    container.close()
    container.runtime.engine.dispose()


def events(container: Container) -> list[Envelope]:
    """Every envelope the service wrote to its outbox, in order."""
    with container.runtime.engine.connect() as conn:
        rows = conn.execute(select(outbox.outbox.c.body).order_by(outbox.outbox.c.seq)).scalars()
        return [Envelope.from_json(body) for body in rows]


def compiled(container: Container) -> tuple[str, dict[str, str]]:
    """An activity with steps 1 and 2 recorded and its Laporan compiled: the report's id and its PDF."""
    activity = container.reports.create_activity(CreateActivity("Pendataan Profil Kampung", tahun=2026))
    activity_id = activity["row"]["id"]
    for step, actor in ((1, "Kadis"), (2, "Kabid")):
        container.reports.record_step(RecordStep(activity_id, step, actor, T0 + timedelta(hours=step),
                                                 T0 + timedelta(hours=step, minutes=10), f"langkah {step} selesai"))
    row = container.reports.compile(CompileReport(activity_id, written_at=T0 + timedelta(days=2)))
    return row["id"], row["pdf"]


def answer(type: str, report_id: str, **payload: object) -> Envelope:
    return Envelope(type=type, producer="signature-service",
                    payload={"kind": "report", "document_id": report_id, "report_id": report_id, **payload})


def test_a_compiled_laporan_is_stored_and_sent_for_the_kabids_signature(report: Container) -> None:
    report_id, pdf = compiled(report)
    data, obj = report.runtime.store.get(pdf["bucket"], pdf["key"], pdf["version_id"])
    assert obj.sha256 == pdf["sha256"]
    assert "Pendataan Profil Kampung" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    types = [e.type for e in events(report)]
    assert types.count("activity.step_recorded") == 2 and types[-2:] == ["report.compiled", "signature.requested"]
    request = contracts.SignatureRequested.load(events(report)[-1].payload)
    assert request.kind == "report" and [d.document_id for d in request.documents] == [report_id]
    assert request.documents[0].document.to_dict() == pdf


def test_the_kabids_signature_is_kept_once_on_the_answers_chain(report: Container) -> None:
    report_id, _ = compiled(report)
    signed = {"bucket": Buckets.SIGNED, "key": f"reports/{report_id}/laporan.pdf", "version_id": "v1",
              "sha256": "ab" * 32}
    event = answer("document.signed", report_id, document=signed,
                   signatures=[{"signer": "kabid-1", "role": "kabid", "at": "2026-11-04T09:00:00+00:00"}])
    deliver(report, event)
    deliver(report, event)  # redelivered: nothing twice
    row = report.reports.report(report_id)
    assert row["status"] == "signed" and row["signed"]["sha256"] == signed["sha256"]
    [kept] = [e for e in events(report) if e.type == "report.signed"]
    assert kept.causation_id == event.id and kept.correlation_id == event.correlation_id


def test_a_refusal_is_kept_with_the_signers_note(report: Container) -> None:
    report_id, _ = compiled(report)
    deliver(report, answer("signature.rejected", report_id, role="kabid", note="Lampiran foto kurang"))
    row = report.reports.report(report_id)
    assert row["status"] == "rejected" and "Lampiran foto kurang" in (row["error"] or "")
    assert not [e for e in events(report) if e.type == "report.signed"]


def test_an_answer_out_of_its_contract_changes_nothing(report: Container) -> None:
    report_id, _ = compiled(report)
    with pytest.raises(contracts.ContractViolation):
        deliver(report, answer("document.signed", report_id))  # no document: the bus would park it
    assert report.reports.report(report_id)["status"] == "signing"
