"""The render contexts of sk-service's documents: an SK Tim and one kampung's Surat Edaran, for the office
(the names the templates in templates/ use; scripts/make_sk_template.py writes them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sk_service.domain.naskah import Office, huruf, ordinal, tanggal_indonesia, without_titles
from sk_service.domain.sk import Sk
from sk_service.domain.surat_edaran import Letter, SuratEdaran
from sk_service.service_layer.ports import Image


@lru_cache(maxsize=8)
def _read_logo(path: str) -> bytes:
    return Path(path).read_bytes()


def _kop(office: Office) -> dict[str, Any]:
    """The letterhead every naskah of the office opens with."""
    return {"kop": {"pemerintah": office.pemerintah.upper(), "dinas": office.nama_dinas.upper(),
                    "alamat": office.alamat, "kontak": office.kontak},
            "logo": Image(_read_logo(office.logo), width_mm=22) if office.logo else None}


def _numbered(items: Iterable[str]) -> list[dict[str, str]]:
    return [{"nomor": f"{i}.", "teks": t} for i, t in enumerate(items, 1)]


def _signer(pejabat: Mapping[str, Any]) -> dict[str, str]:
    return {k: pejabat[k] for k in ("jabatan", "nama", "pangkat", "nip")}


def _keputusan_signer(signer: dict[str, str], office: Office) -> dict[str, str]:
    """On a Keputusan the signer's name goes without academic titles unless the office reads it otherwise."""
    if office.tata_naskah.gelar_pada_keputusan:
        return signer
    return {**signer, "nama": without_titles(signer["nama"])}


def _tata_naskah(office: Office, catatan_tte: bool | None) -> dict[str, Any]:
    """Page numbers and the electronic-signature footer (a document's `catatan_tte` overrides the office's)."""
    rules = office.tata_naskah
    shown = rules.catatan_tte if catatan_tte is None else bool(catatan_tte)
    return {"nomor_halaman": rules.nomor_halaman, "catatan_tte": rules.catatan_tte_teks if shown else ""}


def sk_tentang(content: Mapping[str, Any]) -> str:
    return content.get("tentang") or (f"Pembentukan Tim Kegiatan {content['kegiatan']} "
                                      f"Tahun Anggaran {int(content['tahun'])}")


def sk_context(content: Mapping[str, Any], office: Office, nomor: str | None = None,
               tanggal: date | None = None) -> dict[str, Any]:
    """The render context of an SK Tim (SkInputSchema content) for the office.

    Before the Kadis's approval the nomor is the office format with the sequence left
    open ("800/ … /DPMK/2026") and the date is empty; `konsep` tells the template so.
    """
    tahun = int(content["tahun"])
    return {
        **_kop(office),
        "pejabat": office.kepala,
        "nomor": nomor or office.nomor_konsep(tahun),
        "konsep": nomor is None,
        "tentang": sk_tentang(content).upper(),
        "kegiatan": content["kegiatan"],
        "tahun": tahun,
        "unit_kerja": content.get("unit_kerja", ""),
        "menimbang": [{"huruf": huruf(i), "teks": t} for i, t in enumerate(content["menimbang"], 1)],
        "mengingat": _numbered(content["mengingat"]),
        "diktum": [{"ordinal": ordinal(i), "teks": t} for i, t in enumerate(content["diktum"], 1)],
        "anggota": [{"no": i, **{k: a[k] for k in ("nama", "nip", "pangkat_golongan", "jabatan",
                                                    "kedudukan_dalam_tim")}}
                    for i, a in enumerate(content["anggota"], 1)],
        "penandatangan": _keputusan_signer(_signer(content.get("penandatangan") or asdict(office.kadis)), office),
        "kabid": asdict(office.kabid),
        **_tata_naskah(office, content.get("catatan_tte")),
        "tembusan": _numbered(content.get("tembusan") or []),
        "ditetapkan_di": content.get("ditetapkan_di") or office.kota,
        "tanggal": tanggal_indonesia(tanggal) if tanggal else "",
    }


def surat_edaran_context(se: SuratEdaran, sk: Sk, letter: Letter, office: Office) -> dict[str, Any]:
    """The render context of one kampung's Surat Edaran and its Formulir Instrumen."""
    content = se.content
    return {
        **_kop(office),
        "kota": office.kota,
        "tanggal": tanggal_indonesia(office.local_date(se.created_at)),
        "nomor": se.nomor,
        "sifat": content["sifat"],
        "lampiran": "1 (satu) berkas",
        "perihal": content["perihal"],
        # The template says "Kepala Kampung {{ kampung.nama }}": "Kampung Sereh" prints as "Sereh" there.
        "kampung": {"nama": re.sub(r"(?i)^kampung\s+", "", letter.kampung["nama"]),
                    "distrik": re.sub(r"(?i)^distrik\s+", "", letter.kampung["distrik"]),
                    "kepala": letter.kampung.get("kepala") or ""},
        "kegiatan": sk.content["kegiatan"],
        "tahun": int(sk.content["tahun"]),
        "sk": {"nomor": sk.nomor or "", "tentang": sk_tentang(sk.content)},
        "batas_waktu": tanggal_indonesia(date.fromisoformat(content["batas_waktu"])),
        "penandatangan": _signer(asdict(office.kadis)),
        "tembusan": _numbered(content.get("tembusan") or []),
        **_tata_naskah(office, content.get("catatan_tte")),
        "wilayah": office.daerah.removeprefix("KABUPATEN ").removeprefix("KOTA ").title(),
    }
