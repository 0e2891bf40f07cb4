"""Generate sk-service's built-in SK Tim template (Tata Naskah Dinas, DESIGN §6) and the example logo.

    .venv/bin/python scripts/make_sk_template.py

Writes services/sk-service/src/sk_service/templates/sk_tim.docx and the example office's logo; both are
committed. The template holds docxtpl placeholders (see sk_context in adapters/docx_renderer.py)
and two signature anchors, `#ttd-kabid#` and `#ttd-kadis#`, in white 2 pt text at the top
of an empty area 25 mm high where the signature-service draws the visible stamps.

The font is Arial, the Tata Naskah Dinas face; LibreOffice here substitutes the
metric-compatible Liberation Sans and embeds it, Word on an office PC uses Arial itself.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "services/sk-service/src/sk_service/templates"
LOGO = OUT.parents[4] / "shared/src/naskah_shared/office/logo_kabupaten.png"  # the example office's logo
FONT = "Arial"
TEXT_WIDTH = 160  # mm: A4 210 − left 30 − right 20
LABEL, COLON = 33, 5  # mm: the "Menimbang :" columns
STAMP_SPACE = Mm(25)
ANCHOR_KADIS, ANCHOR_KABID = "#ttd-kadis#", "#ttd-kabid#"

J, C, L, R = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT


# -- the logo --------------------------------------------------------------------------------------------
def make_logo(path: Path) -> None:
    """A plain heraldic shield (gold rim, green field, lake, mountain, star): an example, not a real arms."""
    w, h = 400, 480
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    shield = [(20, 20), (380, 20), (380, 250), (340, 360), (200, 460), (60, 360), (20, 250)]
    d.polygon(shield, fill=(201, 162, 39))
    inner = [(45, 45), (355, 45), (355, 245), (320, 345), (200, 430), (80, 345), (45, 245)]
    d.polygon(inner, fill=(22, 110, 62))
    d.polygon([(70, 300), (160, 150), (220, 240), (260, 190), (335, 300)], fill=(60, 130, 80),
              outline=(240, 240, 240), width=4)
    for i, y in enumerate(range(300, 400, 22)):
        d.rectangle([(70 + i * 14, y), (330 - i * 14, y + 12)], fill=(30, 90, 170))
    cx, cy, r1, r2 = 200, 100, 42, 17
    import math

    star = [(cx + (r1 if k % 2 == 0 else r2) * math.sin(k * math.pi / 5),
             cy - (r1 if k % 2 == 0 else r2) * math.cos(k * math.pi / 5)) for k in range(10)]
    d.polygon(star, fill=(250, 215, 60))
    img.save(path, optimize=True)


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


def anchor(cell, text: str) -> None:
    """The stamp anchor (white, 2 pt, found by the signature-service) and the empty area below it."""
    p = cell.add_paragraph()
    exact_height(p, Pt(2))
    set_font(p.add_run(text), 2, color=RGBColor(0xFF, 0xFF, 0xFF))
    space = cell.add_paragraph()
    exact_height(space, STAMP_SPACE)


# -- the document ----------------------------------------------------------------------------------------
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


def heading(doc) -> None:
    para(doc, "KEPUTUSAN {{ pejabat }}", align=C, bold=True, before=10)
    para(doc, "NOMOR {{ nomor }}", align=C, after=12)
    para(doc, "TENTANG", align=C, after=12)
    para(doc, "{{ tentang }}", align=C, bold=True, after=12)
    para(doc, "{{ pejabat }},", align=C, bold=True, after=12)


def considerations(doc) -> None:
    body = TEXT_WIDTH - LABEL - COLON - 8
    loop_table(doc, [LABEL, COLON, 8, body], "for m in menimbang",
               ["{% if loop.first %}Menimbang{% endif %}", "{% if loop.first %}:{% endif %}",
                "{{ m.huruf }}", "{{ m.teks }}"])
    para(doc, size=6)
    loop_table(doc, [LABEL, COLON, 8, body], "for m in mengingat",
               ["{% if loop.first %}Mengingat{% endif %}", "{% if loop.first %}:{% endif %}",
                "{{ m.nomor }}", "{{ m.teks }}"])
    para(doc, "MEMUTUSKAN:", align=C, bold=True, before=12, after=12, keep_next=True)
    t = fixed_table(doc, 1, [LABEL, COLON, TEXT_WIDTH - LABEL - COLON])
    first_para(t.cell(0, 0), "Menetapkan")
    first_para(t.cell(0, 1), ":")
    first_para(t.cell(0, 2), "KEPUTUSAN {{ pejabat }} TENTANG {{ tentang }}.", align=L, after=6)
    loop_table(doc, [LABEL, COLON, TEXT_WIDTH - LABEL - COLON], "for d in diktum",
               ["{{ d.ordinal }}", ":", "{{ d.teks }}"], after=6)


def signer_block(doc) -> None:
    para(doc, size=6)
    # The signature-service draws an 8 cm × 2.4 cm stamp from each anchor's top-left: the Kabid's column
    # is 82 mm so its stamp (from the left margin) ends 2 mm before the Kadis's column and stamp begin.
    t = fixed_table(doc, 1, [82, TEXT_WIDTH - 82])
    cant_split(t.rows[0])
    kabid, kadis = t.cell(0, 0), t.cell(0, 1)
    kabid.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    first_para(kabid, "Paraf/Persetujuan:", size=9)
    para(kabid, "{{ kabid.jabatan }}", size=9)
    anchor(kabid, ANCHOR_KABID)
    para(kabid, "{{ kabid.nama }}", size=9, bold=True)
    para(kabid, "{{ kabid.pangkat }}", size=9)
    para(kabid, "NIP. {{ kabid.nip }}", size=9)

    p = first_para(kadis)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(28))
    set_font(p.add_run("Ditetapkan di\t: {{ ditetapkan_di }}"))
    p = para(kadis)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(28))
    set_font(p.add_run("pada tanggal\t: {{ tanggal }}"), underline=False)
    rule = para(kadis, after=6)
    bottom_rule_thin(rule)
    kadis_signer(kadis)


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


def lampiran(doc) -> None:
    page_break(doc)
    t = fixed_table(doc, 4, [24, 4, 72], indent_mm=TEXT_WIDTH - 100)
    rows = [("LAMPIRAN", "KEPUTUSAN {{ pejabat }}"), ("NOMOR", "{{ nomor }}"),
            ("TANGGAL", "{{ tanggal }}"), ("TENTANG", "{{ tentang }}")]
    for r, (label, value) in enumerate(rows):
        first_para(t.cell(r, 0), label, size=10)
        first_para(t.cell(r, 1), ":", size=10)
        first_para(t.cell(r, 2), value, size=10, after=2)
    para(doc, "SUSUNAN KEANGGOTAAN TIM KEGIATAN {{ kegiatan|upper }}", align=C, bold=True, before=18)
    para(doc, "TAHUN ANGGARAN {{ tahun }}", align=C, bold=True, after=10)

    widths = [9, 36, 37, 24, 30, 24]
    t = fixed_table(doc, 5, widths, style="Table Grid")
    header = ["No", "Nama", "NIP", "Pangkat/ Golongan", "Jabatan", "Kedudukan dalam Tim"]
    for i, text in enumerate(header):
        cell = t.cell(0, i)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        shade(cell, "D9D9D9")
        first_para(cell, text, align=C, size=9.5, bold=True, before=2, after=2)
    repeat_header(t.rows[0])
    cant_split(t.rows[0])
    first_para(t.cell(1, 0), "{%tr for a in anggota[:-1] %}")
    member_cells(t.rows[2].cells, "a")
    cant_split(t.rows[2])
    first_para(t.cell(3, 0), "{%tr endfor %}")
    signer_tail(doc, t.rows[4], widths)


def member_cells(cells, name: str) -> None:
    fields = ["no", "nama", "nip", "pangkat_golongan", "jabatan", "kedudukan_dalam_tim"]
    for i, (cell, field) in enumerate(zip(cells, fields, strict=True)):
        first_para(cell, f"{{{{ {name}.{field} }}}}", align=C if i in (0, 2) else L, size=9, before=1, after=1)


def signer_tail(doc, row, widths: list[float]) -> None:
    """The table's last row carries the last member and the signer block, and cannot split: the signer
    never stands alone on the Lampiran's last page (Word and LibreOffice both honour w:cantSplit, where
    "keep with next" on table rows is Word's alone). One borderless cell across the table holds a nested
    table: the last member's row (ruled like the others) over the signer block."""
    cant_split(row)
    cell = row.cells[0].merge(row.cells[-1])
    no_borders(cell, "top", "left", "bottom", "right")
    mar = el("tcMar")
    for side in ("top", "left", "bottom", "right"):
        mar.append(el(side, w="0", type="dxa"))
    put(cell._tc.get_or_add_tcPr(), mar)
    inner = cell.add_table(rows=2, cols=len(widths))
    inner.style = doc.styles["Table Grid"]
    inner.autofit = False
    for i, w in enumerate(widths):
        inner.columns[i].width = Mm(w)
        for c in inner.columns[i].cells:
            c.width = Mm(w)
    first_para(cell)  # a cell must end with a paragraph; keep the one before the table empty and tiny
    exact_height(cell.paragraphs[0], Pt(1))
    last = cell.paragraphs[-1]
    exact_height(last, Pt(1))
    member_cells(inner.rows[0].cells, "anggota[-1]")
    for c in inner.rows[0].cells:
        c.paragraphs[0].paragraph_format.keep_with_next = True
    cant_split(inner.rows[0])
    signer = inner.rows[1].cells[0].merge(inner.rows[1].cells[-1])
    no_borders(signer, "left", "bottom", "right")
    cant_split(inner.rows[1])
    for i, (text, kw) in enumerate((("{{ penandatangan.jabatan|upper }},", {"bold": True, "before": 18,
                                                                             "after": 30}),
                                    ("{{ penandatangan.nama }}", {"bold": True, "underline": True}),
                                    ("NIP. {{ penandatangan.nip }}", {}))):
        p = first_para(signer, text, **kw) if i == 0 else para(signer, text, **kw)
        p.paragraph_format.left_indent = Mm(TEXT_WIDTH - 90)
        p.paragraph_format.keep_with_next = i < 2 or None


def no_borders(cell, *sides: str) -> None:
    borders = el("tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side in sides:
            borders.append(el(side, val="nil"))
    put(cell._tc.get_or_add_tcPr(), borders)


def page_furniture(doc) -> None:
    """The office's Tata Naskah Dinas page rules (`tata_naskah` of the office, see docx_renderer):
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


def build(path: Path) -> None:
    doc = new_document("Keputusan Nomor {{ nomor }}")
    page_furniture(doc)
    kop(doc)
    heading(doc)
    considerations(doc)
    signer_block(doc)
    tembusan(doc)
    lampiran(doc)
    save(doc, path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_logo(LOGO)
    build(OUT / "sk_tim.docx")
    print(f"wrote {OUT / 'sk_tim.docx'} and {LOGO}")


if __name__ == "__main__":
    main()
