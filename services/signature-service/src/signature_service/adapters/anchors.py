"""Find where a visible signature goes: the template prints an invisible anchor (white 2 pt text such as
``#ttd-kabid#``) in the signer block, with about 2.5 cm free below it. We read text positions with pypdf's
text visitor (user space = text matrix x CTM) and open a stamp box at the anchor.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from signature_service.service_layer.ports import SigningError, SigningErrorCode, StampPlacement

CM = 72 / 2.54
STAMP_WIDTH = 8 * CM
STAMP_HEIGHT = 2.4 * CM


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def find_anchor(
    pdf: bytes, text: str, *, width: float = STAMP_WIDTH, height: float = STAMP_HEIGHT
) -> StampPlacement | None:
    """The stamp box (width x height points) whose top-left corner is the anchor's top-left, or None.

    The anchor must be spelled exactly and appear once: a second occurrence means someone else's text
    reads as the anchor (sk-service defuses look-alikes in user data; this is the check behind it), and
    the stamp is not placed at a guess (`SigningError` ANCHOR_AMBIGUOUS). The box is shifted left/up if
    it would leave the page.
    """
    try:
        reader = PdfReader(io.BytesIO(pdf))
        pages = list(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise SigningError(SigningErrorCode.INVALID_PDF, f"not a readable PDF: {e}") from None
    found: StampPlacement | None = None
    for index, page in enumerate(pages):
        chunks: list[tuple[str, float, float, float]] = []

        def visit(txt: str, cm: list[float], tm: list[float], _font: object, size: float, out=chunks) -> None:
            if txt:
                m = _mult(list(tm), list(cm))
                scale = (m[2] ** 2 + m[3] ** 2) ** 0.5 or 1.0  # effective vertical scale of the text space
                out.append((txt, m[4], m[5], size * scale))

        page.extract_text(visitor_text=visit)
        joined = ""
        owners: list[int] = []
        for i, (txt, *_rest) in enumerate(chunks):
            joined += txt
            owners += [i] * len(txt)
        at = joined.find(text)
        if at < 0:
            continue
        if found is not None or joined.find(text, at + 1) >= 0:
            raise SigningError(SigningErrorCode.ANCHOR_AMBIGUOUS,
                               f"the signature anchor {text!r} appears more than once; refusing to place the stamp")
        _txt, x, y, size = chunks[owners[at]]
        box = page.mediabox
        top = min(y + size, float(box.top))
        left = max(float(box.left), min(x, float(box.right) - width))
        bottom = max(float(box.bottom), top - height)
        found = StampPlacement(page=index, box=(left, bottom, left + width, bottom + height))
    return found
