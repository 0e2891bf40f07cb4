"""The letter's Formulir Instrumen as a fillable PDF: an AcroForm text field in the `Isian` cell of every row.

LibreOffice 7.4 exports form fields only from its own form controls, which a DOCX template made with
python-docx cannot carry through docxtpl; so the fields are added after conversion, at the rows found in
the PDF's own text (pypdfium2's character boxes), and before the Kadis signs (a field added after a
signature would break it; filling one afterwards is a form-filling change validators accept, and
signature-service signs without DocMDP certification). Number rows are text fields with a MaxLen and a
tooltip: no JavaScript (AFNumber_*) goes into a signed document; report-service checks the values.

The same pass writes who the formulir is for (hidden read-only fields and the document information),
and draws the web form's QR code and link on the formulir page (vector squares, no image).
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import qrcode
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from naskah_shared import formulir as f
from naskah_shared.pdfium_lock import PDFIUM
from sk_service.service_layer.ports import Letterhead

TITLE = "FORMULIR INSTRUMEN PENDATAAN PROFIL KAMPUNG"
ISIAN_W, KET_W = 40 * 72 / 25.4, 32 * 72 / 25.4  # the Isian and Keterangan columns of the template, in points
FONT = "/Helv"
MAX_NUMBER = 16  # characters in a number row


class FormulirLayoutError(ValueError):
    """The converted letter has no formulir page or misses a row: the template and `formulir.ROWS` differ."""


def _find(text: pdfium.PdfTextPage, needle: str) -> tuple[float, float, float, float] | None:
    found = text.search(needle, match_case=True).get_next()
    if not found:
        return None
    first, count = found
    boxes = [text.get_charbox(i) for i in range(first, first + count)]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _layout(pdf: bytes) -> tuple[int, dict[str, tuple[float, float, float, float]], tuple[float, float]]:
    """(page index, field rect per row code, (x right, y) of the kampung rows' right edge).

    Under the process's PDFium lock: letters are laid out by several worker threads at once."""
    with PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            for index in range(len(doc)):  # bounded by the page count
                page = doc[index]
                text = page.get_textpage()
                try:
                    found = _rows(text)
                finally:
                    text.close()
                    page.close()
                if found is not None:
                    return (index, *found)
        finally:
            doc.close()
    raise FormulirLayoutError("the letter has no formulir page")


def _rows(text: pdfium.PdfTextPage) -> tuple[dict[str, tuple[float, float, float, float]], tuple[float, float]] | None:
    """The field rects and the kampung rows' right edge on the formulir page; None on another page."""
    if _find(text, TITLE) is None:
        return None
    isian, kampung = _find(text, "Isian"), _find(text, "Kabupaten")
    if isian is None or kampung is None:
        raise FormulirLayoutError("the formulir page has no Isian column")
    centre = (isian[0] + isian[2]) / 2
    left, right = centre - ISIAN_W / 2 + 2, centre + ISIAN_W / 2 - 2
    rects = {}
    for row in f.ROWS:
        box = _find(text, row.label)
        if box is None:
            raise FormulirLayoutError(f"the formulir has no row {row.label!r}")
        mid = (box[1] + box[3]) / 2
        rects[row.code] = (left, mid - 7, right, mid + 7)
    return rects, (right + KET_W, kampung[1])


def _appearance(width: float, height: float, text: str = "") -> DecodedStreamObject:
    stream = DecodedStreamObject()
    body = "/Tx BMC EMC"
    if text:
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body = f"/Tx BMC q BT {FONT} 9 Tf 0 g 2 {height / 2 - 3:.2f} Td ({safe}) Tj ET Q EMC"
    stream.set_data(body.encode("latin-1", "replace"))
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width),
                                                     FloatObject(height)])})
    return stream


def _field(writer: PdfWriter, page, name: str, rect: tuple[float, float, float, float], *, tooltip: str,
           max_len: int, value: str = "", read_only: bool = False, hidden: bool = False):
    x0, y0, x1, y1 = rect
    ap = writer._add_object(_appearance(x1 - x0, y1 - y0, value))
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(name),
        NameObject("/TU"): TextStringObject(tooltip), NameObject("/V"): TextStringObject(value),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
        NameObject("/F"): NumberObject(2 if hidden else 4),  # hidden, or printed
        NameObject("/Ff"): NumberObject(1 if read_only else 0),
        NameObject("/MaxLen"): NumberObject(max_len),
        NameObject("/DA"): TextStringObject(f"{FONT} 9 Tf 0 g"),
        NameObject("/MK"): DictionaryObject(),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): ap}),
        NameObject("/P"): page.indirect_reference,
    })
    ref = writer._add_object(widget)
    page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
    return ref


def _qr_ops(link: str, x_right: float, y_top: float, size: float = 48) -> str:
    """The link's QR code as filled squares, its top right corner at (x_right, y_top); the link under it."""
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(link)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    x0, y0 = x_right - size, y_top - size
    squares = [f"{x0 + c * cell:.2f} {y_top - (r + 1) * cell:.2f} {cell:.2f} {cell:.2f} re"
               for r, line in enumerate(matrix) for c, dark in enumerate(line) if dark]
    safe = link.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return (f"q 0 g {' '.join(squares)} f Q "
            f"BT {FONT} 6 Tf 0 g 1 0 0 1 {x_right - len(link) * 3.4:.2f} {y0 - 8:.2f} Tm (Isi daring: {safe}) Tj ET")


def add_fields(pdf: bytes, head: Letterhead) -> bytes:
    """The letter with its formulir's fields, the kampung filled in, the document id in the metadata."""
    index, rects, (x_right, y_kampung) = _layout(pdf)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[index]
    fields = ArrayObject()
    for row in f.ROWS:
        hint = {"int": "bilangan bulat", "decimal": "angka, contoh 12,5", "text": "teks"}[row.kind]
        fields.append(_field(writer, page, row.code, rects[row.code], tooltip=f"{row.label} ({hint})",
                             max_len=MAX_NUMBER if row.kind != "text" else f.MAX_TEXT))
    for name, value in ((f.FIELD_KAMPUNG_KODE, head.kampung_kode), (f.FIELD_KAMPUNG_NAMA, head.kampung_nama)):
        fields.append(_field(writer, page, name, (0, 0, 1, 1), tooltip=name, max_len=f.MAX_TEXT, value=value,
                             read_only=True, hidden=True))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    font_ref = writer._add_object(font)
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
        NameObject("/Fields"): fields,
        NameObject("/DA"): TextStringObject(f"{FONT} 9 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject(FONT): font_ref})}),
    }))
    if head.link:
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject(FONT)] = font_ref  # LibreOffice names its fonts F1, F2...: /Helv is free
        overlay = DecodedStreamObject()
        overlay.set_data(_qr_ops(head.link, x_right, y_kampung + 48).encode("latin-1"))
        contents = page.get("/Contents")
        parts = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(overlay)])
    writer.add_metadata({f.META_KIND: f.KIND, f.META_DOCUMENT: head.document_id, f.META_BATCH: head.batch_id,
                         f.META_KAMPUNG: head.kampung_kode})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["FormulirLayoutError", "Letterhead", "add_fields"]
