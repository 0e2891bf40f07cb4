"""The office's words on pages: status, kind, level and dates in Indonesian (standard library only)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
# Indonesia's three legal time zones (UU 1987/Keppres 41/1987) by the IANA names offices use.
ZONE_WORDS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

STATUS = {"waiting": "menunggu tanda tangan sebelumnya", "pending": "menunggu tanda tangan Anda",
          "signed": "sudah ditandatangani", "rejected": "ditolak", "cancelled": "dibatalkan"}
KIND = {"sk": "Surat Keputusan (SK)", "surat_edaran": "Surat Edaran", "report": "Laporan Kegiatan",
        "disposisi": "Lembar Disposisi"}
LEVEL = {"B-B": "tanda tangan elektronik dasar, PAdES B-B",
         "B-T": "tanda tangan elektronik dengan cap waktu, PAdES B-T",
         "B-LT": "tanda tangan elektronik jangka panjang, PAdES B-LT",
         "B-LTA": "tanda tangan elektronik jangka panjang dengan cap waktu arsip, PAdES B-LTA"}


def in_office_time(value: datetime | None, zone: str, *, with_time: bool = True) -> str:
    """`1 Desember 2026 16.56 WIT`: the moment in the office's zone, in words people read."""
    if value is None:
        return "-"
    local = value.astimezone(ZoneInfo(zone))
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    if not with_time:
        return day
    return f"{day} {local:%H.%M} {ZONE_WORDS.get(zone, local.tzname() or zone)}"


SMALL_WORDS = {"dan", "di", "ke", "dari", "untuk", "atau", "yang", "pada", "dengan"}


def official_name(value: str | None) -> str:
    """`DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG` → `Dinas Pemberdayaan Masyarakat dan Kampung` (EYD capitals)."""
    out = []
    for i, word in enumerate((value or "").split()):
        lower = word.lower()
        out.append(lower if i and lower in SMALL_WORDS else lower[:1].upper() + lower[1:])
    return " ".join(out)


def status_word(value: object) -> str:
    key = getattr(value, "value", value)
    return STATUS.get(str(key), str(key))


def kind_word(value: str | None) -> str:
    return KIND.get(value or "", value or "-")


def level_word(value: object) -> str:
    key = getattr(value, "value", value)
    return LEVEL.get(str(key), str(key or "-"))
