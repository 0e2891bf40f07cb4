"""The SK Tim document pipeline on real docxtpl and a real LibreOffice (no mocks).

Naming, rendering in the sandbox, template upload checks, the PDF's content, and the
converter pool's supervision: concurrency, a killed process, a timeout, PDF/A, exit.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from datetime import date

import pytest

from naskah_shared.convert import ConversionError, ConverterBusy, ConverterUnavailable
from naskah_shared.convert.baseline import SofficeConverter
from naskah_shared.convert.libreoffice import UnoserverPool
from naskah_shared.office import OfficeConfig, OfficeError, load_office
from sk_service.adapters.docx_context import sk_context
from sk_service.adapters.docx_renderer import DocxtplRenderer
from sk_service.domain.naskah import (
    ANCHOR_KABID,
    ANCHOR_KADIS,
    Office,
    huruf,
    ordinal,
    tanggal_indonesia,
    without_titles,
)
from sk_service.domain.templates import REQUIRED_PLACEHOLDERS, requirements
from sk_service.service_layer.ports import TemplateError
from tests.data import INJECTIONS, sk_payload

TANGGAL = date(2026, 11, 25)
NOMOR = "800/123/DPMK/2026"


def inspect_template(data: bytes, max_bytes: int, name: str = "sk_tim") -> list[str]:
    """What the template catalogue checks at upload: the placeholders and anchors its kind needs."""
    required, anchors = requirements(name)
    return DocxtplRenderer().inspect(data, max_bytes=max_bytes, required=required, anchors=anchors)


# -- naming ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "word"), [
    (1, "KESATU"), (2, "KEDUA"), (3, "KETIGA"), (4, "KEEMPAT"), (5, "KELIMA"), (6, "KEENAM"), (7, "KETUJUH"),
    (8, "KEDELAPAN"), (9, "KESEMBILAN"), (10, "KESEPULUH"), (11, "KESEBELAS"), (12, "KEDUA BELAS"),
    (19, "KESEMBILAN BELAS"), (20, "KEDUA PULUH"), (21, "KEDUA PULUH SATU"), (30, "KETIGA PULUH"),
    (99, "KESEMBILAN PULUH SEMBILAN"), (100, "KESERATUS"), (101, "KESERATUS SATU"),
    (111, "KESERATUS SEBELAS"), (215, "KEDUA RATUS LIMA BELAS"), (999, "KESEMBILAN RATUS SEMBILAN PULUH SEMBILAN"),
])
def test_diktum_ordinals(n: int, word: str) -> None:
    assert ordinal(n) == word


@pytest.mark.parametrize("n", [0, -1, 1000])
def test_ordinal_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        ordinal(n)


def test_letters_and_dates() -> None:
    assert [huruf(i) for i in (1, 2, 26, 27, 28, 52, 53)] == ["a.", "b.", "z.", "aa.", "ab.", "az.", "ba."]
    assert tanggal_indonesia(TANGGAL) == "25 November 2026"
    assert tanggal_indonesia(date(2027, 1, 5)) == "5 Januari 2027"
    assert [tanggal_indonesia(date(2026, m, 1)).split()[1] for m in (2, 3, 5, 6, 7, 8, 10, 12)] == [
        "Februari", "Maret", "Mei", "Juni", "Juli", "Agustus", "Oktober", "Desember"]


def test_office_nomor_and_config(tmp_path) -> None:
    office = Office.of(load_office())
    assert office.format_nomor(7, 2026) == "800/007/DPMK/2026"
    assert office.format_nomor(1234, 2026) == "800/1234/DPMK/2026"
    assert office.nomor_konsep(2026) == "800/ … /DPMK/2026"
    assert office.kepala == "KEPALA DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG KABUPATEN JAYAPURA"
    (tmp_path / "logo.png").write_bytes(b"png")
    (tmp_path / "office.json").write_text(
        '{"code": "BPKAD", "nama_dinas": "Badan Pengelolaan Keuangan", "pemerintah": "PEMERINTAH KOTA JAYAPURA",'
        ' "alamat": "Jalan Balai Kota", "kota": "Jayapura", "nomor_format": "900.1/{code}/{seq}/{year}",'
        ' "logo": "logo.png",'
        ' "kadis": {"jabatan": "Kepala Badan", "nama": "A", "pangkat": "Pembina (IV/a)", "nip": "1"},'
        ' "kabid": {"jabatan": "Kepala Bidang", "nama": "B", "pangkat": "Penata (III/c)", "nip": "2"}}')
    custom = Office.of(load_office(tmp_path / "office.json"))
    assert custom.format_nomor(5, 2027) == "900.1/BPKAD/5/2027"
    assert custom.nomor_konsep(2027) == "900.1/BPKAD/ … /2027"
    assert custom.logo == str(tmp_path / "logo.png")
    assert custom.kabid.pangkat == "Penata (III/c)"
    with pytest.raises(ValueError, match="seq"):
        Office(**{**office.__dict__, "nomor_format": "800/{code}/{year}"})
    with pytest.raises(ValueError, match="seq"):  # no attribute access through the format string
        Office(**{**office.__dict__, "nomor_format": "800/{seq}/{seq.__class__}"})
    with pytest.raises(OfficeError, match="incomplete"):
        OfficeConfig.from_dict({"code": "X", "kadis": {}, "kabid": {}})
    written = json.loads((tmp_path / "office.json").read_text())
    with pytest.raises(OfficeError, match="unknown keys: 'kepala'"):
        OfficeConfig.from_dict({**written, "kepala": {}})
    with pytest.raises(OfficeError, match="IANA"):
        OfficeConfig.from_dict({**written, "zona_waktu": "Papua/Jayapura"})


def test_context_numbers_letters_and_draft_nomor(office) -> None:
    content = sk_payload(members=3, diktum=[f"Diktum {i}." for i in range(1, 13)])
    draft = sk_context(content, office)
    assert draft["nomor"] == "800/ … /DPMK/2026" and draft["konsep"] is True and draft["tanggal"] == ""
    assert [d["ordinal"] for d in draft["diktum"]][-3:] == ["KESEPULUH", "KESEBELAS", "KEDUA BELAS"]
    assert [m["huruf"] for m in draft["menimbang"]] == ["a.", "b.", "c."][:len(content["menimbang"])]
    assert [m["teks"] for m in draft["menimbang"]] == content["menimbang"]
    assert [m["nomor"] for m in draft["mengingat"]] == [f"{i}." for i in range(1, len(content["mengingat"]) + 1)]
    assert [a["no"] for a in draft["anggota"]] == [1, 2, 3]
    # the office's Kadis by default, without academic titles on a Keputusan (tata_naskah.gelar_pada_keputusan)
    assert draft["penandatangan"]["nama"] == without_titles(office.kadis.nama) == "Yohanes Rumbiak"
    assert draft["tentang"].startswith("PEMBENTUKAN TIM KEGIATAN PENGEMBANGAN")
    final = sk_context(content, office, NOMOR, TANGGAL)
    assert final["nomor"] == NOMOR and final["tanggal"] == "25 November 2026" and final["konsep"] is False


# -- rendering -------------------------------------------------------------------------------------------
def _injected_content() -> dict:
    content = sk_payload(members=8)
    members = content["anggota"]
    for i, payload in enumerate(INJECTIONS):
        members[i]["nama"] = f"Nama {payload} Akhir"
    members[4]["jabatan"] = "Jabatan\x01\x0b dengan kendali"  # XML-invalid characters
    members[5]["nama"] = f"Palsu {ANCHOR_KADIS}"  # must not forge the signature anchor
    content["menimbang"][0] = "bahwa {{ 7*7 }} dan {% for x in y %} tetap teks;"
    content["tentang"] = "Pembentukan Tim <w:t>A & B</w:t>"
    return content


def test_injection_payloads_print_literally_in_docx(renderer, office, sk_template, docx_text) -> None:
    docx = renderer.render(sk_template, sk_context(_injected_content(), office, NOMOR, TANGGAL))
    text = docx_text(docx)
    for payload in INJECTIONS:
        assert f"Nama {payload} Akhir" in text
    assert "bahwa {{ 7*7 }} dan {% for x in y %} tetap teks;" in text
    assert "PEMBENTUKAN TIM <W:T>A & B</W:T>" in text  # upper-cased title, tags as text
    assert "49" not in text  # nothing evaluated
    assert "Jabatan dengan kendali" in text
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "&lt;w:t&gt;" in xml and "Tom &amp; Jerry" in xml
    # The white anchors appear once each; the forged one is defused (U+266F "♯" instead of "#").
    assert text.count(ANCHOR_KADIS) == 1 and text.count(ANCHOR_KABID) == 1
    assert "Palsu \u266fttd-kadis#" in text


def test_injection_payloads_print_literally_in_pdf(renderer, office, sk_template, uno_pool, pdf_text) -> None:
    pdf = uno_pool.to_pdf(renderer.render(sk_template, sk_context(_injected_content(), office, NOMOR, TANGGAL)))
    text = pdf_text(pdf)
    for payload in INJECTIONS:
        assert f"Nama {payload} Akhir" in text
    assert "{{ 7*7 }}" in text and "{% for x in y %}" in text and "<W:T>A & B</W:T>" in text
    assert text.count(ANCHOR_KADIS) == 1 and text.count(ANCHOR_KABID) == 1


def test_undefined_variable_names_it(renderer, make_docx) -> None:
    template = make_docx("NOMOR {{ nomor }}", "Rahasia: {{ rahasia }}")
    with pytest.raises(TemplateError) as err:
        renderer.render(template, {"nomor": NOMOR})
    assert err.value.code == "undefined_variable" and err.value.details["variables"] == ["rahasia"]
    assert "'rahasia'" in err.value.message
    # An attribute missing below a defined name is caught by StrictUndefined while rendering.
    with pytest.raises(TemplateError) as err:
        renderer.render(make_docx("{{ penandatangan.gelar }}"), {"penandatangan": {"nama": "X"}})
    assert err.value.code == "undefined_variable" and err.value.details["variables"] == ["gelar"]


def test_sandbox_refuses_attribute_escapes(renderer, make_docx) -> None:
    template = make_docx("{{ nomor.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as err:
        renderer.render(template, {"nomor": NOMOR})
    assert err.value.code == "unsafe_template"


def test_safe_filter_cannot_let_raw_xml_through(renderer, make_docx, docx_text) -> None:
    docx = renderer.render(make_docx("{{ nama|safe }}"), {"nama": "</w:t></w:r><w:r><w:t>x"})
    assert docx_text(docx).strip() == "</w:t></w:r><w:r><w:t>x"


def test_template_syntax_error(renderer, make_docx) -> None:
    with pytest.raises(TemplateError) as err:
        renderer.render(make_docx("{% for a in anggota %}{{ a.nama }}"), {"anggota": []})
    assert err.value.code == "template_syntax" and "word/document.xml" in err.value.message


def test_cache_reuses_the_parsed_template(office, sk_template) -> None:
    r = DocxtplRenderer()
    ctx = sk_context(sk_payload(members=50), office)
    first = r.render(sk_template, ctx)
    t0 = time.perf_counter()
    second = r.render(sk_template, ctx)
    assert len(r._cache) == 1 and time.perf_counter() - t0 < 1.0
    assert zipfile.ZipFile(io.BytesIO(first)).read("word/document.xml") == \
        zipfile.ZipFile(io.BytesIO(second)).read("word/document.xml")


# -- template upload checks ------------------------------------------------------------------------------
def test_builtin_template_passes_and_lists_placeholders(sk_template) -> None:
    names = inspect_template(sk_template, max_bytes=5 * 2**20)
    assert set(names) >= REQUIRED_PLACEHOLDERS
    assert {"kop", "logo", "pejabat", "menimbang", "mengingat", "kabid", "tembusan", "ditetapkan_di",
            "tanggal", "kegiatan", "tahun"} <= set(names)


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


DOCX_SKELETON = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


@pytest.mark.parametrize(("data", "code"), [
    (b"%PDF-1.7 not a docx", "not_docx"),
    (_zip({"hello.txt": b"hello"}), "not_docx"),
    (_zip({**DOCX_SKELETON, "word/media/zeros.bin": bytes(80 * 2**20)}), "zip_bomb"),  # total size
    (_zip({**DOCX_SKELETON, "word/media/zeros.bin": bytes(8 * 2**20)}), "zip_bomb"),  # ratio ~1000×
    (_zip({**DOCX_SKELETON, **{f"word/x{i}.xml": b"x" for i in range(1001)}}), "zip_bomb"),  # entries
])
def test_upload_refuses_bad_archives(data: bytes, code: str) -> None:
    assert len(data) < 1024 * 1024  # the bombs are small on the wire
    with pytest.raises(TemplateError) as err:
        inspect_template(data, max_bytes=5 * 2**20)
    assert err.value.code == code


def test_upload_refuses_too_large(sk_template) -> None:
    with pytest.raises(TemplateError) as err:
        inspect_template(sk_template, max_bytes=len(sk_template) - 1)
    assert err.value.code == "too_large" and err.value.details["max_bytes"] == len(sk_template) - 1


def test_upload_refuses_missing_placeholders_and_anchors(make_docx) -> None:
    template = make_docx("NOMOR {{ nomor }}", "{{ tentang }}", "#ttd-kadis#")
    with pytest.raises(TemplateError) as err:
        inspect_template(template, max_bytes=2**20)
    assert err.value.code == "missing_placeholder"
    assert err.value.details["missing"] == ["anggota", "diktum", "penandatangan"]
    assert err.value.details["missing_anchors"] == [ANCHOR_KABID]


# -- the PDF ---------------------------------------------------------------------------------------------
def test_pdf_holds_headings_diktum_every_member_and_lampiran(renderer, office, sk_template, uno_pool,
                                                             pdf_text, pdf_pages) -> None:
    content = sk_payload(members=60, diktum=[f"Ketentuan nomor {i} berlaku." for i in range(1, 13)])
    pdf = uno_pool.to_pdf(renderer.render(sk_template, sk_context(content, office, NOMOR, TANGGAL)))
    text = pdf_text(pdf)
    for heading in ("PEMERINTAH KABUPATEN JAYAPURA", "DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG",
                    "KEPUTUSAN KEPALA DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG KABUPATEN JAYAPURA",
                    f"NOMOR {NOMOR}", "TENTANG", "PEMBENTUKAN TIM KEGIATAN", "Menimbang", "Mengingat",
                    "MEMUTUSKAN:", "Menetapkan", "Ditetapkan di : Sentani", "pada tanggal : 25 November 2026",
                    without_titles(office.kadis.nama), f"NIP. {office.kadis.nip}", office.kabid.nama, "Tembusan:",
                    "LAMPIRAN", "SUSUNAN KEANGGOTAAN TIM", "Kedudukan dalam Tim", "Undang-Undang Nomor 6 Tahun 2014"):
        assert heading in text, heading
    for i in range(1, 13):
        assert f"{ordinal(i)} : Ketentuan nomor {i} berlaku." in text, ordinal(i)
    for member in content["anggota"]:
        assert member["nama"] in text and member["nip"] in text, member["nama"]
    assert text.count(ANCHOR_KADIS) == 1 and text.count(ANCHOR_KABID) == 1
    # The team table runs over several pages and its header row repeats on each of them.
    pages = pdf_pages(pdf)
    nips = [m["nip"] for m in content["anggota"]]
    member_pages = [p for p in range(1, pages + 1) if any(n in pdf_text(pdf, p) for n in nips)]
    assert len(member_pages) >= 2
    for p in member_pages:
        assert "Golongan" in pdf_text(pdf, p), f"no repeated header on page {p}"


def test_draft_pdf_leaves_nomor_and_date_open(renderer, office, sk_template, uno_pool, pdf_text) -> None:
    pdf = uno_pool.to_pdf(renderer.render(sk_template, sk_context(sk_payload(members=2), office)))
    text = pdf_text(pdf)
    assert "NOMOR 800/ … /DPMK/2026" in text and "pada tanggal : " in text
    assert "25 November 2026" not in text


def test_pdfa_option_writes_pdfaid_and_embeds_fonts(renderer, office, sk_template, uno_pool) -> None:
    pdf = uno_pool.to_pdf(renderer.render(sk_template, sk_context(sk_payload(members=5), office)), pdfa=True)
    assert re.search(rb"pdfaid:part[>=\"']+2", pdf) and re.search(rb"pdfaid:conformance[>=\"']+B", pdf)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    plain = uno_pool.to_pdf(renderer.render(sk_template, sk_context(sk_payload(members=5), office)))
    assert b"pdfaid:part" not in plain


# -- the converter pool ----------------------------------------------------------------------------------
def test_pool_serves_concurrent_conversions(uno_pool, make_docx, pdf_text) -> None:
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(2):
                results[i * 10 + j] = pdf_text(uno_pool.to_pdf(make_docx(f"Penanda dokumen {i}-{j}")))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(results) == 8
    for key, text in results.items():
        assert f"Penanda dokumen {key // 10}-{key % 10}" in text  # each caller got its own document
    assert all(pid is not None for pid in uno_pool.pids())  # both processes took work


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_killed_process_is_restarted(uno_pool, make_docx, pdf_text) -> None:
    uno_pool.to_pdf(make_docx("warm"))
    before = [p for p in uno_pool.pids() if p]
    for pid in before:
        os.kill(pid, signal.SIGKILL)  # unoserver dies; its LibreOffice is orphaned in the same group
    time.sleep(0.2)
    assert "nach dem Neustart" in pdf_text(uno_pool.to_pdf(make_docx("nach dem Neustart")))
    after = [p for p in uno_pool.pids() if p]
    assert after and not set(after) & set(before)
    # Every killed group (with its orphaned LibreOffice) is gone: the pool restarts dead processes.
    deadline = time.monotonic() + 30
    while any(_group_alive(pid) for pid in before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_group_alive(pid) for pid in before)


def test_libreoffice_crash_mid_job_is_retried(tmp_path, make_docx, pdf_text) -> None:
    with UnoserverPool(1, workdir=tmp_path) as pool:  # one process: the job surely runs on the one killed
        pool.to_pdf(make_docx("warm"))
        big = make_docx(*[f"Baris {i} " + "isi " * 40 for i in range(400)])
        results: list[bytes] = []
        t = threading.Thread(target=lambda: results.append(pool.to_pdf(big)))
        (pgid,) = pool.pids()
        t.start()
        time.sleep(0.15)
        killed = [pid for pid in _group_members(pgid) if "soffice" in _cmdline(pid)]
        for pid in killed:  # kill LibreOffice itself (soffice.bin), not unoserver
            os.kill(pid, signal.SIGKILL)
        t.join(120)
        assert killed and results and results[0].startswith(b"%PDF-")
        assert "Baris 399" in pdf_text(results[0])
        assert pool.pids()[0] != pgid


def _group_members(pgid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == pgid:
                    out.append(int(entry))
            except ProcessLookupError:
                pass
    return out


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_timeout_raises_and_pool_recovers(uno_pool, make_docx, pdf_text) -> None:
    doc = make_docx(*[f"Baris {i} " + "isi " * 40 for i in range(200)])
    with pytest.raises(ConversionError) as err:
        uno_pool.to_pdf(doc, timeout=0.05)
    assert err.value.reason == "timeout"
    assert "Baris 199" in pdf_text(uno_pool.to_pdf(doc))


def test_bad_input_is_a_conversion_error_and_the_process_stays(uno_pool, make_docx) -> None:
    uno_pool.to_pdf(make_docx("warm"))
    pids = sorted(p for p in uno_pool.pids() if p)
    with pytest.raises(ConversionError) as err:
        uno_pool.to_pdf(b"PK\x03\x04 this is not a docx at all")
    assert err.value.reason == "conversion_failed"
    assert sorted(p for p in uno_pool.pids() if p) == pids


def test_full_queue_is_busy_and_closed_pool_unavailable(tmp_path) -> None:
    pool = UnoserverPool(1, workdir=tmp_path, queue_limit=0)
    held = pool._acquire()  # occupy the only converter (no process needed for queueing)
    with pytest.raises(ConverterBusy):
        pool.to_pdf(b"x")
    pool.queue_limit, pool.queue_timeout = 1, 0.2
    t0 = time.monotonic()
    with pytest.raises(ConverterBusy):
        pool.to_pdf(b"x")
    assert 0.15 < time.monotonic() - t0 < 2
    pool._release(held, False)
    pool.close()
    with pytest.raises(ConverterUnavailable):
        pool.to_pdf(b"x")
    assert pool.ping() is False


def test_queue_is_first_come_first_served(tmp_path) -> None:
    pool = UnoserverPool(1, workdir=tmp_path, queue_timeout=10)
    held = pool._acquire()
    order: list[str] = []

    def waiter(name: str) -> None:
        for turn in ("", "-again"):  # releasing and asking again at once must not jump the queue
            worker = pool._acquire()
            order.append(name + turn)
            time.sleep(0.05)
            pool._release(worker, False)

    threads = []
    for name in ("first", "second", "third"):
        threads.append(threading.Thread(target=waiter, args=(name,)))
        threads[-1].start()
        time.sleep(0.1)  # queue them in this order
    pool._release(held, False)
    for t in threads:
        t.join(10)
    pool.close()
    assert order == ["first", "second", "third", "first-again", "second-again", "third-again"]


def test_close_kills_every_process(tmp_path, make_docx) -> None:
    pool = UnoserverPool(1, workdir=tmp_path / "w")
    assert pool.ping()
    pool.to_pdf(make_docx("x"))
    pgids = [p for p in pool.pids() if p]
    assert pgids and all(_group_alive(p) for p in pgids)
    pool.close()
    assert not any(_group_alive(p) for p in pgids)
    assert not (tmp_path / "w" / "uno-0-1").exists()


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_no_process_outlives_its_pool_owner(tmp_path, how: str) -> None:
    """atexit closes a pool left open; a SIGKILLed owner is noticed by the watchdog in each unoserver."""
    script = textwrap.dedent(f"""
        import sys, time
        from naskah_shared.convert.libreoffice import UnoserverPool
        from naskah_shared.convert.sample import tiny_docx
        pool = UnoserverPool(1, workdir={str(tmp_path)!r})
        pool.to_pdf(tiny_docx())
        print(pool.pids()[0], flush=True)
        if {how!r} == "sigkill":
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pgid = int(proc.stdout.readline())
    assert _group_alive(pgid)
    if how == "sigkill":
        proc.kill()
    proc.wait(60)
    if how == "exit":  # the finalizer ran before the interpreter exited: nothing left at all
        assert not _group_alive(pgid)
    deadline = time.monotonic() + 10
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(pgid)


def test_cold_soffice_baseline_converts(make_docx, pdf_text) -> None:
    pdf = SofficeConverter(timeout=120).to_pdf(make_docx("Dingin tapi benar"), pdfa=True)
    assert "Dingin tapi benar" in pdf_text(pdf) and b"pdfaid:part" in pdf
