"""The Laporan Kegiatan DOCX: its tables and notes, literal user text, the sandbox, the charts, the PDF."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from PIL import Image

from naskah_shared.render import TemplateError, TemplateErrorCode
from report_service.adapters.laporan import clean, daftar, durasi, nip, render_laporan, tanggal
from report_service.domain import sop
from report_service.domain.activity import Activity
from tests.data import docx_of
from tests.report.scenario import INJECTION, KAMPUNG, build_activity, wit

GENERATED = wit(9, 10, 30, month=12)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def render(activity: Activity, office, sk_info, **kw):
    return render_laporan(activity, office=office, sk=sk_info, generated_at=GENERATED, **kw)


def table(doc, first_headers: tuple[str, ...]) -> list[list[str]]:
    for t in doc.tables:
        rows = [[c.text for c in row.cells] for row in t.rows]
        if tuple(rows[0][: len(first_headers)]) == first_headers:
            return rows
    raise AssertionError(f"no table starting {first_headers}")


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts.extend(c.text for row in t.rows for c in row.cells)
    return "\n".join(parts)


@pytest.fixture
def rendered(activity, office, sk_info):
    docx, charts = render(activity, office, sk_info)
    return Document(io.BytesIO(docx)), charts, docx


# --- content ------------------------------------------------------------------------


def test_steps_table_has_the_thirteen_steps_with_times_and_flags(rendered):
    doc, _, _ = rendered
    rows = table(doc, ("No", "Langkah", "Pelaksana"))
    assert rows[0] == ["No", "Langkah", "Pelaksana", "Mulai", "Selesai", "Waktu Aktual", "Mutu Baku",
                       "Keterangan"]
    body = rows[1:]
    assert [r[0] for r in body] == [str(n) for n in range(1, 14)]
    assert [r[1] for r in body] == [s.name for s in sop.STEPS]
    assert [r[6] for r in body] == [s.standard_text for s in sop.STEPS]
    one, four, nine, ten, twelve = body[0], body[3], body[8], body[9], body[11]
    assert one[2] == "Kadis → Kabid\n(Drs. Yohanis Wally)"
    assert one[3] == "2 November 2026\n08.00 WIT" and one[5] == "15 menit"
    assert "Terlambat" not in one[7]  # exactly the standard
    assert four[5] == "22 jam" and four[7].endswith("Terlambat")
    assert "Disetujui Kabid setelah 1 kali dikembalikan" in four[7]
    assert nine[5] == "7 jam" and nine[7] == "2 tahap"
    assert ten[5] == "13 hari 12 jam"
    assert twelve[3:6] == ["—", "—", "—"] and twelve[7] == "Belum dilaksanakan"
    assert sum("Terlambat" in r[7] for r in body) == 1


def test_review_rounds_show_who_rejected_and_why(rendered):
    doc, _, _ = rendered
    rows = table(doc, ("No", "Waktu", "Pemeriksa"))[1:]
    assert len(rows) == 5
    assert rows[0][2] == "Kabid\n(Rahmi Suryantari)" and rows[0][3] == "Ditolak"
    assert rows[0][5] == "Dasar hukum Permendagri 12/2007 belum dicantumkan " + INJECTION
    assert rows[2][2] == "Kadis\n(Drs. Yohanis Wally)" and rows[2][5] == "Tambahkan unsur Pokja dalam susunan tim"
    assert rows[4][3] == "Disetujui"
    assert "dikembalikan untuk diperbaiki 2 kali (1 kali oleh Kabid dan 1 kali oleh Kadis)" in all_text(doc)


def test_kampung_table_counts_the_sent_back_kampung(rendered):
    doc, _, _ = rendered
    rows = table(doc, ("No", "Kampung/Kelurahan"))
    assert [r[1] for r in rows[1:6]] == KAMPUNG
    asei = rows[3]
    assert asei[1:7] == ["Kampung Asei Besar", "Ya", "2 kali", "1 kali", "Ya", "Ya"]
    assert "Jumlah KK tidak sesuai " + INJECTION in asei[7]
    assert rows[-1][1:7] == ["Jumlah", "5", "5", "1", "5", "4"]


def test_sk_reference_link_and_missing_step_note(rendered):
    doc, _, docx = rendered
    text = all_text(doc)
    assert "Nomor 800/123/DPMK/2026 tanggal 3 November 2026" in text
    assert "https://naskah.example.go.id/verify/sk-1" in text
    links = [r.target_ref for r in doc.part.rels.values() if r.is_external]
    assert "https://naskah.example.go.id/verify/sk-1" in links
    assert "Sampai dengan laporan ini disusun (9 Desember 2026), langkah berikut belum dilaksanakan:" in text
    assert "12.\tPenyampaian Hasil Laporan Kegiatan kepada Kadis (Kabid → Kadis)" in text
    assert "13.\tRapat Penutupan Kegiatan dan Pemaparan Hasil Kegiatan (Semua)" in text
    assert "Langkah yang melewati mutu baku waktu: langkah 4." in text
    assert "PEMERINTAH KABUPATEN JAYAPURA" in text and "DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG" in text
    assert "Kepala Dinas Pemberdayaan Masyarakat dan Kampung" in text
    assert "Sentani, 9 Desember 2026" in text and "NIP. 19800101 200501 2 001" in text


def test_signer_anchor_is_white_two_point_text_before_the_space(rendered):
    doc, _, _ = rendered
    runs = [(p, r) for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
            for r in p.runs if r.text == "#ttd-kabid#"]
    assert len(runs) == 1
    para, run = runs[0]
    assert run.font.size == Pt(2) and run.font.color.rgb == RGBColor(0xFF, 0xFF, 0xFF)
    spacer = Paragraph(para._p.getnext(), para._parent)
    assert spacer.paragraph_format.line_spacing.cm == pytest.approx(2.5, abs=0.01)


def test_all_steps_done_says_so(office, sk_info):
    a = build_activity()
    a.record_step(12, "Kabid", wit(9, 11, month=12), wit(9, 11, 10, month=12), "Disposisi Kadis")
    a.record_step(13, "Semua", wit(10, 9, month=12), wit(10, 11, month=12), "Pemaparan hasil")
    doc = Document(io.BytesIO(render(a, office, sk_info)[0]))
    text = all_text(doc)
    assert "Seluruh 13 langkah SOP telah dilaksanakan." in text
    assert "belum dilaksanakan:" not in text and "Belum dilaksanakan" not in text


# --- user text prints literally ------------------------------------------------------


def test_template_syntax_and_xml_in_user_text_print_literally(office, sk_info):
    a = Activity.create("a", "Kegiatan " + INJECTION, tahun=2026, at=wit(1, 7))
    a.record_step(1, "Kadis {{ 7*7 }}", wit(1, 8), wit(1, 8, 10), "Hasil " + INJECTION + " \a\f\x00 akhir")
    office = {**office, "alamat": "Jalan <w:p/> & {% raw %}"}
    docx, _ = render(a, office, {**sk_info, "nomor": "{{ sk.nomor }}"})
    text = all_text(Document(io.BytesIO(docx)))
    assert "Kegiatan " + INJECTION in text
    assert "Kadis {{ 7*7 }}" in text
    assert "Hasil " + INJECTION + "  akhir" in text  # control characters dropped, not turned into breaks
    assert "Jalan <w:p/> & {% raw %}" in text
    assert "Nomor {{ sk.nomor }} tanggal" in text
    assert "49" not in text.replace("0967", "")


def test_templates_render_sandboxed_and_strict(activity, office, sk_info, tmp_path: Path):
    with pytest.raises(TemplateError) as unsafe:
        render(activity, office, sk_info, template=docx_of("{{ office.__class__.__mro__ }}"))
    assert unsafe.value.reason_code is TemplateErrorCode.UNSAFE_TEMPLATE
    with pytest.raises(TemplateError) as undefined:
        render(activity, office, sk_info, template=docx_of("{{ no_such_name }}"))
    assert undefined.value.details == {"variables": ["no_such_name"]}
    with pytest.raises(TemplateError) as endless:  # the SK's limits hold for the Laporan too
        render(activity, office, sk_info, template=docx_of("{% for i in range(9999) %}{% for j in range(9999) %}"
                                                            "{% endfor %}{% endfor %}"))
    assert endless.value.reason_code is TemplateErrorCode.RENDER_LIMIT
    docx, _ = render(activity, office, sk_info, template=docx_of("Nomor {{ sk.nomor }}"))
    assert "Nomor 800/123/DPMK/2026" in all_text(Document(io.BytesIO(docx)))


# --- charts ---------------------------------------------------------------------------


def test_charts_are_valid_pngs(rendered):
    doc, charts, docx = rendered
    assert [name for name, _ in charts] == ["grafik-langkah.png", "grafik-kampung.png"]
    for _, png in charts:
        assert png.startswith(PNG_MAGIC)
        with Image.open(io.BytesIO(png)) as img:
            img.verify()
        with Image.open(io.BytesIO(png)) as img:
            assert img.format == "PNG" and img.width >= 1000 and img.height >= 400
    media = [p for p in doc.part.package.parts if p.partname.startswith("/word/media/")]
    assert len(media) == 2


def test_no_kampung_means_one_chart_and_a_plain_sentence(office, sk_info):
    a = Activity.create("a", "Kegiatan", at=wit(1, 7))
    docx, charts = render(a, office, sk_info)
    assert [name for name, _ in charts] == ["grafik-langkah.png"]
    text = all_text(Document(io.BytesIO(docx)))
    assert "Belum ada kampung/kelurahan yang ditugaskan" in text
    assert "Konsep SK Tim belum diperiksa." in text


def test_logo_goes_into_the_kop(activity, office, sk_info):
    buf = io.BytesIO()
    Image.new("RGB", (120, 140), (200, 30, 30)).save(buf, format="PNG")
    docx, _ = render(activity, {**office, "logo": buf.getvalue()}, sk_info)
    doc = Document(io.BytesIO(docx))
    assert len([p for p in doc.part.package.parts if p.partname.startswith("/word/media/")]) == 3


# --- Indonesian formatting -------------------------------------------------------------


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(hours=2, minutes=15), "2 jam 15 menit"),
    (timedelta(days=1, hours=3), "1 hari 3 jam"),
    (timedelta(days=1, minutes=30), "1 hari 30 menit"),
    (timedelta(days=1, seconds=1), "1 hari 1 menit"),
    (timedelta(days=30), "1 bulan"),
    (timedelta(days=35, hours=2, minutes=5), "1 bulan 5 hari 2 jam"),
    (timedelta(minutes=15), "15 menit"),
    (timedelta(seconds=20), "1 menit"),
    (timedelta(0), "0 menit"),
])
def test_durations(delta, text):
    assert durasi(delta) == text


def test_dates_use_indonesian_months_in_the_office_zone():
    from zoneinfo import ZoneInfo

    assert tanggal(datetime(2026, 11, 25, 9, tzinfo=UTC)) == "25 November 2026"
    assert tanggal(datetime(2026, 8, 17, 20, tzinfo=UTC), ZoneInfo("Asia/Jayapura")) == "18 Agustus 2026"
    assert daftar(["1", "2", "3"]) == "1, 2 dan 3" and daftar(["4"]) == "4" and daftar([]) == ""
    assert clean("a\x07b\x0cc\x00d\r\ne\tf") == "abcd\ne f"
    assert nip("197803122005022001") == "19780312 200502 2 001" and nip("12345") == "12345"


# --- the PDF, through LibreOffice ------------------------------------------------------------


@pytest.mark.slow
def test_converts_to_pdf_with_the_anchor_findable(rendered, tmp_path: Path):
    _, _, docx = rendered
    src = tmp_path / "laporan.docx"
    src.write_bytes(docx)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "laporan.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "LAPORAN KEGIATAN" in text
    assert "#ttd-kabid#" in text  # signature-service finds the stamp's place by this text
    assert "Kampung Asei Besar" in text and "Terlambat" in text
    assert "{{ 7*7 }}" in text
