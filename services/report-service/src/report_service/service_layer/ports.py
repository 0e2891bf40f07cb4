"""The ports report-service's use cases need, and the one object that carries them (bootstrap fills it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from naskah_shared.convert import Converter
from naskah_shared.storage.ports import ObjectStore
from report_service.domain.activity import Activity
from report_service.domain.calendar import Calendar
from report_service.domain.disposisi import Disposisi
from report_service.domain.timeline import StepLine
from report_service.service_layer.unit_of_work import UnitOfWorkFactory


class RenderLaporan(Protocol):
    """The Laporan Kegiatan of `activity` as DOCX, with its charts as (file name, PNG)."""

    def __call__(self, activity: Activity, *, office: Mapping[str, Any], sk: Mapping[str, Any],
                 generated_at: datetime, calendar: Calendar | None = None) -> tuple[bytes, list[tuple[str, bytes]]]: ...


class RenderDisposisi(Protocol):
    """The Lembar Disposisi of `d` as DOCX; `visible_paraf` puts the paraf's anchor on the sheet."""

    def __call__(self, d: Disposisi, *, office: Mapping[str, Any], verify_url: str,
                 visible_paraf: bool = True) -> bytes: ...


class StepWording(Protocol):
    """A timeline line's outcome in the Laporan's words (the API's timeline shows the same sentences)."""

    def __call__(self, line: StepLine, activity: Activity) -> str: ...


class ReadFormulir(Protocol):
    values: dict[str, str]  # the instrument's rows as typed, by field code


class ReadFormulirPdf(Protocol):
    """A returned Formulir's values; raises `formulir.FormulirRejected` for anything else."""

    def __call__(self, pdf: bytes, *, letter_id: str, kampung_kode: str | None = None) -> ReadFormulir: ...


class Mailer(Protocol):
    def send(self, to: Sequence[str], subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class Reminders:
    """How the overdue steps are reminded: every `repeat`, by e-mail to each role's `recipients` (when a
    `mailer` is configured), the office's zone named `zone_label` in the text."""

    repeat: timedelta
    recipients: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    mailer: Mailer | None = None
    zone_label: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dependencies:
    """Everything report-service's use cases reach outside their domain, in one typed object."""

    uow: UnitOfWorkFactory
    store: ObjectStore
    converter: Converter
    office: Mapping[str, Any]  # the office as the Laporan and the Lembar Disposisi read it
    calendar: Calendar  # the office's working calendar: "Terlambat" live and in the Laporan alike
    zone: tzinfo  # the office's: the day a date is written for
    verify_url: Callable[[str], str]  # a document id's public verification page
    render_laporan: RenderLaporan
    render_disposisi: RenderDisposisi
    step_outcome: StepWording
    read_formulir: ReadFormulirPdf
    reminders: Reminders
    visible_paraf: bool = False  # the office's `disposisi.paraf`: "tampak" shows the giver's paraf on the sheet
    report_signer: str = "kabid"
    clock: Callable[[], datetime] = _now
