"""The Formulir Instrumen Pendataan Profil Kampung: its rows as fields, shared by the letter and its return.

Standard library only. sk-service turns each row of the letter's formulir into an AcroForm field of this
name (the PDF's `Isian` column); report-service reads the same names back from a filled PDF (or the web
form), checks them with `validate` and exports them, one column per field code, for entry into Prodeskel.
A row's `label` is the text printed in the letter's `Uraian` column (scripts/make_surat_edaran_template.py):
the field is placed beside it, so the two must stay equal (tests/sk/test_formulir_fields.py checks it).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

# The letter's PDF says what it is in its document information (pypdf / pypdfium2 read it back).
META_KIND, META_DOCUMENT, META_BATCH, META_KAMPUNG = "/NaskahKind", "/NaskahDocumentId", "/NaskahBatchId", \
    "/NaskahKampung"
KIND = "formulir-profil-kampung"
# Read-only fields carrying who the formulir is for (a reader shows them; a filler cannot change them).
FIELD_KAMPUNG_KODE, FIELD_KAMPUNG_NAMA = "naskah_kampung_kode", "naskah_kampung_nama"
MAX_TEXT = 200  # characters in a text row; the PDF field has the same MaxLen


@dataclass(frozen=True)
class Row:
    code: str  # the field's name in the PDF and the export's column: "a1_jumlah_penduduk"
    section: str  # "A. Kependudukan"
    label: str  # as printed in the formulir
    kind: str  # int | decimal | text
    required: bool = True
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    pattern: str | None = None  # text rows: the whole value must match


def _int(code: str, section: str, label: str, hi: int, *, lo: int = 0, required: bool = True) -> Row:
    return Row(code, section, label, "int", required, Decimal(lo), Decimal(hi))


def _text(code: str, section: str, label: str, *, required: bool = True, pattern: str | None = None) -> Row:
    return Row(code, section, label, "text", required, pattern=pattern)


_A, _B, _C, _D, _E = "A. Kependudukan", "B. Wilayah", "C. Sarana dan Prasarana", "D. Ekonomi", \
    "E. Pemerintahan Kampung"
_COUNTS = r"\d{1,4}( ?/ ?\d{1,4}){0,2}"  # "12/4" or "2 / 3 / 1": the rows that ask for several counts
ROWS: tuple[Row, ...] = (
    _int("a1_jumlah_penduduk", _A, "Jumlah penduduk (jiwa)", 1_000_000, lo=1),
    _int("a2_laki_laki", _A, "Laki-laki (jiwa)", 1_000_000),
    _int("a3_perempuan", _A, "Perempuan (jiwa)", 1_000_000),
    _int("a4_jumlah_kk", _A, "Jumlah kepala keluarga (KK)", 500_000, lo=1),
    Row("b1_luas_wilayah_km2", _B, "Luas wilayah (km²)", "decimal", True, Decimal("0.01"), Decimal("50000")),
    _int("b2_jumlah_dusun", _B, "Jumlah dusun", 100),
    _text("b3_jumlah_rt_rw", _B, "Jumlah RT/RW", pattern=_COUNTS),
    _text("b4_batas_utara", _B, "Batas wilayah sebelah utara"),
    _text("b5_batas_selatan", _B, "Batas wilayah sebelah selatan"),
    _text("b6_batas_timur", _B, "Batas wilayah sebelah timur"),
    _text("b7_batas_barat", _B, "Batas wilayah sebelah barat"),
    _text("c1_jumlah_sekolah", _C, "Jumlah sekolah PAUD / SD / SMP", pattern=_COUNTS),
    _text("c2_jumlah_pustu_posyandu", _C, "Jumlah puskesmas pembantu / posyandu", pattern=_COUNTS),
    _text("c3_sumber_air_bersih", _C, "Sumber air bersih"),
    _text("c4_kondisi_jalan", _C, "Kondisi jalan kampung"),
    _text("d1_mata_pencaharian", _D, "Mata pencaharian utama penduduk"),
    _text("d2_potensi_unggulan", _D, "Potensi unggulan kampung", required=False),
    _text("d3_bumkam", _D, "Badan Usaha Milik Kampung (BUMKam)", required=False),
    _int("e1_jumlah_aparat", _E, "Jumlah aparat kampung (orang)", 200),
    _int("e2_jumlah_bamuskam", _E, "Jumlah anggota Bamuskam (orang)", 50),
)
CODES: tuple[str, ...] = tuple(r.code for r in ROWS)
BY_CODE = {r.code: r for r in ROWS}


def validate(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, errors): the rows' values normalised (int, decimal as text, stripped text; None when empty),
    and an Indonesian message per field code that is wrong. Unknown keys are ignored (the caller picks
    ours out of a PDF's fields, which also holds signatures and the kampung's own fields)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for row in ROWS:
        value = raw.get(row.code)
        text = "" if value is None else str(value).strip()
        if not text:
            values[row.code] = None
            if row.required:
                errors[row.code] = "wajib diisi"
            continue
        if len(text) > MAX_TEXT:
            errors[row.code] = f"paling banyak {MAX_TEXT} karakter"
            continue
        if row.kind == "text":
            if row.pattern and not re.fullmatch(row.pattern, text):
                errors[row.code] = "isi dengan angka, dipisah garis miring (contoh: 12/4)"
            values[row.code] = text
            continue
        number = _number(text, row.kind == "int")
        if number is None:
            errors[row.code] = "harus bilangan bulat" if row.kind == "int" else "harus angka (contoh: 12,5)"
            continue
        if (row.minimum is not None and number < row.minimum) or (row.maximum is not None and number > row.maximum):
            errors[row.code] = f"harus antara {_show(row.minimum)} dan {_show(row.maximum)}"
            continue
        values[row.code] = int(number) if row.kind == "int" else _show(number)
    _cross_checks(values, errors)
    return values, errors


def _cross_checks(values: dict[str, Any], errors: dict[str, str]) -> None:
    total, men, women, kk = (values.get(c) for c in ("a1_jumlah_penduduk", "a2_laki_laki", "a3_perempuan",
                                                    "a4_jumlah_kk"))
    if isinstance(total, int) and isinstance(men, int) and isinstance(women, int) and men + women != total:
        errors.setdefault("a1_jumlah_penduduk", f"laki-laki + perempuan = {men + women}, bukan {total}")
    if isinstance(total, int) and isinstance(kk, int) and kk > total:
        errors.setdefault("a4_jumlah_kk", "jumlah KK tidak boleh melebihi jumlah penduduk")


def _number(text: str, integer: bool) -> Decimal | None:
    # Indonesian writing: "1.250" is a thousand two hundred and fifty, "12,5" is twelve and a half.
    if not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d{1,12}" + ("" if integer else r"|\d{1,9}[,.]\d{1,4}"), text):
        return None
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        return None


def _show(number: Decimal | None) -> str:
    return "" if number is None else format(number.normalize(), "f")


def token(key: bytes, letter_id: str) -> str:
    """The secret of one letter's web-form link: only the letter carries it; report-service keeps its digest."""
    mac = hmac.new(key, f"naskah-formulir:{letter_id}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(mac[:24]).decode().rstrip("=")  # 192 bits, 32 characters


def token_digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


__all__ = ["BY_CODE", "CODES", "FIELD_KAMPUNG_KODE", "FIELD_KAMPUNG_NAMA", "KIND", "MAX_TEXT", "META_BATCH",
           "META_DOCUMENT", "META_KAMPUNG", "META_KIND", "ROWS", "Row", "token", "token_digest", "validate"]
