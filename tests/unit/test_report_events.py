"""report-service without servers: the events its aggregates record for the outbox, their cause chain, the
consumers' routing, and the Laporan's words for a step's outcome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from naskah_shared.bus.topology import Events, Queues
from naskah_shared.contracts import ContractViolation
from naskah_shared.messages import Envelope
from report_service import consumers
from report_service.adapters.laporan_wording import step_outcome
from report_service.domain.activity import Activity
from report_service.domain.disposisi import Disposisi, Sifat
from report_service.domain.reminder import Reminder
from report_service.domain.report import Report, ReportStatus
from report_service.service_layer.commands import CloseBatch, TakeLetters
from report_service.service_layer.unit_of_work import envelope_for
from tests.report.scenario import build_activity

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)
PDF = {"bucket": "naskah-reports", "key": "reports/r1/laporan.pdf", "version_id": "v1", "sha256": "0" * 64}


def _disposisi() -> Disposisi:
    return Disposisi.give(id="d1", activity_id="a1", step=1, dari="kadis", kepada="kabid", nomor="005/1",
                          tanggal="2026-11-02", hal="Pendataan", sifat=Sifat.BIASA, instruksi=("arsip",),
                          catatan="", batas_waktu=T0 + timedelta(minutes=15), diberikan_at=T0)


def test_an_activity_records_each_stream_event_for_the_outbox_with_the_same_id() -> None:
    a = Activity.create("a1", "Pendataan", at=T0)
    a.record_step(1, "Kadis", T0, T0 + timedelta(minutes=10), "Disposisi")
    assert [e.type for e in a.events] == ["activity.created", "activity.step_recorded"]
    assert [e.id for e in a.events] == [e.event_id for e in a.new_events], "a claim on either names the same event"
    assert all(e.payload["activity_id"] == "a1" for e in a.events)


def test_a_disposisi_records_created_paraf_and_done_and_its_closed_copy_starts_empty() -> None:
    d = _disposisi()
    d.ask_paraf(PDF, visible=False)
    assert [e.type for e in d.events] == ["disposisi.created", "signature.requested"]
    request = d.events[1].payload
    assert (request["kind"], request["signers"], request["invisible"]) == ("disposisi", ["kadis"], True)
    assert request["documents"][0]["document"] == PDF
    done = d.closed("kabid-1", "kabid", "Dikerjakan", T0 + timedelta(hours=1))
    assert [e.type for e in done.events] == ["disposisi.done"], "the copy records only its own change"
    assert done.events[0].payload["status"] == "done" and len(d.events) == 2


def test_a_report_records_compiled_under_its_stream_id_then_the_signature_request_and_signed() -> None:
    r = Report.compile("r1", "a1", title="Pendataan", pdf=PDF, missing_steps=[12, 13], signer="kabid",
                       event_id="e-compiled")
    assert [(e.type, e.id) for e in r.events][0] == ("report.compiled", "e-compiled")
    assert r.events[1].type == "signature.requested" and r.events[1].payload["signers"] == ["kabid"]
    r.events.clear()
    r.sign({**PDF, "key": "reports/r1/laporan.signed.pdf"})
    assert r.status is ReportStatus.SIGNED and [e.type for e in r.events] == ["report.signed"]
    refused = Report("r2", "a1")
    refused.reject("x" * 600)
    assert refused.status is ReportStatus.REJECTED and len(refused.error or "") == 500 and refused.events == []


def test_a_reminder_names_its_event() -> None:
    r = Reminder.overdue("a1", 4, 2, notified=True, facts={"step": 4})
    assert r.event_id == r.events[0].id and r.events[0].payload == {"step": 4, "reminder": 2, "notified": True}


def test_an_event_written_while_handling_another_is_on_its_chain() -> None:
    cause = Envelope(type="document.signed", payload={}, producer="signature-service", correlation_id="req-7")
    event = _disposisi().events[0]
    chained = envelope_for(event, cause)
    assert (chained.id, chained.correlation_id, chained.causation_id) == (event.id, "req-7", cause.id)
    alone = envelope_for(event, None)
    assert alone.causation_id is None and alone.correlation_id == event.id


class _Calls:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.append((name, args[-1]))  # the command, message or SK id


def test_the_consumers_route_by_type_and_kind_and_make_commands_of_a_batch() -> None:
    reports, disposisi, formulir = _Calls(), _Calls(), _Calls()
    queues = consumers.handlers(reports, disposisi, formulir)  # type: ignore[arg-type]
    answers, letters = queues[Queues.REPORT_EVENTS][1], queues[Queues.REPORT_FORMULIR][1]
    for kind in ("report", "disposisi", "sk"):
        answers(Envelope(Events.DOCUMENT_SIGNED, {"kind": kind, "document_id": "x1", "document": PDF},
                         "signature-service"))
    answers(Envelope(Events.SIGNATURE_REJECTED, {"kind": "report", "document_id": "r1", "note": "Revisi"},
                     "signature-service"))
    answers(Envelope(Events.SK_ARCHIVED, {"sk_id": "sk-1", "nomor": "800/1"}, "sk-service"))
    assert [(name, arg if isinstance(arg, str) else type(arg).__name__) for name, arg in reports.calls] == [
        ("on_report_answer", "DocumentSigned"), ("on_sk_event", "x1"), ("on_report_answer", "SignatureRejected"),
        ("on_sk_event", "sk-1")]
    assert [c[0] for c in disposisi.calls] == ["on_signed"]
    with pytest.raises(ContractViolation):  # a shape no producer writes is parked, not half-read
        answers(Envelope(Events.DOCUMENT_SIGNED, {"kind": "report", "document_id": "r1"}, "signature-service"))
    letters(Envelope(Events.SIGNATURE_REQUESTED, {
        "kind": "surat_edaran", "batch_id": "b1", "sk_tim": "sk-1", "signers": ["kadis"],
        "documents": [{"document_id": "l1", "document": PDF, "kampung": {"kode": "k1"}},
                      {"document_id": "l2", "document": PDF, "kampung": {}}]}, "sk-service"))
    letters(Envelope(Events.SURAT_EDARAN_REJECTED, {"kind": "surat_edaran", "surat_edaran_id": "b1"}, "sk-service"))
    letters(Envelope(Events.SIGNATURE_REQUESTED, {"kind": "sk"}, "sk-service"))  # not a batch: nothing
    (_, take), (_, close) = formulir.calls
    assert isinstance(take, TakeLetters) and [x.letter_id for x in take.letters] == ["l1"], "l2 has no kampung"
    assert close == CloseBatch("b1")


def test_the_laporan_words_the_sk_steps_from_the_facts() -> None:
    activity = build_activity()
    words = {line.number: step_outcome(line, activity) for line in activity.timeline()}
    assert words[3] == "Konsep SK direvisi 1 kali"
    assert words[4] == "Disetujui Kabid setelah 1 kali dikembalikan"
    assert words[5] == "Dikembalikan Kadis 1 kali; SK ditandatangani Kadis, nomor 800/123/DPMK/2026"
    assert words[6] == "SK diarsipkan (nomor 800/123/DPMK/2026)"
    assert words[11] == "Laporan Kegiatan disusun" and words[12] == ""
    assert words[1] == "Disposisi Nomor 005/412/DPMK", "what people recorded comes first, as they wrote it"
