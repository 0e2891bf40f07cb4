"""The office's words on pages: times in the office's zone with Indonesian month names, levels, names."""

from __future__ import annotations

from datetime import UTC, datetime

from signature_service.api import words


def test_times_are_said_in_the_office_zone_in_indonesian():
    at = datetime(2026, 12, 1, 7, 56, tzinfo=UTC)
    assert words.in_office_time(at, "Asia/Jayapura") == "1 Desember 2026 16.56 WIT"
    assert words.in_office_time(at, "Asia/Makassar") == "1 Desember 2026 15.56 WITA"
    assert words.in_office_time(datetime(2026, 12, 31, 18, 5, tzinfo=UTC), "Asia/Jakarta") == "1 Januari 2027 01.05 WIB"
    assert words.in_office_time(at, "Asia/Jayapura", with_time=False) == "1 Desember 2026"
    assert words.in_office_time(None, "Asia/Jayapura") == "-"


def test_levels_statuses_and_names_in_words():
    assert words.level_word("B-LT") == "tanda tangan elektronik jangka panjang, PAdES B-LT"
    assert words.status_word("signed") == "sudah ditandatangani" and words.kind_word("surat_edaran") == "Surat Edaran"
    assert words.official_name("DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG") == \
        "Dinas Pemberdayaan Masyarakat dan Kampung"
