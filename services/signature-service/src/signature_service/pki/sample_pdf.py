"""A small SK-shaped PDF (TEST ONLY) with the signer-block anchors ``#ttd-kabid#`` / ``#ttd-kadis#``.

sk-service's template puts the anchors as white 2 pt text with ~2.5 cm free below; this reproduces that
layout with the PDF standard font Helvetica, so signing can be developed and benchmarked without
LibreOffice.
"""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from naskah_shared.naming import signature_anchor

A4 = (0, 0, 595.28, 841.89)

_BODY = [
    (297, 790, 12, "KEPUTUSAN KEPALA DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG", True),
    (297, 774, 11, "NOMOR 800/123/DPMK/2026", True),
    (297, 758, 11, "TENTANG", True),
    (297, 742, 11, "PEMBENTUKAN TIM KEGIATAN PENGEMBANGAN DATA PROFIL KAMPUNG", True),
    (72, 710, 10, "Menimbang : a. bahwa data profil kampung perlu dikembangkan dan dikelola;", False),
    (72, 696, 10, "Mengingat : 1. Undang-Undang Nomor 6 Tahun 2014 tentang Desa;", False),
    (72, 670, 11, "MEMUTUSKAN:", False),
    (72, 650, 10, "KESATU : Membentuk Tim Kegiatan Pengembangan Data Profil Kampung.", False),
    (72, 636, 10, "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan.", False),
    (330, 560, 10, "Ditetapkan di Jayapura", False),
    (330, 546, 10, "pada tanggal 25 November 2026", False),
]


def _text(x: float, y: float, size: float, text: str, centred: bool = False, white: bool = False) -> str:
    if centred:
        x -= len(text) * size * 0.26  # rough Helvetica advance; good enough for a test page
    esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    colour = "1 1 1 rg" if white else "0 0 0 rg"
    return f"BT {colour} /F1 {size:g} Tf {x:g} {y:g} Td ({esc}) Tj ET"


def sk_sample_pdf(pages: int = 1) -> bytes:
    """An A4 SK with the Kabid's block (left) and the Kadis's block (right), each with its anchor."""
    writer = PdfFileWriter()
    font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
            pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
        }
    )
    resources = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F1"): writer.add_object(font)})}
    )
    for n in range(pages):
        ops = [_text(x, y, s, t, c) for x, y, s, t, c in _BODY] if n == 0 else []
        ops += [_text(72, 800 - 14 * i, 10, f"Lampiran baris {i + 1}") for i in range(40)] if n else []
        if n == 0:
            ops += [
                _text(60, 520, 10, "Kepala Bidang Layanan Komunikasi dan Informatika,"),
                _text(60, 510, 2, signature_anchor("kabid"), white=True),
                _text(60, 435, 10, "Rahmi Suryantari, ST, M.Si"),
                _text(60, 421, 10, "Pembina (IV/a)"),
                _text(60, 407, 10, "NIP. 197803122005022001"),
                _text(330, 520, 10, "KEPALA DINAS PEMBERDAYAAN MASYARAKAT,"),
                _text(330, 510, 2, signature_anchor("kadis"), white=True),
                _text(330, 435, 10, "Drs. Yohanes Rumbiak, M.Si"),
                _text(330, 421, 10, "Pembina Utama Muda (IV/c)"),
                _text(330, 407, 10, "NIP. 196905141994031005"),
            ]
        stream = generic.StreamObject(stream_data="\n".join(ops).encode("latin-1"))
        page = PageObject(contents=writer.add_object(stream), media_box=A4, resources=resources)
        writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
