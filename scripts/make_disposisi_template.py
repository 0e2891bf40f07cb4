"""Generate report-service's Lembar Disposisi template: the office's disposition sheet, with its kop.

    .venv/bin/python -m scripts.make_disposisi_template

Writes services/report-service/src/report_service/templates/lembar_disposisi.docx, which is committed.
Built from the helpers of scripts/template_kit.py (page, font, kop, stamp anchor), so it looks like the office's other
naskah. The paraf cell holds the giver's signature anchor `{{ paraf.anchor }}` (rendered `#ttd-kabid#`,
`#ttd-kadis#`, ...; white 2 pt text) above an empty area where signature-service draws the paraf.

Its placeholders are exactly: kop, logo, id, nomor, tanggal, hal, sifat [{mark, label}], dari {jabatan,
nama}, kepada {jabatan, nama}, instruksi [{mark, label}], catatan, batas_waktu, langkah, paraf {waktu,
anchor} and verify_url.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Mm

from scripts.template_kit import (
    ROOT,
    TEXT_WIDTH,
    C,
    anchor,
    compose,
    first_para,
    fixed_table,
    kop,
    para,
    shade,
    write,
)

OUT = ROOT / "services/report-service/src/report_service/templates"
NAME = "lembar_disposisi.docx"
LABEL = 40  # mm: the label column


def fields_table(doc) -> None:
    rows = [("Nomor Naskah", "{{ nomor }}"), ("Tanggal Naskah", "{{ tanggal }}"), ("Hal", "{{ hal }}"),
            ("Langkah SOP", "{{ langkah }}"), ("Dari", "{{ dari.jabatan }}{% if dari.nama %} ({{ dari.nama }})"
                                                         "{% endif %}"),
            ("Diteruskan kepada", "{{ kepada.jabatan }}{% if kepada.nama %} ({{ kepada.nama }}){% endif %}"),
            ("Batas Waktu", "{{ batas_waktu }}")]
    t = fixed_table(doc, len(rows) + 1, [LABEL, TEXT_WIDTH - LABEL], style="Table Grid")
    for r, (label, value) in enumerate(rows):
        first_para(t.cell(r, 0), label, size=10, bold=True, before=2, after=2)
        first_para(t.cell(r, 1), value, size=10, before=2, after=2)
    first_para(t.cell(len(rows), 0), "Sifat", size=10, bold=True, before=2, after=2)
    first_para(t.cell(len(rows), 1), "{% for s in sifat %}{{ s.mark }} {{ s.label }}    {% endfor %}", size=10,
               before=2, after=2)


def instruction_table(doc) -> None:
    para(doc, size=6)  # keeps the two tables apart (adjacent tables merge in some readers)
    t = fixed_table(doc, 2, [TEXT_WIDTH / 2, TEXT_WIDTH / 2], style="Table Grid")
    for i, text in enumerate(["Instruksi / Disposisi", "Catatan"]):
        shade(t.cell(0, i), "D9D9D9")
        first_para(t.cell(0, i), text, align=C, size=10, bold=True, before=2, after=2)
    left, right = t.cell(1, 0), t.cell(1, 1)
    first_para(left, "{%p for i in instruksi %}", size=10)
    para(left, "{{ i.mark }}  {{ i.label }}", size=10, after=2)
    para(left, "{%p endfor %}", size=10)
    first_para(right, "{{ catatan }}", size=10, before=2)


def paraf(doc) -> None:
    para(doc, size=6)
    t = fixed_table(doc, 1, [TEXT_WIDTH - 80, 80])
    cell = t.cell(0, 1)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    first_para(cell, "Paraf {{ dari.jabatan }},", size=10, before=4)
    anchor(cell, "{{ paraf.anchor }}", space=Mm(22))
    para(cell, "{{ dari.nama }}", size=10, bold=True)
    para(cell, "Tanggal/jam: {{ paraf.waktu }}", size=10)
    left = t.cell(0, 0)
    left.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    first_para(left, "Periksa keaslian:", size=8)
    para(left, "{{ verify_url }}", size=8)
    para(left, "ID {{ id }}", size=8)


def title(doc) -> None:
    para(doc, "LEMBAR DISPOSISI", align=C, bold=True, before=8, after=8)


def build(path) -> None:
    compose(path, "Lembar Disposisi {{ nomor }}", kop, title, fields_table, instruction_table, paraf)


def main() -> None:
    write(build, OUT / NAME)


if __name__ == "__main__":
    main()
