"""Realistic office data for tests and the demo: an SK Tim for the Profil Kampung activity."""

from __future__ import annotations

from typing import Any

NAMES = ["Yosephina Awoitauw", "Markus Yoku", "Siti Rahmawati", "Agustinus Ohee", "Theresia Monim",
         "Hendrik Wambrauw", "Nur Aisyah", "Petrus Kaisiepo", "Maria Ondi", "Daniel Pulanda"]
PANGKAT = ["Penata Muda (III/a)", "Penata Muda Tingkat I (III/b)", "Penata (III/c)", "Penata Tingkat I (III/d)"]


def anggota(n: int) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        out.append({"nama": f"{NAMES[i % len(NAMES)]}{'' if i < len(NAMES) else f' {i // len(NAMES) + 1}'}",
                    "nip": f"19{80 + i % 20:02d}0{1 + i % 9}1{2 + i % 7}20{10 + i % 10:02d}0{1 + i % 2}1{i:03d}"[:18]
                    .ljust(18, "0"),
                    "pangkat_golongan": PANGKAT[i % len(PANGKAT)],
                    "jabatan": "Analis Data Desa" if i % 2 else "Pengelola Data Kampung",
                    "kedudukan_dalam_tim": "Ketua" if i == 0 else ("Sekretaris" if i == 1 else "Anggota")})
    return out


def sk_payload(members: int = 8, **overrides: Any) -> dict[str, Any]:
    payload = {
        "kegiatan": "Pengembangan dan Pengelolaan Data Profil Kampung/Desa dan Kelurahan",
        "tahun": 2026,
        "unit_kerja": "Bidang Layanan Komunikasi dan Informatika",
        "menimbang": [
            "bahwa untuk mendukung perencanaan pembangunan kampung diperlukan data profil kampung yang akurat;",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan "
            "Kepala Dinas tentang Pembentukan Tim Kegiatan Pengembangan dan Pengelolaan Data Profil Kampung;",
        ],
        "mengingat": [
            "Undang-Undang Nomor 6 Tahun 2014 tentang Desa;",
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
            "Peraturan Menteri Dalam Negeri Nomor 12 Tahun 2007 tentang Pedoman Penyusunan dan "
            "Pendayagunaan Data Profil Desa dan Kelurahan;",
        ],
        "diktum": [
            "Membentuk Tim Kegiatan Pengembangan dan Pengelolaan Data Profil Kampung dengan susunan "
            "sebagaimana tercantum dalam Lampiran Keputusan ini.",
            "Tim bertugas mengumpulkan, memverifikasi dan memublikasikan data profil kampung melalui Prodeskel.",
            "Biaya kegiatan dibebankan pada Dokumen Pelaksanaan Anggaran Dinas Tahun Anggaran 2026.",
            "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        ],
        "anggota": anggota(members),
        "tembusan": ["Bupati Jayapura (sebagai laporan);", "Inspektur Kabupaten Jayapura;", "Arsip."],
    }
    payload.update(overrides)
    return payload


INJECTIONS = ["{{ 7*7 }}", "{% for x in y %}", "<w:t>", "Tom & Jerry"]
