"""The electronic-signature footer (*catatan TTE*) on every page of a document signed with a BSrE certificate.

BSSN asks documents signed with a certificate of its Balai Besar Sertifikasi Elektronik to say so at the foot
of each page; the office words it in `tata_naskah.catatan_tte_teks`. sk-service prints it itself when the
office or the SK asks (`catatan_tte`); signature-service, which knows whose key is at BSrE, adds it to any
document a BSrE-backed account signs that does not carry it yet. The text is drawn in the stamp's embedded
Noto Sans in one incremental update, before the signature fields are made (ISO 32000-2 clause 7.5.6).
"""

from __future__ import annotations

import io
import re
from functools import cached_property

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from signature_service.adapters.pades import _open
from signature_service.adapters.stamp import NOTO_SANS, InMemoryFontFactory, latin_subset
from signature_service.service_layer.ports import SigningError, SigningErrorCode

CM = 72 / 2.54
FONT_SIZE = 7
MARGIN = 2 * CM  # left and right; the foot's text sits in the bottom margin, below any template footer
BOTTOM = 0.6 * CM


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class CatatanTte:
    """``CatatanTte(text)(pdf)``: the PDF with ``text`` at the foot of every page, unless it says it already."""

    def __init__(self, text: str) -> None:
        self.text = _words(text)

    @cached_property
    def _font(self) -> InMemoryFontFactory:
        # Cut on the first document, not at import. The embedded copy keeps its layout tables, unlike the
        # stamp's: "fi" in "sertifikat" shapes to a ligature glyph that a copy without GSUB does not hold.
        font = latin_subset(NOTO_SANS)
        return InMemoryFontFactory(font, font, font_size=FONT_SIZE)

    @cached_property
    def _advances(self) -> dict[int, float]:
        from fontTools import ttLib

        font = ttLib.TTFont(io.BytesIO(self._font.font_bytes))
        scale = FONT_SIZE / font["head"].unitsPerEm
        return {cp: font["hmtx"][name][0] * scale for cp, name in font.getBestCmap().items()}

    def _wrap(self, width: float) -> str:
        """The text broken at spaces into lines of ``width`` points (pyHanko's text box does not wrap)."""
        lines: list[str] = []
        current = ""
        for word in self.text.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and sum(self._advances.get(ord(c), FONT_SIZE * 0.6) for c in candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return "\n".join(lines)

    def carried_by(self, pdf: bytes) -> bool:
        """The first page's text already has the footer (the template printed it)."""
        try:
            reader = PdfReader(io.BytesIO(pdf), strict=False)
            return bool(reader.pages) and self.text in _words(reader.pages[0].extract_text() or "")
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise SigningError(SigningErrorCode.INVALID_PDF, f"not a readable PDF: {exc}") from None

    def __call__(self, pdf: bytes) -> bytes:
        if not self.text or self.carried_by(pdf):
            return pdf
        writer = _open(pdf)
        leading = round(FONT_SIZE * 1.25)
        style = TextStampStyle(
            stamp_text="%(teks)s", border_width=0,
            text_box_style=TextBoxStyle(font=self._font, font_size=FONT_SIZE, leading=leading),
            inner_content_layout=layout.SimpleBoxLayoutRule(  # centred at its natural size, never shrunk
                x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                inner_content_scaling=layout.InnerScaling.NO_SCALING))
        for index in range(int(writer.root["/Pages"]["/Count"])):
            page = writer.find_page_for_modification(index)[0].get_object()
            x1, y1, x2, _y2 = (float(v) for v in page.get("/CropBox", page["/MediaBox"]))
            width = x2 - x1 - 2 * MARGIN
            lines = self._wrap(width - 20)  # minus the text box's padding and some slack
            box = layout.BoxConstraints(width=width)  # its height is what the lines need
            TextStamp(writer, style, {"teks": lines}, box=box).apply(index, round(x1 + MARGIN), round(y1 + BOTTOM))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
