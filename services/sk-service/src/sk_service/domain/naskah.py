"""Tata Naskah Dinas vocabulary: diktum ordinals, Indonesian dates, list letters, the office.

Standard library only. The office (its name, region, address, logo, signers and
nomor format) is configuration, read from JSON, never code (DESIGN §6).
"""

from __future__ import annotations

import dataclasses
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Texts the template prints in white 2 pt at the top of each signer's stamp area; the
# signature-service finds them in the PDF and places the visible stamp there.
ANCHOR_KADIS = "#ttd-kadis#"
ANCHOR_KABID = "#ttd-kabid#"
ANCHORS = {"kadis": ANCHOR_KADIS, "kabid": ANCHOR_KABID}

_SATUAN = ("", "SATU", "DUA", "TIGA", "EMPAT", "LIMA", "ENAM", "TUJUH", "DELAPAN", "SEMBILAN")
_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")


def terbilang(n: int) -> str:
    """Indonesian cardinal words in capitals, 1..999: 11 → SEBELAS, 121 → SERATUS DUA PULUH SATU."""
    if not 1 <= n <= 999:
        raise ValueError(f"terbilang supports 1..999, not {n}")
    ratus, rest = divmod(n, 100)
    words: list[str] = []
    if ratus:
        words.append("SERATUS" if ratus == 1 else f"{_SATUAN[ratus]} RATUS")
    puluh, satu = divmod(rest, 10)
    if puluh == 1:
        words.append("SEPULUH" if satu == 0 else "SEBELAS" if satu == 1 else f"{_SATUAN[satu]} BELAS")
    else:
        if puluh:
            words.append(f"{_SATUAN[puluh]} PULUH")
        if satu:
            words.append(_SATUAN[satu])
    return " ".join(words)


def ordinal(n: int) -> str:
    """Diktum ordinal: KESATU, KEDUA, …, KESEPULUH, KESEBELAS, KEDUA BELAS, KEDUA PULUH SATU, KESERATUS.

    Indonesian forms the ordinal by prefixing "ke" to the whole cardinal, which
    attaches to its first word (KEDUA PULUH SATU, not KEDUA PULUH KESATU); the
    diktum of a keputusan uses KESATU rather than PERTAMA.
    """
    return "KE" + terbilang(n)


def huruf(n: int) -> str:
    """List letter for Menimbang: 1 → "a.", 26 → "z.", 27 → "aa.", 28 → "ab." (bijective base 26)."""
    if n < 1:
        raise ValueError(f"huruf needs n ≥ 1, not {n}")
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("a") + r) + letters
    return letters + "."


def tanggal_indonesia(d: date) -> str:
    """25 November 2026 (day without a leading zero, Indonesian month name)."""
    return f"{d.day} {_BULAN[d.month - 1]} {d.year}"


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


_NOMOR_FIELDS = {"seq", "code", "year", "klasifikasi"}

# Academic titles (gelar akademik) before and after a name; H./Hj. (haji) and adat titles are not academic.
_PREFIX_TITLES = re.compile(r"^(?:(?:Prof|Dr|Drs|Dra|Ir)\.\s*)+", re.IGNORECASE)
# S.Sos, M.Si, S.Kom, Ph.D, A.Md, M.Sc. (with a dot) or ST, SH, MM (two to four capitals)
_SUFFIX_TITLE = re.compile(r"(?:[A-Za-z]{1,5}\.\s?)+[A-Za-z]{0,5}\.?|[A-Z]{2,4}")


def without_titles(nama: str) -> str:
    """`Drs. Yohanes Rumbiak, M.Si` -> `Yohanes Rumbiak`: the name without its academic titles.

    Only what reads as a title goes: a leading Prof./Dr./Drs./Dra./Ir., and the comma-separated
    parts after the name that look like degrees (S.Sos, M.Si, ST, Ph.D); anything else stays."""
    head, *tail = [part.strip() for part in nama.split(",")]
    kept = [part for part in tail if not _SUFFIX_TITLE.fullmatch(part)]
    return ", ".join([_PREFIX_TITLES.sub("", head).strip() or head, *kept])


BSRE_FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
               "diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN")


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
            raise ValueError(f"tata_naskah has unknown keys: {sorted(unknown)}")
        for key in ("gelar_pada_keputusan", "nomor_halaman", "catatan_tte"):
            if key in data and not isinstance(data[key], bool):
                raise ValueError(f"tata_naskah.{key} must be true or false")
        for key in ("klasifikasi", "catatan_tte_teks", "teks_stempel"):
            if key in data and (not isinstance(data[key], str) or not data[key].strip() or len(data[key]) > 300):
                raise ValueError(f"tata_naskah.{key} must be a text of 1 to 300 characters")
        if "klasifikasi" in data and not re.fullmatch(r"\d{3}(\.\d{1,3}){0,4}", data["klasifikasi"]):
            raise ValueError("tata_naskah.klasifikasi must be a kode klasifikasi like 800 or 800.1.11.1")
        return cls(**data)


@dataclass(frozen=True)
class Office:
    """The issuing office (the dinas) and its two signers.

    `nomor_format` is a `str.format` pattern over `seq`, `code` and `year`, for
    example ``800/{seq:03d}/{code}/{year}`` (klasifikasi/urut/unit/tahun).
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
    logo: str | None = None  # path of a PNG/JPEG for the kop; none → no logo
    zona_waktu: str = "Asia/Jakarta"  # IANA zone of the office: WIB, WITA or WIT
    tata_naskah: TataNaskah = dataclasses.field(default_factory=TataNaskah)

    def __post_init__(self) -> None:
        fields = {f for _, f, _, _ in string.Formatter().parse(self.nomor_format) if f is not None}
        if "seq" not in fields or not fields <= _NOMOR_FIELDS:
            raise ValueError(f"nomor_format must use {{seq}} and only {sorted(_NOMOR_FIELDS)}: "
                             f"{self.nomor_format!r}")
        try:
            ZoneInfo(self.zona_waktu)
        except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"zona_waktu {self.zona_waktu!r} is not an IANA time zone (e.g. Asia/Jayapura)") from None

    @property
    def daerah(self) -> str:
        """KABUPATEN JAYAPURA, from PEMERINTAH KABUPATEN JAYAPURA."""
        return self.pemerintah.removeprefix("PEMERINTAH ").strip()

    @property
    def kepala(self) -> str:
        """KEPALA DINAS … KABUPATEN …: the issuer named in the SK heading."""
        return f"KEPALA {self.nama_dinas} {self.daerah}".upper()

    def local_date(self, at: datetime) -> date:
        """The date on the office's calendar: 07:00 WIT in Jayapura is still the day before in UTC."""
        return at.astimezone(ZoneInfo(self.zona_waktu)).date()

    def format_nomor(self, seq: int, year: int) -> str:
        if seq < 1:
            raise ValueError(f"nomor sequence starts at 1, not {seq}")
        return self.nomor_format.format(seq=seq, code=self.code, year=year, klasifikasi=self.tata_naskah.klasifikasi)

    def nomor_konsep(self, year: int) -> str:
        """The nomor as printed on a draft: the sequence left open, "800/ … /DPMK/2026"."""
        out = []
        for literal, field, spec, conv in string.Formatter().parse(self.nomor_format):
            out.append(literal)
            if field == "seq":
                out.append(" … ")
            elif field is not None:
                value = {"code": self.code, "year": year, "klasifikasi": self.tata_naskah.klasifikasi}[field]
                out.append(format(value if conv is None else str(value), spec or ""))
        return "".join(out)

    @staticmethod
    def nomor_slug(nomor: str) -> str:
        """An object-key safe form: 800/123/DPMK/2026 → 800-123-dpmk-2026."""
        slug = re.sub(r"[^0-9a-z]+", "-", nomor.lower()).strip("-")
        if not slug:
            raise ValueError(f"nomor {nomor!r} has no letters or digits")
        return slug

    @classmethod
    def from_json(cls, source: str | Path | Mapping[str, Any]) -> Office:
        """From a JSON file or an already parsed mapping; a relative `logo` is taken from the file's folder."""
        base: Path | None = None
        if isinstance(source, Mapping):
            data = dict(source)
        else:
            path = Path(source)
            data = json.loads(path.read_text(encoding="utf-8"))
            base = path.parent
        try:
            data.pop("kalender", None)  # the working calendar is report-service's (mutu baku deadlines)
            data["kadis"] = Pejabat.from_dict(data["kadis"])
            data["kabid"] = Pejabat.from_dict(data["kabid"])
            data["tata_naskah"] = TataNaskah.from_dict(data.get("tata_naskah"))
            logo = data.get("logo")
            if logo and base is not None and not Path(logo).is_absolute():
                data["logo"] = str(base / logo)
            return cls(**data)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"office configuration is incomplete or has unknown keys: {exc}") from exc
