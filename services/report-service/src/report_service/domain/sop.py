"""The SOP *Kegiatan Pengembangan dan Pengelolaan Data Profil Kampung/Desa dan Kelurahan* (DESIGN §1).

Standard library only. The thirteen steps as the office's SOP states them: the
name in the SOP's Indonesian, who acts and to whom it passes, the kelengkapan
(inputs), the mutu baku (standard time) and the output.

Conventions for the standard time:
- it is counted from the step's start in the office's working calendar
  (`calendar.py`: minutes and hours in office hours, "1 hari" a working day,
  "1 bulan" a calendar month), the same live and in the Laporan;
- as a `timedelta`, "1 bulan" is 30 days (`MONTH`) and "1 hari" 24 hours: what
  the calendar reads as a month or a day, and the around-the-clock reading when
  no calendar is given.

`Source` says where a step's facts come from: steps 3-6 and 11 are produced by
the services from events (sk.* from sk-service, document.signed from
signature-service, report.compiled from this service); the others are
recorded by people through report-service's API.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MONTH = timedelta(days=30)  # "1 bulan" in the SOP: 30 calendar days


class Actor(enum.StrEnum):
    KADIS = "Kadis"
    KABID = "Kabid"
    KASUBID = "Kasubid"  # the SOP's Kasi/Kasubid/Kasubbid column
    TIM = "Tim"
    POKJA = "Pokja"  # Pokja Profil Kampung/Kelurahan
    SEMUA = "Semua"  # the closing meeting: everyone


class Source(enum.StrEnum):
    EVENTS = "events"  # produced by the services from bus events
    API = "api"  # recorded by a person through POST /api/activities/{id}/steps


@dataclass(frozen=True)
class SopStep:
    number: int
    name: str  # as the SOP states it
    actors: tuple[Actor, ...]  # who does it (two for a shared step: "Kasubid/Tim")
    next: tuple[Actor, ...]  # to whom it passes; empty when it ends there
    inputs: tuple[str, ...]  # kelengkapan
    standard: timedelta  # mutu baku
    standard_text: str  # the mutu baku as the SOP writes it
    output: str
    source: Source
    branch: str = ""  # the SOP's decision, for steps that loop back

    @property
    def actor_label(self) -> str:
        """`Kadis → Kabid`, `Kasubid/Tim`, `Semua`: the Pelaksana column."""
        who = "/".join(a.value for a in self.actors)
        return f"{who} → {'/'.join(a.value for a in self.next)}" if self.next else who


def _step(number: int, name: str, actors: tuple[Actor, ...], next: tuple[Actor, ...], inputs: tuple[str, ...],
          standard: timedelta, standard_text: str, output: str, source: Source, branch: str = "") -> SopStep:
    return SopStep(number, name, actors, next, inputs, standard, standard_text, output, source, branch)


A, E = Source.API, Source.EVENTS
K, B, S, T, P = Actor.KADIS, Actor.KABID, Actor.KASUBID, Actor.TIM, Actor.POKJA

STEPS: tuple[SopStep, ...] = (
    _step(1, "Memerintahkan Kabid untuk mempersiapkan pelaksanaan kegiatan",
          (K,), (B,), ("Agenda Kerja",), 15 * MINUTE, "15 menit", "Disposisi", A),
    _step(2, "Menugaskan Penyusunan SK Tim Kegiatan kepada Kasubid",
          (B,), (S,), ("Disposisi",), 15 * MINUTE, "15 menit", "Disposisi", A),
    _step(3, "Menyusun Konsep SK Tim Kegiatan lalu menyerahkan Konsep SK kepada Kabid untuk diverifikasi",
          (S,), (B,), ("Disposisi",), DAY, "1 hari", "Draft Konsep SK Tim Kegiatan", E),
    _step(4, "Memeriksa konsep SK Tim Kegiatan. Jika setuju menyampaikan kepada Kadis. "
             "Jika tidak setuju menyerahkan kepada Kasubbid untuk diperbaiki",
          (B,), (K,), ("Konsep SK Tim Kegiatan",), 3 * HOUR, "3 jam", "Draft SK Tim Kegiatan", E,
          branch="Tidak setuju → kembali ke Kasubid"),
    _step(5, "Memeriksa draft SK Tim Kegiatan. Jika setuju menandatangani dan menyerahkan kepada Kabid. "
             "Jika tidak setuju mengembalikan kepada Kabid untuk diperbaiki",
          (K,), (B,), ("Draft SK Tim Kegiatan",), 3 * HOUR, "3 jam", "SK Tim Kegiatan, Disposisi", E,
          branch="Tidak setuju → kembali ke Kabid"),
    _step(6, "Menyerahkan SK Tim Kegiatan kepada Kasubid untuk didokumentasikan dan diarsipkan",
          (B,), (S,), ("Disposisi",), 10 * MINUTE, "10 menit", "Disposisi", E),
    _step(7, "Mendokumentasikan dan mengarsipkan SK Tim Kegiatan serta menyelenggarakan Rapat Persiapan "
             "Kegiatan termasuk Penetapan Proses Pelaksanaan Kegiatan",
          (S, T), (), ("Disposisi",), 3 * HOUR, "3 jam", "Laporan, Dokumentasi dan Arsip, Disposisi", A),
    _step(8, "Menugaskan Pokja Profil Kampung untuk melakukan Pendataan terkait Profil Kampung/Kelurahan",
          (T,), (P,), ("Disposisi", "Surat Edaran", "Formulir Instrumen Profil Kampung/Desa dan Kelurahan"),
          MONTH, "1 bulan", "Data Manual, Laporan", A),
    _step(9, "Penyerahan Data Manual Pokja Profil Kampung/Kelurahan kepada Tim",
          (P,), (T,), ("Data Manual", "Laporan"), DAY, "1 hari", "Data Manual, Laporan", A),
    _step(10, "Verifikasi Data oleh Tim, jika setuju lalu melakukan input data pada website Prodeskel, "
              "jika tidak setuju data dikembalikan kepada Pokja Profil untuk diperbaiki",
          (T,), (), ("Data Manual", "Laporan"), MONTH, "1 bulan",
          "Data Manual, Laporan, Publikasi Data Website", A, branch="Tidak setuju → kembali ke Pokja"),
    _step(11, "Membuat Laporan Kegiatan",
          (T, S), (B,), ("Data Manual", "Laporan", "Publikasi Data Website"), DAY, "1 hari", "Data Laporan", E),
    _step(12, "Penyampaian Hasil Laporan Kegiatan kepada Kadis",
          (B,), (K,), ("Data Laporan",), 15 * MINUTE, "15 menit", "Disposisi", A),
    _step(13, "Rapat Penutupan Kegiatan dan Pemaparan Hasil Kegiatan",
          (Actor.SEMUA,), (), ("Disposisi",), 3 * HOUR, "3 jam", "Data, Laporan", A),
)
del A, E, K, B, S, T, P

BY_NUMBER: dict[int, SopStep] = {s.number: s for s in STEPS}
EVENT_STEPS: frozenset[int] = frozenset(s.number for s in STEPS if s.source is Source.EVENTS)  # 3,4,5,6,11
API_STEPS: frozenset[int] = frozenset(s.number for s in STEPS if s.source is Source.API)  # 1,2,7,8,9,10,12,13
REPEATABLE_STEPS: frozenset[int] = frozenset({9, 10})  # a kampung handed over in batches or sent back


def step(number: int) -> SopStep | None:
    return BY_NUMBER.get(number)
