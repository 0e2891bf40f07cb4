"""Generate sk-service's Surat Edaran template: Pendataan Profil Kampung, to one kampung, with its formulir.

    .venv/bin/python -m scripts.make_surat_edaran_template

Writes services/sk-service/src/sk_service/templates/surat_edaran.docx, which is committed. It is built
from the helpers of scripts/template_kit.py, as the SK template is, so it has the SK template's page, font, kop and the
Kadis's signature anchor `#ttd-kadis#` in the same place of the same signer column. The rendered
document is the Surat Edaran from the Kepala Dinas to one Kepala Kampung and, on a new page, the
Formulir Instrumen Pendataan Profil Kampung that kampung fills in.

Its placeholders are exactly: kop, logo, kota, tanggal, nomor, sifat, lampiran, perihal, kampung
{nama, distrik, kepala}, kegiatan, tahun, sk {nomor, tentang}, batas_waktu, penandatangan {jabatan,
nama, pangkat, nip}, tembusan [{nomor, teks}] and wilayah.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.shared import Mm, Pt

from scripts.make_sk_template import OUT
from scripts.template_kit import (
    TEXT_WIDTH,
    C,
    J,
    L,
    cant_split,
    compose,
    exact_height,
    first_para,
    fixed_table,
    kadis_signer,
    kop,
    page_break,
    page_furniture,
    para,
    repeat_header,
    set_font,
    shade,
    tembusan,
    write,
)

NAME = "surat_edaran.docx"
HANG = 8  # mm: the hanging indent of the numbered body paragraphs
SIGNER = 82  # mm: the Kadis's column starts here, as in the SK template (its stamp is 80 mm wide)

# The formulir: (section, its rows). The Isian and Keterangan cells stay empty, for the kampung to fill in.
FORMULIR = [
    ("A.", "Kependudukan", ["Jumlah penduduk (jiwa)", "Laki-laki (jiwa)", "Perempuan (jiwa)",
                             "Jumlah kepala keluarga (KK)"]),
    ("B.", "Wilayah", ["Luas wilayah (km²)", "Jumlah dusun", "Jumlah RT/RW", "Batas wilayah sebelah utara",
                        "Batas wilayah sebelah selatan", "Batas wilayah sebelah timur",
                        "Batas wilayah sebelah barat"]),
    ("C.", "Sarana dan Prasarana", ["Jumlah sekolah PAUD / SD / SMP", "Jumlah puskesmas pembantu / posyandu",
                                     "Sumber air bersih", "Kondisi jalan kampung"]),
    ("D.", "Ekonomi", ["Mata pencaharian utama penduduk", "Potensi unggulan kampung",
                        "Badan Usaha Milik Kampung (BUMKam)"]),
    ("E.", "Pemerintahan Kampung", ["Jumlah aparat kampung (orang)", "Jumlah anggota Bamuskam (orang)"]),
]
ROW_HEIGHT = Mm(6.5)  # an item row: room to write by hand


def numbered(doc, number: str, text: str, *, level: int = 1, after: float = 2, keep_next: bool = False):
    """A justified paragraph hanging from its number ("1." at level 1, "a." at level 2)."""
    p = para(doc, align=J, after=after, keep_next=keep_next)
    pf = p.paragraph_format
    pf.left_indent, pf.first_line_indent = Mm(HANG * level), Mm(-HANG)
    pf.tab_stops.add_tab_stop(Mm(HANG * level))
    set_font(p.add_run(f"{number}\t{text}"))
    return p


def heading(doc) -> None:
    """Nomor, Sifat, Lampiran, Hal on the left; the date and the addressee in the right column (the
    signer's), one cell down the four rows; then the centred title."""
    t = fixed_table(doc, 4, [22, 4, SIGNER - 30, 4, TEXT_WIDTH - SIGNER])
    rows = [("Nomor", "{{ nomor }}"), ("Sifat", "{{ sifat }}"), ("Lampiran", "{{ lampiran }}"),
            ("Hal", "{{ perihal }}")]
    for r, (label, value) in enumerate(rows):
        before = 6 if r == 0 else 0
        first_para(t.cell(r, 0), label, before=before)
        first_para(t.cell(r, 1), ":", before=before)
        first_para(t.cell(r, 2), value, before=before)
    right = t.cell(0, 4).merge(t.cell(3, 4))
    first_para(right, "{{ kota }}, {{ tanggal }}", before=6, after=2)
    para(right, "Kepada Yth.")
    para(right, "Kepala Kampung {{ kampung.nama }}")
    para(right, "{%p if kampung.kepala %}")
    para(right, "({{ kampung.kepala }})")
    para(right, "{%p endif %}")
    para(right, "Distrik {{ kampung.distrik }}")
    para(right, "di –")
    para(right, "Tempat").paragraph_format.left_indent = Mm(8)

    para(doc, "SURAT EDARAN", align=C, bold=True, before=8)
    para(doc, "NOMOR {{ nomor }}", align=C)
    para(doc, "TENTANG", align=C)
    para(doc, "PENDATAAN PROFIL KAMPUNG TAHUN {{ tahun }}", align=C, bold=True, after=8)


def body(doc) -> None:
    numbered(doc, "1.", "Dasar:", after=0, keep_next=True)
    numbered(doc, "a.", "Peraturan Menteri Dalam Negeri Nomor 12 Tahun 2007 tentang Pedoman Penyusunan dan "
             "Pendayagunaan Data Profil Desa dan Kelurahan;", level=2, after=0)
    numbered(doc, "b.", "Keputusan Kepala Dinas Nomor {{ sk.nomor }} tentang {{ sk.tentang }}.", level=2)
    numbered(doc, "2.", "Sehubungan dengan hal tersebut, Saudara bersama Pokja Profil Kampung diminta mengisi "
             "Formulir Instrumen Pendataan Profil Kampung {{ kampung.nama }} terlampir dan menyerahkannya "
             "kepada Tim {{ kegiatan }} paling lambat tanggal {{ batas_waktu }}.")
    numbered(doc, "3.", "Data yang diisikan harus benar dan lengkap, ditandatangani oleh Kepala Kampung "
             "serta dibubuhi cap Kampung.")
    p = para(doc, "Demikian surat edaran ini disampaikan, atas perhatian dan kerja samanya diucapkan "
             "terima kasih.", align=J, keep_next=True)
    p.paragraph_format.first_line_indent = Mm(HANG)


def signer(doc) -> None:
    # One row that cannot split, kept with the closing paragraph: jabatan, stamp area and name stay
    # together. The cell's own first paragraph, left empty, is the space between them.
    t = fixed_table(doc, 1, [SIGNER, TEXT_WIDTH - SIGNER])
    cant_split(t.rows[0])
    cell = t.cell(0, 1)
    exact_height(cell.paragraphs[0], Pt(6))
    kadis_signer(cell)
    # Tembusan at the foot of the left column, beside the signature, as letters of the office have it.
    left = t.cell(0, 0)
    left.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    tembusan(left, before=0)


def formulir(doc) -> None:
    page_break(doc)
    para(doc, "FORMULIR INSTRUMEN PENDATAAN PROFIL KAMPUNG TAHUN {{ tahun }}", align=C, bold=True)
    para(doc, "Lampiran Surat Edaran Nomor {{ nomor }}", align=C, size=10, after=12)
    t = fixed_table(doc, 3, [26, 4, TEXT_WIDTH - 30])
    for r, (label, value) in enumerate([("Kampung", "{{ kampung.nama }}"), ("Distrik", "{{ kampung.distrik }}"),
                                        ("Kabupaten", "{{ wilayah }}")]):
        first_para(t.cell(r, 0), label, after=2)
        first_para(t.cell(r, 1), ":", after=2)
        first_para(t.cell(r, 2), value, bold=True, after=2)
    para(doc, size=6)  # keeps the two tables apart (adjacent tables merge in some readers)

    widths = [10, 78, 40, 32]
    t = fixed_table(doc, 1 + sum(1 + len(items) for _, _, items in FORMULIR), widths, style="Table Grid")
    header = t.rows[0]
    for i, text in enumerate(["No", "Uraian", "Isian", "Keterangan"]):
        cell = header.cells[i]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        shade(cell, "D9D9D9")
        first_para(cell, text, align=C, size=10, bold=True, before=3, after=3)
    repeat_header(header)
    cant_split(header)
    r = 1
    for letter, section, items in FORMULIR:
        row = t.rows[r]
        cant_split(row)
        for cell in row.cells:
            shade(cell, "F2F2F2")
        first_para(row.cells[0], letter, align=C, size=10, bold=True, before=2, after=2)
        merged = row.cells[1].merge(row.cells[3])
        first_para(merged, section, size=10, bold=True, before=2, after=2)
        for n, item in enumerate(items, 1):
            row = t.rows[r + n]
            cant_split(row)
            row.height, row.height_rule = ROW_HEIGHT, WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell in row.cells:
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            first_para(row.cells[0], f"{n}.", align=C, size=10)
            first_para(row.cells[1], item, size=10)
        r += 1 + len(items)

    para(doc, size=6)
    # The kampung's sign-off: Pokja on the left, the Kepala Kampung (and the kampung's stamp) on the right.
    t = fixed_table(doc, 1, [TEXT_WIDTH - 80, 80])
    cant_split(t.rows[0])
    left, right = t.cell(0, 0), t.cell(0, 1)
    first_para(left, before=14)
    para(left, "Petugas Pokja Profil Kampung,")
    para(left, after=44)
    para(left, "(.................................)")
    first_para(right, "{{ kampung.nama }}, ........................ {{ tahun }}", before=14)
    para(right, "Kepala Kampung {{ kampung.nama }},")
    para(right, after=44)
    para(right, "(.................................)", align=L)


def build(path) -> None:
    compose(path, "Surat Edaran Nomor {{ nomor }}", page_furniture, kop, heading, body, signer, formulir)


def main() -> None:
    write(build, OUT / NAME)


if __name__ == "__main__":
    main()
