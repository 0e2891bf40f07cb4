"""The demo's SOP steps 9-10: the kampung's Formulir back into naskah, verified, exported for Prodeskel.

Two kampung fill in the Kadis-signed letter's own form fields (as any PDF reader would, an incremental
update that leaves the signature valid) and upload it; the first of them is sent back with a note on one
field and returns it corrected. The other kampung hand in paper, which the Tim types in. Every
submission and verdict is step 9 or 10 of the activity, so the Laporan's figures come from them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfWriter

DAY = 60 * 24  # minutes


def values(i: int, *, kk: int | None = None) -> dict[str, str]:
    """A plausible Formulir of the i-th kampung (men + women = population; KK a quarter of it)."""
    men, women = 310 + 37 * i, 295 + 41 * i
    return {"a1_jumlah_penduduk": str(men + women), "a2_laki_laki": str(men), "a3_perempuan": str(women),
            "a4_jumlah_kk": str(kk if kk is not None else (men + women) // 4), "b1_luas_wilayah_km2": f"{8 + i},5",
            "b2_jumlah_dusun": str(2 + i % 3), "b3_jumlah_rt_rw": f"{4 + i}/2", "b4_batas_utara": "Danau Sentani",
            "b5_batas_selatan": "Pegunungan Cycloop" if i % 2 else "Kampung tetangga",
            "b6_batas_timur": "Kali Jaifuri", "b7_batas_barat": "Hutan adat", "c1_jumlah_sekolah": "1/1/0",
            "c2_jumlah_pustu_posyandu": f"1/{1 + i % 2}", "c3_sumber_air_bersih": "Sumur dan mata air",
            "c4_kondisi_jalan": "Aspal sebagian, tanah di dusun", "d1_mata_pencaharian": "Nelayan danau dan petani",
            "d2_potensi_unggulan": "Ikan mujair, sagu", "d3_bumkam": "BUMKam perikanan" if i % 3 == 0 else "",
            "e1_jumlah_aparat": str(9 + i % 4), "e2_jumlah_bamuskam": str(5 + i % 5)}


def fill(signed: bytes, data: dict[str, str]) -> bytes:
    """What a PDF reader does when the Pokja types into the form: one incremental update, fields only."""
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    for page in writer.pages:
        writer.update_page_form_field_values(page, data, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def return_formulir(rep: Any, p: Any, aid: str, letters: list[dict[str, Any]], letters_dir: Path, out: Path,
                    at: Callable[[float], str], wait: Callable[..., Any]) -> str:
    """Steps 9-10 for every letter; answers the kampung sent back. Writes the filled PDFs and the export."""
    filled_dir = out / "formulir"
    filled_dir.mkdir(exist_ok=True)
    for letter in letters:  # report-service learns the letters from the batch's event
        wait("report-service to know the letters",
             lambda lid=letter["id"]: rep.http.get(f"{rep.base}/api/formulir/{lid}", timeout=30).ok)
    pdf_kampung, back = letters[:2], letters[0]

    def upload(letter: dict[str, Any], data: dict[str, str], name: str, minutes: float) -> dict[str, Any]:
        pdf = fill((letters_dir / f"{letter['slug']}.pdf").read_bytes(), data)
        (filled_dir / name).write_bytes(pdf)
        return rep.call("POST", f"/api/formulir/{letter['id']}/pdf", expect=201, data=pdf,
                        params={"submitted_by": f"Pokja {letter['kampung']['nama']}", "submitted_at": at(minutes)},
                        headers={"Content-Type": "application/pdf"})

    def review(letter: dict[str, Any], version: int, minutes: float, notes: dict[str, str] | None = None) -> None:
        rep.call("POST", f"/api/formulir/{letter['id']}/submissions/{version}/review", json={
            "decision": "send_back" if notes else "accept", "notes": notes or {}, "reviewer": "Tim Kegiatan",
            "reviewed_at": at(minutes)})

    # Kampung one and two: the filled PDF; the first with a KK count that does not match its register.
    first = upload(back, values(0, kk=400), f"{back['slug']}-v1.pdf", DAY * 26)
    upload(pdf_kampung[1], values(1), f"{pdf_kampung[1]['slug']}-v1.pdf", DAY * 26 + 30)
    for i, letter in enumerate(letters[2:], 2):  # the paper Formulir, typed in by the Tim
        rep.call("POST", f"/api/formulir/{letter['id']}/submissions", expect=201, json={
            "values": values(i), "submitted_by": "Tim Kegiatan (dari formulir kertas)",
            "submitted_at": at(DAY * 26 + 60 + i)})
    p.step("9. Pokja menyerahkan Formulir", f"2 PDF terisi, {len(letters) - 2} formulir kertas diketik Tim")
    note = "Jumlah KK tidak sesuai register kampung (Buku Induk Kependudukan)"
    review(back, first["version"], DAY * 27, {"a4_jumlah_kk": note})
    for letter in letters[1:]:
        review(letter, 1, DAY * 27 + 60)
    p.step("10. Tim memverifikasi", f"{len(letters) - 1} diterima, {back['kampung']['nama']} dikembalikan: {note}")
    again = upload(back, values(0), f"{back['slug']}-v2.pdf", DAY * 41)
    review(back, again["version"], DAY * 42)
    p.step("9-10. Formulir perbaikan diterima dan diverifikasi", f"{back['kampung']['nama']} versi {again['version']}")
    for ext in ("csv", "xlsx"):
        (out / f"prodeskel.{ext}").write_bytes(rep.call("GET", f"/api/activities/{aid}/prodeskel.{ext}"))
    p.step("10. Ekspor untuk Prodeskel", f"{out / 'prodeskel.csv'}, {out / 'prodeskel.xlsx'}")
    return back["kampung"]["nama"]


__all__ = ["fill", "return_formulir", "values"]
