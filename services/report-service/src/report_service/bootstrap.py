"""The one place report-service's adapters are chosen and wired."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from naskah_shared.bus.ports import Bus
from naskah_shared.convert import Converter
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.messages import Envelope
from naskah_shared.office import OfficeConfig, load_office
from naskah_shared.runtime import Runtime
from naskah_shared.storage.ports import Buckets, ObjectStore
from naskah_shared.ticker import Ticker
from report_service import consumers
from report_service.adapters import formulir_pdf
from report_service.adapters.disposisi_docx import render_disposisi
from report_service.adapters.laporan import ZONE_LABELS, render_laporan
from report_service.adapters.laporan_wording import step_outcome
from report_service.adapters.mailer import SmtpMailer
from report_service.adapters.tables import metadata, outbox
from report_service.adapters.unit_of_work import SqlReportUnitOfWork
from report_service.domain.calendar import CalendarError, WorkingCalendar, parse_holidays
from report_service.service_layer.deadlines import DeadlineService
from report_service.service_layer.disposisi import DisposisiService
from report_service.service_layer.formulir import FormulirService
from report_service.service_layer.ports import Dependencies, Reminders
from report_service.service_layer.reports import ReportService
from report_service.settings import ReportSettings, parse_recipients


@dataclass
class Container:
    settings: ReportSettings
    runtime: Runtime
    reports: ReportService
    deadlines: DeadlineService
    formulir: FormulirService
    disposisi: DisposisiService
    converter: Converter
    owns_converter: bool = True
    ticker: Ticker | None = None

    def web(self) -> dict[str, Any]:
        from report_service.api.activities import blp
        from report_service.api.deadlines import blp as deadlines_blp
        from report_service.api.disposisi import blp as disposisi_blp
        from report_service.api.formulir import blp as formulir_blp
        from report_service.api.formulir import pages as formulir_pages

        return {"title": "naskah report-service",
                "description": "Activity timelines from the SOP's events, the steps past their mutu baku, and the "
                               "Laporan Kegiatan (steps 8-12).",
                "blueprints": [blp, deadlines_blp, formulir_blp, disposisi_blp], "plain_blueprints": [formulir_pages],
                "auth_exempt": _pokja_form}

    def close(self) -> None:
        if self.ticker is not None:  # also when only the runtime's start hooks ran (tests)
            self.ticker.stop()
        self.runtime.stop()
        if self.owns_converter:
            self.converter.close()  # type: ignore[attr-defined]



def _pokja_form() -> bool:
    """The Pokja's web form: its link's token is the credential (scoped to one kampung's letter)."""
    from flask import request

    return request.path.startswith("/formulir/")



def _office(office: OfficeConfig) -> dict[str, Any]:
    """The office as the Laporan and the Lembar Disposisi read it: the kop, the zone, the signers as mappings,
    the logo's bytes and `tempat`, the city of the date line."""
    signers = {"kadis": asdict(office.kadis), "kabid": asdict(office.kabid)}
    if office.kasubid:
        signers["kasubid"] = dict(office.kasubid)
    return {"pemerintah": office.pemerintah, "nama_dinas": office.nama_dinas, "alamat": office.alamat,
            "kontak": office.kontak, "kota": office.kota, "tempat": office.kota, "zona_waktu": office.zona_waktu,
            "logo": office.logo_bytes(), **signers}


def office_calendar(office: OfficeConfig) -> WorkingCalendar:
    """The office's working calendar: `kalender` and `zona_waktu` of its configuration, its holiday file."""
    try:
        return WorkingCalendar.from_config(office.kalender, office.zona_waktu,
                                           parse_holidays(office.holidays_text(), "kalender.libur_file"))
    except CalendarError as exc:
        raise ValueError(f"office configuration: {exc}") from exc


def _mailer(settings: ReportSettings) -> SmtpMailer | None:
    if not settings.smtp_host:
        return None
    return SmtpMailer(settings.smtp_host, settings.smtp_port, sender=settings.smtp_sender, tls=settings.smtp_tls,
                      username=settings.smtp_username, password=settings.smtp_password,
                      timeout=settings.smtp_timeout)


def bootstrap(settings: ReportSettings, *, bus: Bus | None = None, store: ObjectStore | None = None,
              converter: Converter | None = None) -> Container:
    runtime = Runtime.build(settings, metadata, outbox, bus=bus, store=store)
    own = converter is None
    converter = converter or UnoserverPool(settings.converters, timeout=settings.convert_timeout)
    config = load_office(settings.office_file or None)
    office, calendar = _office(config), office_calendar(config)

    def uow(cause: Envelope | None = None) -> SqlReportUnitOfWork:
        unit = runtime.unit_of_work(SqlReportUnitOfWork)
        unit.cause = cause  # what it writes to the outbox follows from the event being handled
        return unit

    deps = Dependencies(
        uow=uow, store=runtime.store, converter=converter, office=office, calendar=calendar, zone=calendar.zone,
        verify_url=lambda document_id: f"{settings.verify_base_url.rstrip('/')}/verify/{document_id}",
        render_laporan=render_laporan, render_disposisi=render_disposisi, step_outcome=step_outcome,
        read_formulir=formulir_pdf.read,
        reminders=Reminders(repeat=timedelta(minutes=settings.reminder_repeat_minutes),
                            recipients=parse_recipients(settings.reminder_recipients), mailer=_mailer(settings),
                            zone_label=ZONE_LABELS.get(config.zona_waktu, "")),
        visible_paraf=config.paraf_tampak)
    disposisi = DisposisiService(deps)
    reports = ReportService(deps, disposisi)
    deadlines = DeadlineService(deps)
    formulir = FormulirService(deps, reports)
    consumers.subscribe(runtime.bus, reports, disposisi, formulir)
    ticker = None
    if settings.deadline_tick_seconds > 0:
        ticker = Ticker("deadlines", settings.deadline_tick_seconds, deadlines.tick,
                        join_timeout=settings.smtp_timeout * 2 + 5)
        runtime.on_start.append(ticker.start)
        runtime.on_stop.append(ticker.stop)
    runtime.on_start.append(lambda: runtime.store.ensure_bucket(Buckets.REPORTS))
    if own:  # start LibreOffice now, so the first request does not wait for it
        runtime.on_start.append(lambda: threading.Thread(target=converter.warm, name="converter-warm",
                                                         daemon=True).start())
    return Container(settings, runtime, reports, deadlines, formulir, disposisi, converter, own, ticker)
