"""The visible signature stamp: a QR code beside the office's four-line block, in embedded Noto Sans.

pyHanko's GlyphAccumulator parses and subsets the whole font for every document it writes into (the
subsetting is destructive, so it cannot be shared). Noto Sans has ~3,700 glyphs; we cut it once, at start,
to the Latin ranges Indonesian text needs, and every stamp then works on that small font in memory.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import init_xobject_dictionary
from pyhanko.stamp import QRPosition, QRStampStyle, TextStampStyle
from pyhanko.stamp.qr import QRStamp

from signature_service.service_layer.ports import StampText

NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
# Basic Latin, Latin-1, Latin Extended-A (names with diacritics), general punctuation, euro/rupiah-era signs.
# Fewer glyphs = less to decompile when the accumulator subsets per document.
_UNICODE_RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2010, 0x203A), (0x20AC, 0x20AC), (0x2116, 0x2116)]
# QR mask pattern: the qrcode package otherwise tries all eight and scores them in pure Python (~8 ms per
# stamp); any mask is valid (ISO/IEC 18004 clause 7.8) and the codes here are short URLs at level M.
QR_MASK = 2
_STAMP_TEXT = "%(heading)s\n%(jabatan)s\n%(nama)s\n%(pangkat)s"
CM = 72 / 2.54
# Sized for the 8 cm x 2.4 cm box opened at the template's anchor: a 2 cm QR code, then ~5.8 cm of text.
QR_SIZE = 52
TEXT_WIDTH = 8 * CM - QR_SIZE - 6  # minus the QR code's padding (innsep 2 each side) and 2 pt slack


_LAYOUT_TABLES = ("GPOS", "GSUB", "GDEF")


def latin_subset(font_path: Path, *, keep_layout: bool = True) -> bytes:
    """The font cut down to the Latin ranges. With ``keep_layout`` the OpenType layout tables stay (HarfBuzz
    kerns with GPOS); without, the glyph IDs are the same but there is nothing left to decompile."""
    from fontTools import subset, ttLib

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = ttLib.TTFont(str(font_path))
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=[u for lo, hi in _UNICODE_RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    if not keep_layout:
        # Dropped after the cut, not by it: the cut with GSUB keeps the glyphs it substitutes (the "fi" of
        # "sertifikat" shapes to a ligature), so both copies hold the same glyphs under the same IDs.
        for tag in _LAYOUT_TABLES:
            if tag in font:
                del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _SharedShapingAccumulator(GlyphAccumulator):
    """GlyphAccumulator that shapes with a HarfBuzz font made once (with the layout tables), while the
    fontTools copy it subsets and embeds has none: subsetting then skips decompiling GPOS/GSUB (~30 ms)."""

    def __init__(self, *args: Any, hb_font: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hb_font = hb_font


@dataclass(frozen=True)
class InMemoryFontFactory(FontEngineFactory):
    """A GlyphAccumulatorFactory over fonts prepared once in memory, not read from disk each time."""

    shaping_bytes: bytes  # with layout tables, for HarfBuzz
    font_bytes: bytes  # same glyph IDs, no layout tables: what gets subset and embedded
    font_size: int = 10

    @cached_property
    def hb_font(self) -> Any:
        import uharfbuzz as hb

        return hb.Font(hb.Face(self.shaping_bytes))

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:  # type: ignore[override]
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return _SharedShapingAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self.font_bytes),
            font_size=self.font_size,
            bcp47_lang_code="id",
            obj_stream=obj_stream,
            hb_font=self.hb_font,
        )


class _FixedMaskQRStamp(QRStamp):
    def _qr_xobject(self):  # pyHanko's plain (not "fancy") QR path, with a fixed mask pattern
        import qrcode
        from pyhanko.pdf_utils.qr import PdfStreamQRImage

        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK)
        qr.add_data(self.url)
        qr.make()
        command_stream = qr.make_image(image_factory=PdfStreamQRImage).render_command_stream()
        bbox_size = (qr.modules_count + 2 * qr.border) * qr.box_size
        qr_xobj = init_xobject_dictionary(command_stream, bbox_size, bbox_size)
        qr_xobj.compress()
        return self.writer.add_object(qr_xobj), bbox_size


@dataclass(frozen=True)
class OfficeQRStampStyle(QRStampStyle):
    """QRStampStyle whose QR code skips the mask search (see QR_MASK)."""

    def create_stamp(self, writer, box, text_params: dict) -> QRStamp:  # type: ignore[override]
        text_params = dict(text_params)
        url = text_params.pop("url")
        return _FixedMaskQRStamp(writer, style=self, url=url, text_params=text_params, box=box)


class StampStyles:
    """Builds the stamp styles once per process; the font is cut and parsed here, not per signature."""

    def __init__(self, font_path: Path = NOTO_SANS, *, font_size: int = 8, text_width: float = TEXT_WIDTH) -> None:
        self.font_path = font_path
        self.font_size = font_size
        self.text_width = text_width

    @cached_property
    def _font(self) -> InMemoryFontFactory:
        return InMemoryFontFactory(
            latin_subset(self.font_path),
            latin_subset(self.font_path, keep_layout=False),
            font_size=self.font_size,
        )

    @cached_property
    def _advances(self) -> tuple[dict[int, float], float]:
        """Advance width per code point, in points at ``font_size``, for wrapping long jabatan lines."""
        from fontTools import ttLib

        font = ttLib.TTFont(io.BytesIO(self._font.font_bytes))
        scale = self.font_size / font["head"].unitsPerEm
        hmtx = font["hmtx"]
        widths = {cp: hmtx[name][0] * scale for cp, name in font.getBestCmap().items()}
        return widths, self.font_size * 0.6

    def text_width_of(self, text: str) -> float:
        widths, fallback = self._advances
        return sum(widths.get(ord(ch), fallback) for ch in text)

    def wrap(self, line: str) -> str:
        """Break a line at spaces so it fits ``text_width``; pyHanko's text box does not wrap by itself."""
        out: list[str] = []
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and self.text_width_of(candidate) > self.text_width:
                out.append(current)
                current = word
            else:
                current = candidate
        out.append(current)
        return "\n".join(out)

    @cached_property
    def _text_box(self) -> TextBoxStyle:
        return TextBoxStyle(font=self._font, font_size=self.font_size, leading=round(self.font_size * 1.25))

    @cached_property
    def qr(self) -> QRStampStyle:
        """QR code at the left (pointing to the public verification page), the office's block at its right."""
        return OfficeQRStampStyle(
            stamp_text=_STAMP_TEXT,
            text_box_style=self._text_box,
            border_width=0,
            innsep=2,
            qr_inner_size=QR_SIZE,
            qr_position=QRPosition.LEFT_OF_TEXT,
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MID,
                inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            ),
        )

    @cached_property
    def text_only(self) -> TextStampStyle:
        """The block without a QR code, for documents that have no public verification URL."""
        return TextStampStyle(stamp_text=_STAMP_TEXT, text_box_style=self._text_box, border_width=0)

    def warm(self) -> None:
        """Cut and parse the font now (at start-up) rather than on the first signature."""
        _ = self._advances, self._font.hb_font

    def text_params(self, stamp: StampText, qr_url: str | None) -> dict[str, str]:
        heading, jabatan, nama, pangkat = (self.wrap(line) for line in stamp.lines())
        params = {"heading": heading, "jabatan": jabatan, "nama": nama, "pangkat": pangkat}
        if qr_url is not None:
            params["url"] = qr_url
        return params
