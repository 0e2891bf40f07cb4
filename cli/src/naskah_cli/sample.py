"""Realistic data for the demo: an SK Tim and a dozen kampung of Kabupaten Jayapura."""

from __future__ import annotations

from typing import Any

# Kampung of Kabupaten Jayapura with their distrik (for the Surat Edaran's address).
DISTRIK = {"Kampung Sereh": "Sentani", "Kampung Yobeh": "Sentani", "Kampung Hobong": "Sentani",
           "Kampung Ifar Besar": "Sentani", "Kampung Doyo Baru": "Waibu", "Kampung Sosiri": "Waibu",
           "Kampung Nolokla": "Sentani Timur", "Kampung Ayapo": "Sentani Timur", "Kampung Asei Besar":
           "Sentani Timur", "Kampung Netar": "Sentani Timur", "Kampung Babrongko": "Ebungfauw",
           "Kampung Kwadeware": "Waibu"}
KAMPUNG = list(DISTRIK)

_TEAM = [
    ("Yosephina Awoitauw, S.Sos", "Penata Tingkat I (III/d)", "Kepala Sub Bidang Pengelolaan Data", "Ketua"),
    ("Markus Yoku, S.Kom", "Penata (III/c)", "Pranata Komputer Ahli Muda", "Sekretaris"),
    ("Siti Rahmawati, S.E.", "Penata Muda Tingkat I (III/b)", "Analis Data dan Informasi", "Anggota"),
    ("Agustinus Ohee, S.IP", "Penata Muda (III/a)", "Pengelola Data Kampung", "Anggota"),
    ("Theresia Monim, A.Md", "Pengatur Tingkat I (II/d)", "Pengolah Data", "Anggota"),
    ("Hendrik Wambrauw, S.T.", "Penata Muda Tingkat I (III/b)", "Pranata Komputer Ahli Pertama", "Anggota"),
    ("Nur Aisyah, S.Stat", "Penata Muda (III/a)", "Statistisi Ahli Pertama", "Anggota"),
    ("Petrus Kaisiepo, S.Sos", "Penata (III/c)", "Penyuluh Pemberdayaan Masyarakat", "Anggota"),
    ("Maria Ondi, S.Pd", "Penata Muda Tingkat I (III/b)", "Fasilitator Kampung", "Anggota"),
    ("Daniel Pulanda, S.Kom", "Penata Muda (III/a)", "Pengelola Sistem Informasi", "Anggota"),
    ("Yulianus Felle, S.H.", "Penata Muda Tingkat I (III/b)", "Analis Hukum", "Anggota"),
    ("Ester Mehue, S.Sos", "Penata Muda (III/a)", "Analis Pemberdayaan Masyarakat Kampung", "Anggota"),
]
# Larger teams (tests, benchmarks) get further distinct people: given name × family name, one pair each.
_GIVEN = ["Yance", "Naomi", "Frans", "Lince", "Simon", "Yohana", "Albert", "Ruth", "Obed", "Sarlota"]
_FAMILY = ["Demetouw", "Tokoro", "Puraro", "Sokoy", "Ibo", "Kere", "Marweri", "Suebu", "Yanuaring", "Wouw"]
_DEGREE = ["S.Sos", "S.Kom", "S.E.", "S.IP", "A.Md", "S.T."]


def _nip(i: int) -> str:
    """18 digits: birth date, appointment year and month, sex, sequence (a plausible NIP, unique per i)."""
    born = f"{1975 + i % 20}{(i % 12) + 1:02d}{(i % 27) + 1:02d}"
    return f"{born}{2001 + i % 20}0{1 + i % 2}1{i % 1000:03d}"[:18]


def _name(i: int) -> str:
    """The i-th member's name: the twelve of `_TEAM`, then distinct given × family names (for up to 112)."""
    if i < len(_TEAM):
        return _TEAM[i][0]
    k = i - len(_TEAM)  # k = 10a + b -> (b, (a + b) % 10): a different pair for every k below 100
    given, family = _GIVEN[k % 10], _FAMILY[(k // 10 + k) % 10]
    return f"{given} {family}, {_DEGREE[k % len(_DEGREE)]}"


def sk_tim(members: int = 10, year: int = 2026) -> dict[str, Any]:
    anggota = []
    for i in range(members):
        _, pangkat, jabatan, kedudukan = _TEAM[i % len(_TEAM)]
        anggota.append({"nama": _name(i),
                        "nip": _nip(i),
                        "pangkat_golongan": pangkat, "jabatan": jabatan,
                        "kedudukan_dalam_tim": kedudukan if i < len(_TEAM) else "Anggota"})
    return {
        "kegiatan": "Pengembangan dan Pengelolaan Data Profil Kampung/Desa dan Kelurahan",
        "tahun": year,
        "unit_kerja": "Bidang Layanan Komunikasi dan Informatika",
        "menimbang": [
            "bahwa data profil kampung dan kelurahan merupakan dasar perencanaan pembangunan kampung yang "
            "harus dikelola secara akurat dan mutakhir;",
            "bahwa untuk melaksanakan kegiatan pengembangan dan pengelolaan data profil kampung perlu dibentuk tim "
            "kegiatan;",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
            "Keputusan Kepala Dinas tentang Pembentukan Tim Kegiatan Pengembangan dan Pengelolaan Data Profil "
            "Kampung/Desa dan Kelurahan;",
        ],
        "mengingat": [
            "Undang-Undang Nomor 6 Tahun 2014 tentang Desa;",
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;",
            "Peraturan Menteri Dalam Negeri Nomor 12 Tahun 2007 tentang Pedoman Penyusunan dan Pendayagunaan "
            "Data Profil Desa dan Kelurahan;",
        ],
        "diktum": [
            "Membentuk Tim Kegiatan Pengembangan dan Pengelolaan Data Profil Kampung/Desa dan Kelurahan dengan "
            "susunan sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan "
            "ini.",
            "Tim sebagaimana dimaksud dalam Diktum KESATU bertugas menugaskan Pokja Profil Kampung/Kelurahan, "
            "memverifikasi data dan memublikasikannya pada laman Prodeskel.",
            "Tim menyampaikan laporan pelaksanaan kegiatan kepada Kepala Dinas melalui Kepala Bidang.",
            f"Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Dokumen Pelaksanaan "
            f"Anggaran Dinas Tahun Anggaran {year}.",
            "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        ],
        "anggota": anggota,
        "tembusan": ["Bupati Jayapura (sebagai laporan);", "Sekretaris Daerah Kabupaten Jayapura;",
                     "Inspektur Kabupaten Jayapura;", "Arsip."],
    }
