"""Tata Naskah Dinas vocabulary: diktum ordinals, Indonesian dates, list letters, the office.

Standard library only. The office (its name, region, address, logo, signers and
nomor format) is configuration, read from JSON, never code (DESIGN §6).
"""

from __future__ import annotations

import dataclasses
import re
import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
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


class Pejabat(Protocol):
    """An official as printed in a signer block (the office configuration's, naskah_shared.office.Pejabat)."""

    @property
    def jabatan(self) -> str: ...
    @property
    def nama(self) -> str: ...
    @property
    def pangkat(self) -> str: ...
    @property
    def nip(self) -> str: ...


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


class TataNaskah(Protocol):
    """What an SK reads of the office's Tata Naskah Dinas rules (naskah_shared.office.TataNaskah: the keys of
    `tata_naskah`, their Permendagri 1/2023 defaults and their checks)."""

    @property
    def gelar_pada_keputusan(self) -> bool: ...
    @property
    def klasifikasi(self) -> str: ...
    @property
    def nomor_halaman(self) -> bool: ...
    @property
    def catatan_tte(self) -> bool: ...
    @property
    def catatan_tte_teks(self) -> str: ...


@dataclass(frozen=True)
class Office:
    """The issuing office (the dinas) and its two signers, as the SK reads the office configuration.

    `nomor_format` is a `str.format` pattern over `seq`, `code`, `year` and `klasifikasi`, for
    example ``800/{seq:03d}/{code}/{year}`` (klasifikasi/urut/unit/tahun).
    """

    code: str
    nama_dinas: str
    pemerintah: str
    alamat: str
    kota: str
    kadis: Pejabat
    kabid: Pejabat
    nomor_format: str
    kontak: str
    logo: str | None  # path of a PNG/JPEG for the kop; none → no logo
    zona_waktu: str  # IANA zone of the office: WIB, WITA or WIT
    tata_naskah: TataNaskah

    def __post_init__(self) -> None:
        fields = {f for _, f, _, _ in string.Formatter().parse(self.nomor_format) if f is not None}
        if "seq" not in fields or not fields <= _NOMOR_FIELDS:
            raise ValueError(f"nomor_format must use {{seq}} and only {sorted(_NOMOR_FIELDS)}: "
                             f"{self.nomor_format!r}")
        try:  # the domain's own invariant: every date it prints is on this zone's calendar
            ZoneInfo(self.zona_waktu)
        except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"zona_waktu {self.zona_waktu!r} is not an IANA time zone") from None

    @classmethod
    def of(cls, config: Any) -> Office:
        """From the office configuration (naskah_shared.office.load_office reads and checks the file; a domain
        imports nothing of naskah_shared, so it is taken by its attributes)."""
        return cls(**{f.name: getattr(config, f.name) for f in dataclasses.fields(cls)})

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
