"""Write report-service's Laporan Kegiatan template (a docxtpl DOCX) with python-docx.

    .venv/bin/python -m scripts.make_laporan_template [OUT.docx]

The default output is services/report-service/src/report_service/templates/laporan.docx, the
file the service ships; re-run this after changing the layout and commit the result. Every
placeholder is a key of the context built in report_service/adapters/laporan.py; rows use
docxtpl's `{%tr %}` tags and runs whose text is rich (links, red "Terlambat") use `{{r }}`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from scripts.template_kit import ANCHOR_KABID, FONT, ROOT, bottom_rule, cant_split, el, put, repeat_header, shade

OUT = ROOT / "services/report-service/src/report_service/templates/laporan.docx"
BODY_PT, TABLE_PT = 11, 8
LEFT, RIGHT = Cm(2.5), Cm(2.0)
TEXT_WIDTH_CM = 21.0 - 2.5 - 2.0


def main(out: Path = OUT) -> Path:
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _kop(doc)
    _title(doc)
    _dasar(doc)
    _pelaksanaan(doc)
    _reviews(doc)
    _kampung(doc)
    _charts(doc)
    _catatan(doc)
    _penutup(doc)
    _signer(doc)
    _footer(doc)
    props = doc.core_properties
    props.title, props.author, props.comments = "Laporan Kegiatan", "naskah", "docxtpl template; see laporan.py"
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.last_modified_by, props.revision = "naskah", 1
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


# --- page and styles ----------------------------------------------------------


def _page_setup(doc: Document) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Cm(21.0), Cm(29.7)  # A4
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(2.0), Cm(2.0), LEFT, RIGHT
    s.footer_distance = Cm(1.0)


def _styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_before, pf.space_after = Pt(0), Pt(3)
    pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.MULTIPLE, 1.1


def _para(doc_or_cell, text: str = "", *, bold: bool = False, size: float | None = None,
          align: WD_ALIGN_PARAGRAPH | None = None, after: float | None = None, before: float | None = None,
          indent: float | None = None, hanging: float | None = None, italic: bool = False,
          underline: bool = False) -> Paragraph:
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    if after is not None:
        pf.space_after = Pt(after)
    if before is not None:
        pf.space_before = Pt(before)
    if indent is not None:
        pf.left_indent = Cm(indent)
    if hanging is not None:
        pf.first_line_indent = Cm(-hanging)
    return p


def _heading(doc: Document, letter: str, text: str) -> None:
    p = _para(doc, before=10, after=4, hanging=0.7, indent=0.7)
    p.paragraph_format.keep_with_next = True
    run = p.add_run(f"{letter}.\t{text}")
    run.bold = True
    p.paragraph_format.tab_stops.add_tab_stop(Cm(0.7))


def _body(doc: Document, text: str, *, indent: float = 0.7) -> Paragraph:
    return _para(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=indent, after=4)


def _tag(doc: Document, tag: str) -> None:
    """A paragraph that holds only a docxtpl `{%p %}` tag (docxtpl removes it on render)."""
    _para(doc, tag, after=0)


# --- tables -------------------------------------------------------------------


def _set_cell(cell: _Cell, text: str, *, bold: bool = False, size: float = TABLE_PT,
              align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    p.alignment = align
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _widths(table: Table, widths_cm: list[float]) -> None:
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)
    put(table._tbl.tblPr, el("tblLayout", type="fixed"))


def _cell_margins(table: Table, cm: float = 0.1) -> None:
    mar = el("tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        mar.append(el(side, w=str(int(Cm(cm if side in ("left", "right") else 0.04).twips)), type="dxa"))
    put(table._tbl.tblPr, mar)


def _loop_table(doc: Document, headers: list[str], cells: list[str], widths: list[float], *, loop: str,
                aligns: str, total: list[str] | None = None) -> Table:
    """A bordered table: a repeated grey header, one docxtpl row per item, an optional total row."""
    rows = 4 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    align = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _set_cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        shade(cell, "D9D9D9")
    repeat_header(table.rows[0])
    cant_split(table.rows[0])
    _set_cell(table.rows[1].cells[0], f"{{%tr for {loop} %}}")
    for cell, text, a in zip(table.rows[2].cells, cells, aligns, strict=True):
        _set_cell(cell, text, align=align[a])
    cant_split(table.rows[2])
    _set_cell(table.rows[3].cells[0], "{%tr endfor %}")
    if total:
        for cell, text, a in zip(table.rows[4].cells, total, aligns, strict=True):
            _set_cell(cell, text, bold=True, align=align[a])
            shade(cell, "F2F2F2")
    _widths(table, widths)
    _cell_margins(table)
    return table


# --- sections -----------------------------------------------------------------


def _kop(doc: Document) -> None:
    """Kop surat: logo, PEMERINTAH …, DINAS …, address; a double rule under it."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    logo, text = table.rows[0].cells
    _set_cell(logo, "{{ logo }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    logo.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _set_cell(text, "{{ office.pemerintah }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(text, "{{ office.nama_dinas }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=1)
    _para(text, "{{ office.alamat }}", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(text, "{%p if office.kontak %}", after=0)
    _para(text, "{{ office.kontak }}", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(text, "{%p endif %}", after=0)
    for p in text.paragraphs:
        p.paragraph_format.line_spacing = 1.0
    _widths(table, [2.6, TEXT_WIDTH_CM - 2.6])  # the text centred right of the logo, as kop surat are
    rule = _para(doc, after=12)
    rule.paragraph_format.line_spacing = 0.5
    bottom_rule(rule)


def _title(doc: Document) -> None:
    c = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "LAPORAN KEGIATAN", bold=True, size=14, align=c, after=2)
    _para(doc, "{{ kegiatan_upper }}", bold=True, size=12, align=c, after=2)
    _para(doc, "{%p if tahun %}", after=0)
    _para(doc, "TAHUN {{ tahun }}", bold=True, size=12, align=c, after=0)
    _para(doc, "{%p endif %}", after=0)
    _para(doc, after=8)


def _dasar(doc: Document) -> None:
    _heading(doc, "A", "DASAR")
    _para(doc, "1.\tStandar Operasional Prosedur Kegiatan Pengembangan dan Pengelolaan Data Profil "
               "Kampung/Desa dan Kelurahan pada {{ office.nama_dinas_title }}.",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=1.4, hanging=0.7, after=2)
    p = _para(doc, "2.\tKeputusan Kepala {{ office.nama_dinas_title }} Nomor {{ sk.nomor }} tanggal "
                   "{{ sk.tanggal }} tentang Pembentukan Tim {{ kegiatan }}. Keaslian dan keabsahan "
                   "tanda tangan elektronik Keputusan tersebut dapat diperiksa pada tautan ",
              align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=1.4, hanging=0.7, after=2)
    p.add_run("{{r sk.verify_link }}")
    p.add_run(".")


def _pelaksanaan(doc: Document) -> None:
    _heading(doc, "B", "PELAKSANAAN KEGIATAN")
    _body(doc, "Kegiatan dilaksanakan menurut {{ step_count }} langkah SOP. Waktu aktual setiap langkah "
               "dibandingkan dengan mutu baku waktu; waktu ditulis dalam {{ zona }}. Dari {{ step_count }} "
               "langkah, {{ done_count }} telah dilaksanakan dan {{ late_count }} melewati mutu baku.")
    _loop_table(
        doc,
        ["No", "Langkah", "Pelaksana", "Mulai", "Selesai", "Waktu Aktual", "Mutu Baku", "Keterangan"],
        ["{{ s.no }}", "{{ s.langkah }}", "{{ s.pelaksana }}", "{{ s.mulai }}", "{{ s.selesai }}",
         "{{r s.aktual }}", "{{ s.mutu_baku }}", "{{r s.keterangan }}"],
        [0.8, 4.4, 1.9, 1.8, 1.8, 1.6, 1.3, 2.9], loop="s in steps", aligns="clllllcl")


def _reviews(doc: Document) -> None:
    _heading(doc, "C", "PEMERIKSAAN DAN PENETAPAN SK TIM")
    _body(doc, "{{ review_summary }}")
    _tag(doc, "{%p if reviews %}")
    _loop_table(doc, ["No", "Waktu", "Pemeriksa", "Keputusan", "Revisi", "Catatan"],
                ["{{ r.no }}", "{{ r.waktu }}", "{{ r.pemeriksa }}", "{{r r.keputusan }}", "{{ r.revisi }}",
                 "{{ r.catatan }}"],
                [0.8, 2.6, 3.0, 2.0, 1.2, 6.9], loop="r in reviews", aligns="cllccl")
    _tag(doc, "{%p endif %}")


def _kampung(doc: Document) -> None:
    _heading(doc, "D", "HASIL PENDATAAN PROFIL KAMPUNG/KELURAHAN")
    _body(doc, "{{ kampung_summary }}")
    _tag(doc, "{%p if kampung %}")
    _loop_table(
        doc, ["No", "Kampung/Kelurahan", "Ditugaskan", "Diserahkan", "Dikembalikan", "Terverifikasi",
              "Publikasi", "Keterangan"],
        ["{{ k.no }}", "{{ k.nama }}", "{{ k.ditugaskan }}", "{{ k.diserahkan }}", "{{ k.dikembalikan }}",
         "{{ k.terverifikasi }}", "{{ k.dipublikasikan }}", "{{ k.keterangan }}"],
        [0.7, 3.1, 1.8, 1.8, 2.1, 2.0, 1.6, 3.4], loop="k in kampung", aligns="clcccccl",
        total=["", "Jumlah", "{{ totals.assigned }}", "{{ totals.returned }}", "{{ totals.sent_back }}",
               "{{ totals.verified }}", "{{ totals.published }}", ""])
    _para(doc, "Angka pada baris Jumlah menghitung kampung; angka pada baris kampung menghitung berapa kali "
               "data diserahkan atau dikembalikan.", italic=True, size=8, indent=0.7, before=2)
    _tag(doc, "{%p endif %}")


def _charts(doc: Document) -> None:
    _heading(doc, "E", "GRAFIK")
    _tag(doc, "{%p for c in charts %}")
    _para(doc, "{{ c.image }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=0).paragraph_format.keep_with_next = True
    _para(doc, "Gambar {{ c.no }}. {{ c.caption }}", italic=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER,
          after=8)
    _tag(doc, "{%p endfor %}")


def _catatan(doc: Document) -> None:
    _heading(doc, "F", "CATATAN")
    _tag(doc, "{%p if missing %}")
    _body(doc, "Sampai dengan laporan ini disusun ({{ generated }}), langkah berikut belum dilaksanakan:")
    _tag(doc, "{%p for m in missing %}")
    _para(doc, "{{ m.no }}.\t{{ m.langkah }} ({{ m.pelaksana }}){{ m.status }}",
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=1.4, hanging=0.7, after=1)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p else %}")
    _body(doc, "Seluruh {{ step_count }} langkah SOP telah dilaksanakan.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if late %}")
    _body(doc, "Langkah yang melewati mutu baku waktu: {{ late }}.")
    _tag(doc, "{%p endif %}")


def _penutup(doc: Document) -> None:
    _heading(doc, "G", "PENUTUP")
    _body(doc, "Demikian laporan kegiatan ini disusun untuk disampaikan kepada Kepala "
               "{{ office.nama_dinas_title }} sebagai bahan pertimbangan dan tindak lanjut.")


def _signer(doc: Document) -> None:
    """Right-hand signer block; the Kabid's anchor marks where the signature stamp goes (white, 2 pt)."""
    _para(doc, after=6)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _left, right = table.rows[0].cells
    cant_split(table.rows[0])
    _set_cell(right, "{{ tempat }}, {{ generated }}", size=BODY_PT)
    _para(right, "{{ signer.jabatan }},", after=0)
    anchor = _para(right, after=0)
    run = anchor.add_run(ANCHOR_KABID)
    run.font.size = Pt(2)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    spacer = _para(right, after=0)
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Cm(2.5)  # room for the stamp (QR + text block)
    _para(right, "{{ signer.nama }}", bold=True, underline=True, after=0)
    _para(right, "{%p if signer.pangkat %}", after=0)
    _para(right, "{{ signer.pangkat }}", after=0)
    _para(right, "{%p endif %}", after=0)
    _para(right, "{%p if signer.nip %}", after=0)
    _para(right, "NIP. {{ signer.nip }}", after=0)
    _para(right, "{%p endif %}", after=0)
    for p in right.paragraphs:
        p.paragraph_format.keep_with_next = True
    _widths(table, [TEXT_WIDTH_CM - 8.0, 8.0])


def _footer(doc: Document) -> None:
    footer = doc.sections[0].footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in ("Laporan Kegiatan {{ kegiatan }} — Halaman ", "PAGE", " dari ", "NUMPAGES"):
        if part in ("PAGE", "NUMPAGES"):
            _field(p, part)
        else:
            run = p.add_run(part)
            run.font.size = Pt(8)


def _field(p: Paragraph, code: str) -> None:
    def fld(kind: str) -> OxmlElement:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        return char

    for piece in (fld("begin"), code, fld("separate"), "1", fld("end")):
        run = p.add_run()
        run.font.size = Pt(8)
        if isinstance(piece, str):
            if piece == code:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = f" {code} "
                run._r.append(instr)
            else:
                run.text = piece
        else:
            run._r.append(piece)


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
