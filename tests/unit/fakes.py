"""In-memory fakes of naskah's ports for the fast tier; each passes its port's contract suite in tests/contract.

`PlainTextConverter` is the `Converter` port without LibreOffice: the DOCX's paragraphs (body, tables,
text boxes; headers and footers are not read), wrapped and set in Helvetica on A4 pages, in a real PDF
that pypdf, PDFium and pyHanko open. It honours page breaks, is deterministic (the same DOCX gives the same
bytes) and takes milliseconds. `tests/contract/test_converter_contract.py` holds it to the same promises
as `UnoserverPool`.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from naskah_shared.convert.docx_safety import check_self_contained
from naskah_shared.convert.ports import ConversionError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PAGE = (595, 842)  # A4 in points
_MARGIN, _SIZE, _LEADING = 72, 11, 14
_LINES_PER_PAGE = (_PAGE[1] - 2 * _MARGIN) // _LEADING
_COLUMNS = 80  # Helvetica 11 pt averages about 5.6 pt a character: 80 fill the 451 pt between the margins
_PAGE_BREAK = "\f"
_XMP_PDFA = (  # the PDF/A-2b identification an archiving reader looks for (ISO 19005-2 §6.6.4)
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part>'
    b"<pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>')


class PlainTextConverter:
    """`Converter`: a DOCX's text on PDF pages, in memory."""

    def to_pdf(self, docx: bytes, *, pdfa: bool = False) -> bytes:
        if not docx:
            raise ConversionError("empty_input", "no document to convert")
        check_self_contained(docx)  # the port refuses what reaches outside the document, as UnoserverPool does
        return _pdf(_pages(_paragraphs(docx)), pdfa)

    def ping(self) -> bool:
        return True


def _paragraphs(docx: bytes) -> Iterator[str]:
    """Each paragraph's text in document order; a page break is yielded as its own `_PAGE_BREAK`."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as zf:
            body = ElementTree.fromstring(zf.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, EOFError) as exc:
        raise ConversionError("conversion_failed", f"not a Word document: {exc}") from None
    for p in body.iter(f"{_W}p"):
        if p.find(f"{_W}pPr/{_W}pageBreakBefore") is not None:
            yield _PAGE_BREAK
        text: list[str] = []
        for node in p.iter():
            if node.tag == f"{_W}t":
                text.append(node.text or "")
            elif node.tag == f"{_W}tab":
                text.append(" ")
            elif node.tag == f"{_W}br" and node.get(f"{_W}type") == "page":
                yield "".join(text)
                yield _PAGE_BREAK
                text = []
        yield "".join(text)


def _pages(paragraphs: Iterator[str]) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for paragraph in paragraphs:
        if paragraph == _PAGE_BREAK:
            pages.append([])
            continue
        for line in textwrap.wrap(paragraph, _COLUMNS) or [""]:
            if len(pages[-1]) == _LINES_PER_PAGE:
                pages.append([])
            pages[-1].append(line)
    return pages


def _literal(line: str) -> bytes:
    text = line.encode("cp1252", "replace")  # WinAnsiEncoding: what Helvetica can show without an embedded font
    return b"(" + text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[str]) -> bytes:
    ops = [b"BT /F1 %d Tf %d TL %d %d Td" % (_SIZE, _LEADING, _MARGIN, _PAGE[1] - _MARGIN)]
    ops += [_literal(line) + b" '" for line in lines]
    return b"\n".join([*ops, b"ET"])


def _pdf(pages: list[list[str]], pdfa: bool) -> bytes:
    """A PDF 1.7 file: catalog 1, page tree 2, font 3, (XMP 4), then a page and its content per page."""
    first = 5 if pdfa else 4
    kids = b" ".join(b"%d 0 R" % (first + 2 * i) for i in range(len(pages)))
    metadata = b" /Metadata 4 0 R" if pdfa else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R%s >>" % metadata,
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    if pdfa:
        objects.append(_stream(b"/Type /Metadata /Subtype /XML", _XMP_PDFA))
    for i, lines in enumerate(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >>"
                       b" /Contents %d 0 R >>" % (*_PAGE, first + 2 * i + 1))
        objects.append(_stream(b"", _content(lines)))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)
