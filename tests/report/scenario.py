"""A whole SOP run of one activity as events, as report-service would store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from naskah_shared.bus.topology import topic_matches
from naskah_shared.messages import Envelope
from report_service import consumers
from report_service.domain.activity import Activity, ActivityEvent

WIT = timezone(timedelta(hours=9))
KAMPUNG = ["Kampung Harapan", "Kampung Nendali", "Kampung Asei Besar", "Kampung Yoka", "Kampung Ayapo"]
INJECTION = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} <w:t>&amp;"


def wit(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIT)


def sk_event(type: str, at: datetime, **payload: Any) -> ActivityEvent:
    return ActivityEvent(type, at.astimezone(UTC), {"sk_id": "sk-1", **payload})


def deliver(container: Any, envelope: Envelope) -> None:
    """Hand `envelope` to report-service's consumer of it, as the bus would (at once, in this thread)."""
    queues = consumers.handlers(container.reports, container.disposisi, container.formulir).values()
    for keys, handler in queues:
        if any(topic_matches(k, envelope.type) for k in keys):
            handler(envelope)


def build_activity(log: list[ActivityEvent] | None = None) -> Activity:
    """Steps 1-11 done: the Kabid sends the konsep back once, the Kadis once; Kampung Asei Besar is
    sent back and verified on its second hand-over; steps 12 and 13 are not done yet.

    `log` receives every event in the order applied: the activity's whole event stream."""
    log = [] if log is None else log
    a = _Logged.create("act-1", "Pengembangan dan Pengelolaan Data Profil Kampung", tahun=2026,
                        unit_kerja="Bidang Pemerintahan Kampung", at=wit(2, 7, 55))
    a.record_step(1, "Drs. Yohanis Wally", wit(2, 8), wit(2, 8, 15), "Disposisi Nomor 005/412/DPMK")
    a.record_step(2, "Rahmi Suryantari, ST, M.Si", wit(2, 8, 30), wit(2, 8, 40), "Disposisi kepada Kasubid")
    for e in (
        sk_event("sk.drafted", wit(2, 9), drafter="Maria Ohee, S.Sos", revision=1),
        sk_event("sk.submitted", wit(2, 15), revision=1),
        sk_event("sk.reviewed", wit(2, 16, 30), role="kabid", decision="reject", reviewer="Rahmi Suryantari",
                 note="Dasar hukum Permendagri 12/2007 belum dicantumkan " + INJECTION, revision=1),
        sk_event("sk.revised", wit(3, 8, 30), revision=2),
        sk_event("sk.submitted", wit(3, 9), revision=2),
        sk_event("sk.reviewed", wit(3, 10), role="kabid", decision="approve", reviewer="Rahmi Suryantari",
                 note="", revision=2),
        sk_event("sk.reviewed", wit(3, 11), role="kadis", decision="reject", reviewer="Drs. Yohanis Wally",
                 note="Tambahkan unsur Pokja dalam susunan tim", revision=2),
        sk_event("sk.reviewed", wit(3, 13), role="kabid", decision="approve", reviewer="Rahmi Suryantari",
                 note="Sudah diperbaiki", revision=2),
        sk_event("sk.reviewed", wit(3, 14), role="kadis", decision="approve", reviewer="Drs. Yohanis Wally",
                 note="", revision=2),
        sk_event("sk.approved", wit(3, 14, 1), nomor="800/123/DPMK/2026"),
        sk_event("document.signed", wit(3, 14, 10), role="kabid", signer="Rahmi Suryantari"),
        sk_event("document.signed", wit(3, 14, 30), role="kadis", signer="Drs. Yohanis Wally",
                 nomor="800/123/DPMK/2026"),
        sk_event("sk.archived", wit(3, 14, 38), nomor="800/123/DPMK/2026"),
    ):
        a.apply(e)
    a.record_step(7, "Tim Kegiatan", wit(4, 9), wit(4, 12), "Rapat persiapan; proses pendataan ditetapkan")
    a.record_step(8, "Tim Kegiatan", wit(5, 8), wit(4, 16, month=12), "Surat Edaran dan Formulir Instrumen",
                  {"assigned": KAMPUNG})
    a.record_step(9, "Pokja Profil Kampung", wit(20, 9), wit(20, 15), "",
                  {"returned": KAMPUNG[:4]})
    a.record_step(10, "Tim Kegiatan", wit(21, 8), wit(28, 14), "Verifikasi tahap I",
                  {"verified": ["Kampung Harapan", "Kampung Nendali", "Kampung Yoka"],
                   "sent_back": [{"kampung": "Kampung Asei Besar", "note": "Jumlah KK tidak sesuai " + INJECTION}],
                   "published": ["Kampung Harapan", "Kampung Nendali"]})
    a.record_step(9, "Pokja Profil Kampung", wit(1, 9, month=12), wit(1, 10, month=12), "",
                  {"returned": ["Kampung Asei Besar", "Kampung Ayapo"]})
    a.record_step(10, "Tim Kegiatan", wit(2, 8, month=12), wit(8, 14, month=12), "Verifikasi tahap II",
                  {"verified": ["Kampung Asei Besar", "Kampung Ayapo"],
                   "published": ["Kampung Yoka", "Kampung Asei Besar"]})
    a.apply(ActivityEvent("report.compiled", wit(9, 10, month=12), {"report_id": "rep-1"}))
    log.extend(a.log)
    return a


class _Logged(Activity):
    """Keeps what it applied, in order, so a test can replay the whole stream."""

    def apply(self, event: ActivityEvent) -> bool:
        applied = super().apply(event)
        self.__dict__.setdefault("log", []).append(event)
        return applied
