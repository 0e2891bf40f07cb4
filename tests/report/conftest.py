"""Fixtures of the report tests: the scenario's activity, an office and its SK."""

from __future__ import annotations

from typing import Any

import pytest

from report_service.domain.activity import Activity
from tests.report.scenario import build_activity, wit


@pytest.fixture
def activity() -> Activity:
    return build_activity()


@pytest.fixture
def office() -> dict[str, Any]:
    return {
        "pemerintah": "Pemerintah Kabupaten Jayapura",
        "nama_dinas": "DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG",
        "alamat": "Jalan Raya Sentani Nomor 12, Sentani, Kabupaten Jayapura, Papua 99352",
        "kontak": "Telepon (0967) 591234 · Pos-el dpmk@jayapurakab.go.id",
        "tempat": "Sentani",
        "zona_waktu": "Asia/Jayapura",
        "kabid": {"jabatan": "Kepala Bidang Layanan Komunikasi dan Informatika",
                  "nama": "Rahmi Suryantari, ST, M.Si", "pangkat": "Pembina (IV/a)",
                  "nip": "19800101 200501 2 001"},
    }


@pytest.fixture
def sk_info() -> dict[str, Any]:
    return {"nomor": "800/123/DPMK/2026", "tanggal": wit(3, 14, 30),
            "verify_url": "https://naskah.example.go.id/verify/sk-1"}
