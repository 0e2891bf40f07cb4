"""Tata Naskah Dinas (Permendagri 1/2023) as the office reads it: the signer without titles on a Keputusan,
the klasifikasi in the nomor, page numbers, the BSrE footer; the Lampiran's signer never alone on a page."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import zipfile
from datetime import date

import pytest

from naskah_cli.sample import sk_tim
from naskah_shared.office import BSRE_FOOTER, TataNaskah
from sk_service.adapters.docx_context import sk_context
from sk_service.domain.naskah import Office, without_titles
from tests.data import sk_payload

NOMOR, TANGGAL = "800/123/DPMK/2026", date(2026, 12, 1)


def parts(docx: bytes, prefix: str) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith(f"word/{prefix}"))


def with_rules(office: Office, **rules) -> Office:
    return dataclasses.replace(office, tata_naskah=dataclasses.replace(office.tata_naskah, **rules))


@pytest.mark.parametrize("nama, bare", [
    ("Drs. Yohanes Rumbiak, M.Si", "Yohanes Rumbiak"),
    ("Rahmi Suryantari, ST, M.Si", "Rahmi Suryantari"),
    ("Prof. Dr. Ir. Hj. Siti Aminah, M.Sc., Ph.D", "Hj. Siti Aminah"),
    ("Hendrik Wambrauw, S.T.", "Hendrik Wambrauw"),
    ("Markus Yoku", "Markus Yoku"),
    ("Maria, Ondi", "Maria, Ondi"),  # not a title: kept
])
def test_academic_titles_come_off_and_nothing_else(nama, bare):
    assert without_titles(nama) == bare


def test_the_office_rules_are_validated():
    assert TataNaskah.from_dict(None) == TataNaskah()
    for bad, message in (({"gelar": True}, "unknown"), ({"nomor_halaman": "ya"}, "true or false"),
                         ({"klasifikasi": "DPMK"}, "kode klasifikasi"), ({"teks_stempel": ""}, "1 to 300")):
        with pytest.raises(ValueError, match=message):
            TataNaskah.from_dict(bad)


def test_the_nomor_carries_the_klasifikasi(office):
    assert office.format_nomor(7, 2026) == "800/007/DPMK/2026"
    other = with_rules(office, klasifikasi="000.1.2.3")
    assert other.format_nomor(7, 2026) == "000.1.2.3/007/DPMK/2026"
    assert other.nomor_konsep(2026) == "000.1.2.3/ … /DPMK/2026"


def test_signer_name_page_numbers_and_footer_follow_the_office(renderer, office, sk_template):
    content = sk_payload(members=3)
    docx = renderer.render(sk_template, sk_context(content, office, NOMOR, TANGGAL))
    body = parts(docx, "document")
    assert "Yohanes Rumbiak" in body and "Drs. Yohanes Rumbiak" not in body
    assert "PAGE" in parts(docx, "header") and "BSrE" not in parts(docx, "footer")

    titled = with_rules(office, gelar_pada_keputusan=True, nomor_halaman=False, catatan_tte=True)
    docx = renderer.render(sk_template, sk_context(content, titled, NOMOR, TANGGAL))
    assert "Drs. Yohanes Rumbiak, M.Si" in parts(docx, "document")
    assert "PAGE" not in parts(docx, "header")
    assert parts(docx, "footer").count(BSRE_FOOTER) == 2  # the first page's footer and the others'

    # the document's own choice wins over the office's: the signing side turns the footer on for BSrE
    docx = renderer.render(sk_template, sk_context({**content, "catatan_tte": True}, office, NOMOR, TANGGAL))
    assert BSRE_FOOTER in parts(docx, "footer")


def test_the_demo_team_has_twelve_distinct_people():
    names = [a["nama"] for a in sk_tim(members=12)["anggota"]]
    assert len(set(names)) == 12 and not any(re.search(r"\(\d+\)", n) for n in names)
    big = [a["nama"] for a in sk_tim(members=60)["anggota"]]
    assert len(set(big)) == 60


def _pages(pdf: bytes) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    pages = [p for p in text.decode().split("\f") if p.strip()]
    return [[line.strip() for line in p.splitlines() if line.strip()] for p in pages]


@pytest.mark.parametrize("members", [1, 11, 12, 13, 14, 33, 60])
def test_the_lampiran_never_ends_with_the_signer_alone(renderer, office, sk_template, uno_pool, members):
    """12 and 14 members put the signer alone on page 4 before the table's last row carried it (the sizes from
    1 to 60 were checked once by hand with the same conversion: none does now)."""
    content = sk_payload(members=members)
    pdf = uno_pool.to_pdf(renderer.render(sk_template, sk_context(content, office, NOMOR, TANGGAL)))
    last = _pages(pdf)[-1]
    assert any(line.startswith("NIP.") for line in last) and "MASYARAKAT DAN KAMPUNG," in " ".join(last)
    last_member = content["anggota"][-1]
    assert any(line.startswith(f"{members} ") and last_member["nip"] in line for line in last), last
