"""Generate sk-service's built-in SK Tim template (Tata Naskah Dinas, DESIGN §6) and the example logo.

    .venv/bin/python -m scripts.make_sk_template

Writes services/sk-service/src/sk_service/templates/sk_tim.docx and the example office's logo; both are
committed. The template holds docxtpl placeholders (see sk_context in adapters/docx_context.py)
and two signature anchors, `#ttd-kabid#` and `#ttd-kadis#`, in white 2 pt text at the top
of an empty area 25 mm high where the signature-service draws the visible stamps.

The font is Arial, the Tata Naskah Dinas face; LibreOffice here substitutes the
metric-compatible Liberation Sans and embeds it, Word on an office PC uses Arial itself.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Mm, Pt
from PIL import Image, ImageDraw

from scripts.template_kit import (
    ANCHOR_KABID,
    ROOT,
    TEXT_WIDTH,
    C,
    L,
    anchor,
    bottom_rule_thin,
    cant_split,
    compose,
    el,
    exact_height,
    first_para,
    fixed_table,
    kadis_signer,
    kop,
    loop_table,
    no_borders,
    page_break,
    page_furniture,
    para,
    put,
    repeat_header,
    set_font,
    shade,
    tembusan,
)

OUT = ROOT / "services/sk-service/src/sk_service/templates"
LOGO = ROOT / "shared/src/naskah_shared/office/logo_kabupaten.png"  # the example office's logo
LABEL, COLON = 33, 5  # mm: the "Menimbang :" columns


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


# -- the document ----------------------------------------------------------------------------------------
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


def build(path: Path) -> None:
    compose(path, "Keputusan Nomor {{ nomor }}", page_furniture, kop, heading, considerations, signer_block,
            tembusan, lampiran)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_logo(LOGO)
    build(OUT / "sk_tim.docx")
    print(f"wrote {OUT / 'sk_tim.docx'} and {LOGO}")


if __name__ == "__main__":
    main()
