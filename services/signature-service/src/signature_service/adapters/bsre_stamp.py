"""The office's stamp as a picture, for a signer whose key is at BSrE.

BSrE draws the visible signature itself, from the picture it is sent (``imageTTD`` in v1,
``imageBase64`` in v2). So naskah paints the same stamp its own signatures carry: the QR code to naskah's
public verification page at the left, the office's block (*Telah ditandatangani secara elektronik oleh:*,
jabatan, nama, pangkat) at the right, in Noto Sans, at print resolution and the box's aspect ratio.
"""

from __future__ import annotations

import io
from functools import lru_cache

from signature_service.adapters.stamp import NOTO_SANS, QR_MASK
from signature_service.service_layer.ports import StampText

DPI = 300


@lru_cache(maxsize=4)
def _font(size_px: int):  # -> PIL ImageFont
    from PIL import ImageFont

    return ImageFont.truetype(str(NOTO_SANS), size_px)


def render_stamp_png(stamp: StampText, qr_url: str | None, width_pt: float, height_pt: float) -> bytes:
    """A PNG of ``width_pt`` x ``height_pt`` points at 300 dpi (white background, black ink)."""
    import qrcode
    from PIL import Image, ImageDraw

    scale = DPI / 72
    w, h = max(1, round(width_pt * scale)), max(1, round(height_pt * scale))
    img = Image.new("RGB", (w, h), "white")
    pad = round(2 * scale)
    left = pad
    if qr_url:
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK, border=1)
        qr.add_data(qr_url)
        qr.make()
        side = h - 2 * pad
        code = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
        img.paste(code.resize((side, side), Image.NEAREST), (pad, pad))
        left = pad + side + pad * 2
    draw = ImageDraw.Draw(img)
    room = w - left - pad
    size = max(8, round(8 * scale))  # 8 pt, as the stamps naskah signs itself
    lines = _fit(draw, stamp.lines(), room, size, h - 2 * pad)
    font = _font(lines[1])
    leading = round(lines[1] * 1.25)
    top = max(pad, (h - leading * len(lines[0])) // 2)
    for i, line in enumerate(lines[0]):
        draw.text((left, top + i * leading), line, fill="black", font=font)
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True, dpi=(DPI, DPI))
    return out.getvalue()


def _fit(draw, lines: list[str], room: int, size: int, height: int) -> tuple[list[str], int]:
    """Wrap at spaces to ``room`` pixels; shrink the font until the block fits the height too."""
    while True:
        font = _font(size)
        wrapped: list[str] = []
        for line in lines:
            current = ""
            for word in line.split(" "):
                candidate = f"{current} {word}" if current else word
                if current and draw.textlength(candidate, font=font) > room:
                    wrapped.append(current)
                    current = word
                else:
                    current = candidate
            wrapped.append(current)
        if len(wrapped) * round(size * 1.25) <= height or size <= 8:
            return wrapped, size
        size -= 2
