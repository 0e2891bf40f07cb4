"""The helpers every naskah template script builds with (python-docx): the office's page, font, kop,
signer column, stamp anchors and page furniture, and the WordprocessingML details behind them.

Used by make_sk_template.py, make_surat_edaran_template.py, make_disposisi_template.py and
make_laporan_template.py, so the office's documents share one look and one set of fixes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from naskah_shared.naming import signature_anchor

ROOT = Path(__file__).resolve().parent.parent
FONT = "Arial"
TEXT_WIDTH = 160  # mm: A4 210 − left 30 − right 20
STAMP_SPACE = Mm(25)
ANCHOR_KADIS, ANCHOR_KABID = signature_anchor("kadis"), signature_anchor("kabid")

J, C, L, R = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT


# -- low-level helpers -----------------------------------------------------------------------------------
# Child order of the property elements in the WordprocessingML schema (ECMA-376 §17): Word refuses a
# document whose properties are out of order, LibreOffice does not, so insert in order.
ORDER = {
    "w:tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                "tblLook", "tblCaption", "tblDescription"],
    "w:trPr": ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
               "tblHeader", "tblCellSpacing", "jc", "hidden"],
    "w:tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark"],
    "w:pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"],
}


def put(parent, child) -> None:
    """Insert `child` into a properties element at its schema position, replacing a same-named one."""
    order = ORDER[parent.tag.replace(qn("w:x")[:-1], "w:")]
    name = child.tag.rsplit("}", 1)[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = order[order.index(name) + 1:]
    for existing in parent:
        if existing.tag.rsplit("}", 1)[1] in later:
            existing.addprevious(child)
            return
    parent.append(child)


def el(tag: str, **attrs: str):
    e = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e

def set_font(run, size: float | None = None, bold: bool = False, underline: bool = False,
             color: RGBColor | None = None) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:cs"), FONT)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.underline = underline or None
    if color is not None:
        run.font.color.rgb = color


def para(container, text: str = "", *, align=L, size: float | None = None, bold: bool = False,
         underline: bool = False, before: float = 0, after: float = 0, keep_next: bool = False):
    p = container.add_paragraph()
    p.alignment = align
    pf = p.paragraph_format
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next = keep_next or None
    if text:
        set_font(p.add_run(text), size, bold, underline)
    return p


def first_para(cell, text: str = "", **kw):
    """A cell's first paragraph exists already; use it instead of adding a second one."""
    p = cell.paragraphs[0]
    p.alignment = kw.pop("align", L)
    p.paragraph_format.space_after = Pt(kw.pop("after", 0))
    p.paragraph_format.space_before = Pt(kw.pop("before", 0))
    if text:
        set_font(p.add_run(text), kw.pop("size", None), kw.pop("bold", False), kw.pop("underline", False))
    return p


def fixed_table(doc, rows: int, widths: list[float], *, style: str | None = None, indent_mm: float = 0):
    t = doc.add_table(rows=rows, cols=len(widths))
    if style:
        t.style = doc.styles[style]
    t.autofit = False
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = t._tbl.tblPr
    # Zero the left cell margin so labels line up with the body text's left edge.
    mar = el("tblCellMar")
    mar.append(el("left", w="0" if not style else "70", type="dxa"))
    mar.append(el("right", w="60" if not style else "70", type="dxa"))
    put(tbl_pr, mar)
    if indent_mm:
        put(tbl_pr, el("tblInd", w=str(int(indent_mm * 56.7)), type="dxa"))
    for i, w in enumerate(widths):
        t.columns[i].width = Mm(w)
        for cell in t.columns[i].cells:
            cell.width = Mm(w)
    return t


def loop_table(doc, widths: list[float], loop: str, cells: list[str], *, size: float = 12,
               after: float = 3, bold_first: bool = False):
    """A borderless label table whose middle row repeats: {%tr for … %} / row / {%tr endfor %}."""
    t = fixed_table(doc, 3, widths)
    first_para(t.cell(0, 0), "{%tr " + loop + " %}")
    for i, text in enumerate(cells):
        p = first_para(t.cell(1, i), align=J if i == len(cells) - 1 else L, after=after)
        set_font(p.add_run(text), size, bold=bold_first and i == 0)
    first_para(t.cell(2, 0), "{%tr endfor %}")
    return t


def cant_split(row) -> None:
    put(row._tr.get_or_add_trPr(), el("cantSplit"))


def repeat_header(row) -> None:
    """w:tblHeader: the row repeats at the top of each page the table runs onto."""
    put(row._tr.get_or_add_trPr(), el("tblHeader", val="true"))


def shade(cell, fill: str) -> None:
    put(cell._tc.get_or_add_tcPr(), el("shd", val="clear", color="auto", fill=fill))


def bottom_rule(p) -> None:
    """The kop's closing rule: a thick line over a thin one across the text width."""
    bdr = el("pBdr")
    bdr.append(el("bottom", val="thickThinSmallGap", sz="24", space="1", color="000000"))
    put(p._p.get_or_add_pPr(), bdr)


def exact_height(p, height) -> None:
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = height


def anchor(cell, text: str, space=STAMP_SPACE) -> None:
    """The stamp anchor (white, 2 pt, found by the signature-service) and the empty area below it."""
    p = cell.add_paragraph()
    exact_height(p, Pt(2))
    set_font(p.add_run(text), 2, color=RGBColor(0xFF, 0xFF, 0xFF))
    exact_height(cell.add_paragraph(), space)


# -- the office's parts ------------------------------------------------------------------------------
def kop(doc) -> None:
    t = fixed_table(doc, 1, [28, TEXT_WIDTH - 28])
    logo = t.cell(0, 0)
    logo.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first_para(logo, "{% if logo %}{{ logo }}{% endif %}", align=C)
    text = t.cell(0, 1)
    text.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first_para(text, "{{ kop.pemerintah }}", align=C, size=14, bold=True)
    para(text, "{{ kop.dinas }}", align=C, size=12.5, bold=True)
    para(text, "{{ kop.alamat }}", align=C, size=9.5)
    para(text, "{{ kop.kontak }}", align=C, size=9)
    bottom_rule(para(doc, size=4))
    exact_height(doc.paragraphs[-1], Pt(4))


def kadis_signer(cell) -> None:
    """The Kadis's jabatan, signature anchor and stamp area, nama, pangkat and NIP, in the right column
    (82 mm from the left margin) of a signer table; the surat edaran template signs the same way."""
    para(cell, "{{ penandatangan.jabatan|upper }},", bold=True)
    anchor(cell, ANCHOR_KADIS)
    para(cell, "{{ penandatangan.nama }}", bold=True, underline=True)
    para(cell, "{{ penandatangan.pangkat }}")
    para(cell, "NIP. {{ penandatangan.nip }}")


def bottom_rule_thin(p) -> None:
    bdr = el("pBdr")
    bdr.append(el("bottom", val="single", sz="6", space="1", color="000000"))
    put(p._p.get_or_add_pPr(), bdr)
    exact_height(p, Pt(3))


def tembusan(doc, *, before: float = 12) -> None:
    """The "Tembusan:" list, if any (in the document, or in a cell)."""
    para(doc, "{%p if tembusan %}")
    para(doc, "Tembusan:", size=10, before=before)
    para(doc, "{%p for t in tembusan %}")
    p = para(doc, "{{ t.nomor }}\t{{ t.teks }}", size=10)
    p.paragraph_format.left_indent = Mm(6)
    p.paragraph_format.first_line_indent = Mm(-6)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(6))
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def page_break(doc) -> None:
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    exact_height(p, Pt(1))


def no_borders(cell, *sides: str) -> None:
    borders = el("tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            borders.append(el(side, val="nil"))
    put(cell._tc.get_or_add_tcPr(), borders)


def page_furniture(doc) -> None:
    """The office's Tata Naskah Dinas page rules (`tata_naskah` of the office, see docx_context):
    the page number "- 2 -" centred at the top from the second page on (`nomor_halaman`), and the
    electronic-signature footer naming the certificate's issuer on every page (`catatan_tte`)."""
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True  # page 1 carries the kop, not a number
    header = sec.header
    first_para(header, "{%p if nomor_halaman %}")
    p = para(header, align=C, size=10)
    set_font(p.add_run("- "), 10)
    field = el("fldSimple", instr=" PAGE ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    p._p.append(field)
    set_font(p.add_run(" -"), 10)
    para(header, "{%p endif %}")
    for footer in (sec.footer, sec.first_page_footer):
        first_para(footer, "{%p if catatan_tte %}")
        note = para(footer, align=C)
        set_font(note.add_run("{{ catatan_tte }}"), 8)
        note.runs[0].font.italic = True
        para(footer, "{%p endif %}")


def new_document(title: str):
    """An A4 document with the Tata Naskah Dinas margins and Arial 12 pt; `title` (a template too) is
    the document's, and so the PDF's, title."""
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin = Mm(30), Mm(20)
    sec.top_margin, sec.bottom_margin = Mm(15), Mm(20)
    sec.header_distance, sec.footer_distance = Mm(8), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for k in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(k), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    doc.core_properties.title = title  # rendered too: the PDF title
    doc.core_properties.author = "naskah"
    doc.core_properties.language = "id-ID"
    return doc


def save(doc, path: Path) -> None:
    # python-docx starts with one empty paragraph; the kop table must open the page.
    body = doc.element.body
    first = body[0]
    if first.tag == qn("w:p") and not first.xpath(".//w:t"):
        body.remove(first)
    doc.save(path)


def compose(path: Path, title: str, *parts: Callable[[Any], None]) -> None:
    """A document titled `title` (see `new_document`), each of `parts` adding its piece in order, saved."""
    doc = new_document(title)
    for part in parts:
        part(doc)
    save(doc, path)


def write(build: Callable[[Path], None], path: Path) -> None:
    """A script's main: build the template at `path` (its folder made if need be) and say so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    build(path)
    print(f"wrote {path}")
