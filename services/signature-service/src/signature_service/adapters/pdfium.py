"""Page images with PDFium (pypdfium2): one page of a PDF as a PNG of a given width."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from naskah_shared.pdfium_lock import PDFIUM
from signature_service.service_layer.previews import PreviewUnavailable, RenderedPage


class PdfiumRenderer:
    def render(self, pdf: bytes, page: int, *, width: int, max_pixels: int) -> RenderedPage:
        with PDFIUM:  # PDFium is not thread-safe (one lock per process, shared with sk-service's)
            try:
                doc = pdfium.PdfDocument(pdf)
            except pdfium.PdfiumError as exc:
                raise PreviewUnavailable(f"the PDF cannot be opened: {exc}") from exc
            try:
                doc.init_forms()  # without a form environment PDFium leaves the signature widgets (the stamps) out
                count = len(doc)
                if not 0 <= page < count:
                    raise PreviewUnavailable(f"page {page + 1} is outside 1..{count}")
                pdf_page = doc[page]
                try:
                    w, h = pdf_page.get_size()  # in points
                    if w <= 0 or h <= 0:
                        raise PreviewUnavailable(f"page {page + 1} has no size")
                    scale = width / w
                    if (w * scale) * (h * scale) > max_pixels:  # a very tall page: narrower, not bigger
                        scale = (max_pixels / (w * h)) ** 0.5
                    bitmap = pdf_page.render(scale=scale, may_draw_forms=True, draw_annots=True)
                    image = bitmap.to_pil().copy()  # its own pixels: the bitmap is closed here, in the lock
                    bitmap.close()
                finally:
                    pdf_page.close()
            finally:
                doc.close()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return RenderedPage(out.getvalue(), count)
