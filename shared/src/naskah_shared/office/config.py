"""The office configuration, read and checked once for the three services (`load_office`).

What each service reads of it: sk-service the kop, the signers, the nomor format and `tata_naskah`;
report-service the kop, the signers, `zona_waktu`, `kalender` and `disposisi.paraf`; signature-service
the office's name and logo for its pages and `tata_naskah`'s stamp heading and BSrE footer.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

EXAMPLE = Path(__file__).parent / "example.json"

BSRE_FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
               "diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN")


class OfficeError(ValueError):
    """The office file cannot be read, or says something naskah cannot use: the service does not start."""


@dataclass(frozen=True)
class Pejabat:
    """An official as printed in a signer block."""

    jabatan: str
    nama: str
    pangkat: str
    nip: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pejabat:
        return cls(**{k: str(data[k]) for k in ("jabatan", "nama", "pangkat", "nip")})


@dataclass(frozen=True)
class TataNaskah:
    """The rules of Tata Naskah Dinas (Permendagri 1/2023) a Dinas may read differently: the office's
    `tata_naskah` in its JSON. Defaults are Permendagri 1/2023 as naskah reads it (the lead checks the
    citations against the regulation's Lampiran)."""

    # Lampiran Permendagri 1/2023, Bab II, Keputusan (kaki: nama pejabat penanda tangan): the name is
    # written without academic titles on a Keputusan; pangkat and NIP follow it for a Kepala Perangkat Daerah.
    gelar_pada_keputusan: bool = False
    # The first part of the nomor, the kode klasifikasi arsip of Permendagri 83/2022 (Kode Klasifikasi Arsip
    # di Lingkungan Kementerian Dalam Negeri dan Pemerintah Daerah): 800 is Kepegawaian, the class of an SK
    # forming a team; `{klasifikasi}` in `nomor_format` prints it.
    klasifikasi: str = "800"
    # Lampiran Permendagri 1/2023, Bab III (penomoran halaman): from the second page on, Arabic numerals
    # centred at the top between hyphens ("- 2 -"); the first page carries none.
    nomor_halaman: bool = True
    # The footer naming the certificate's issuer (BSSN's guidance for documents signed with a BSrE
    # certificate; Permendagri 1/2023 Pasal 10 lets naskah dinas be signed electronically). Only when the
    # office signs with BSrE: the signing side turns it on for its documents (office or per document).
    catatan_tte: bool = False
    catatan_tte_teks: str = BSRE_FOOTER
    # The heading of the visible electronic-signature stamp (Lampiran Permendagri 1/2023, Bab II, tanda tangan
    # elektronik: the stamp says the document was signed electronically and by whom).
    teks_stempel: str = "Telah ditandatangani secara elektronik oleh:"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TataNaskah:
        data = dict(data or {})
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise OfficeError(f"tata_naskah has unknown keys: {sorted(unknown)}")
        for key in ("gelar_pada_keputusan", "nomor_halaman", "catatan_tte"):
            if key in data and not isinstance(data[key], bool):
                raise OfficeError(f"tata_naskah.{key} must be true or false")
        for key in ("klasifikasi", "catatan_tte_teks", "teks_stempel"):
            if key in data and (not isinstance(data[key], str) or not data[key].strip() or len(data[key]) > 300):
                raise OfficeError(f"tata_naskah.{key} must be a text of 1 to 300 characters")
        if "klasifikasi" in data and not re.fullmatch(r"\d{3}(\.\d{1,3}){0,4}", data["klasifikasi"]):
            raise OfficeError("tata_naskah.klasifikasi must be a kode klasifikasi like 800 or 800.1.11.1")
        return cls(**data)


_TEXTS = ("code", "nama_dinas", "pemerintah", "alamat", "kota", "nomor_format", "kontak", "zona_waktu")
_REQUIRED = {"code", "nama_dinas", "pemerintah", "alamat", "kota", "kadis", "kabid"}
_KEYS = {*_TEXTS, "kadis", "kabid", "kasubid", "logo", "kalender", "tata_naskah", "disposisi"}


@dataclass(frozen=True)
class OfficeConfig:
    """The issuing office (the dinas): its kop, its signers, its nomor format, its calendar and rules.

    `nomor_format` is a `str.format` pattern over `seq`, `code`, `year` and `klasifikasi`, for example
    ``{klasifikasi}/{seq:03d}/{code}/{year}`` (klasifikasi/urut/unit/tahun); sk-service's `Office` checks it.
    """

    code: str
    nama_dinas: str
    pemerintah: str
    alamat: str
    kota: str
    kadis: Pejabat
    kabid: Pejabat
    nomor_format: str = "800/{seq:03d}/{code}/{year}"
    kontak: str = ""
    logo: str | None = None  # absolute path of a PNG/JPEG for the kop; none → no logo
    zona_waktu: str = "Asia/Jakarta"  # IANA zone of the office: WIB, WITA or WIT
    # The working calendar as written (`jam_kerja`, `libur`, `libur_file` made absolute); report-service's
    # WorkingCalendar reads it.
    kalender: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    tata_naskah: TataNaskah = field(default_factory=TataNaskah)
    # The giver's paraf on a Lembar Disposisi: a visible mark where the sheet's anchor is (`disposisi.paraf`:
    # "tampak"), else an invisible signature.
    paraf_tampak: bool = False
    kasubid: Mapping[str, str] | None = None  # the Lembar Disposisi's addressee as printed: jabatan, nama

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OfficeConfig:
        """From the office file's JSON as `office_data` reads it (its paths made absolute)."""
        try:
            wrong = sorted(_REQUIRED - set(data)) + sorted(set(data) - _KEYS)
            if wrong:
                raise KeyError(", ".join(wrong))
            texts = {k: data[k] for k in _TEXTS if k in data}
            for key, value in texts.items():
                if not isinstance(value, str):
                    raise OfficeError(f"office {key} must be a text")
            kasubid = data.get("kasubid")
            return cls(**texts, kadis=Pejabat.from_dict(data["kadis"]), kabid=Pejabat.from_dict(data["kabid"]),
                       logo=str(data["logo"]) if data.get("logo") else None,
                       kalender=MappingProxyType(dict(data.get("kalender") or {})),
                       tata_naskah=TataNaskah.from_dict(data.get("tata_naskah")),
                       paraf_tampak=str((data.get("disposisi") or {}).get("paraf", "")).lower() == "tampak",
                       kasubid={k: str(v) for k, v in kasubid.items()} if kasubid else None)
        except (KeyError, TypeError, AttributeError) as exc:
            raise OfficeError(f"office configuration is incomplete or has unknown keys: {exc}") from exc

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.zona_waktu)
        except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise OfficeError(f"zona_waktu {self.zona_waktu!r} is not an IANA time zone (e.g. Asia/Jayapura)") from None

    def logo_bytes(self) -> bytes | None:
        if not self.logo:
            return None
        try:
            return Path(self.logo).read_bytes()
        except OSError as exc:
            raise OfficeError(f"office logo {self.logo}: {exc}") from exc

    def holidays_text(self) -> str:
        """The text of the office's holiday list (`kalender.libur_file`), empty when it names none."""
        path = self.kalender.get("libur_file")
        if not path:
            return ""
        try:
            return Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise OfficeError(f"office kalender.libur_file {path}: {exc}") from exc


def office_data(path: str | Path | None = None) -> dict[str, Any]:
    """The office file's JSON (the example office when `path` is empty), with a relative `logo` and
    `kalender.libur_file` made absolute from the file's folder."""
    source = Path(path) if path else EXAMPLE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OfficeError(f"office file {source}: {exc}") from exc
    if not isinstance(data, dict):
        raise OfficeError(f"office file {source}: not a JSON object")
    logo = data.get("logo")
    if logo and not Path(logo).is_absolute():
        data["logo"] = str(source.parent / logo)
    kalender = data.get("kalender")
    if isinstance(kalender, dict) and kalender.get("libur_file") and not Path(kalender["libur_file"]).is_absolute():
        kalender["libur_file"] = str(source.parent / kalender["libur_file"])
    return data


def load_office(path: str | Path | None = None) -> OfficeConfig:
    """The office of `path` (NASKAH_OFFICE_FILE; the example office when empty), read and checked."""
    data = office_data(path)
    try:
        return OfficeConfig.from_dict(data)
    except OfficeError as exc:
        raise OfficeError(f"office file {path or EXAMPLE}: {exc}") from exc
