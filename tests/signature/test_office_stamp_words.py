"""The office's Tata Naskah words on what signature-service signs: the stamp's heading from
`tata_naskah.teks_stempel`, and the BSrE footer (`catatan_tte_teks`) only on what a BSrE-backed account signs
(that side is in test_bsre.py) and never twice."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from naskah_shared.office import BSRE_FOOTER, office_data
from signature_service.adapters.catatan_tte import CatatanTte
from signature_service.app import create_app as signature_app
from signature_service.pki.sample_pdf import sk_sample_pdf
from signature_service.service_layer.ports import STAMP_HEADING, SignatureLevel, StampText
from sk_service.app import create_app as sk_app
from tests.conftest import keyed
from tests.flow import archived_sk
from tests.signature.conftest import PATIENT

HEADING = "Ditandatangani secara elektronik oleh pejabat berikut:"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """pdftotext's words, whitespace normalised (a long line wraps inside a stamp or the footer)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60)
    return " ".join(done.stdout.split())


@pytest.fixture
def worded_stack(real_stack, dev_pki, animator, tmp_path: Path):
    """sk-service and signature-service, the office's stamp worded its own way (PKCS#12 signers, not BSrE)."""
    office = office_data()
    office["tata_naskah"] = {**office["tata_naskah"], "teks_stempel": HEADING}
    office_file = tmp_path / "office.json"
    office_file.write_text(json.dumps(office))
    sk = keyed(sk_app(real_stack(converters=1), migrate=True))
    sig = keyed(signature_app(real_stack(
        allow_test_pki=True, pki_dir=str(dev_pki.directory), pki_url=dev_pki.base_url, signature_level="B-B",
        verify_budget_seconds=PATIENT.budget_seconds, office_file=str(office_file)), migrate=True))
    for app in (sk, sig):
        app.extensions["naskah"].runtime.start()
    yield sk, sig
    for app in (sk, sig):
        app.extensions["naskah"].close()


def test_the_stamp_carries_the_offices_heading_and_no_bsre_footer_without_bsre(worded_stack, tmp_path):
    sk, sig = worded_stack
    sk_id = archived_sk(sk, sig)
    ref = sk.test_client().get(f"/api/sk/{sk_id}").json["signed_document"]
    pdf, _ = sig.extensions["naskah"].runtime.store.get(ref["bucket"], ref["key"], ref["version_id"])
    text = pdf_text(pdf, tmp_path)
    assert text.count(HEADING) == 2, text  # the Kabid's stamp and the Kadis's
    assert STAMP_HEADING not in text
    assert f"{HEADING} Kepala Dinas Pemberdayaan Masyarakat dan Kampung Drs. Yohanes Rumbiak, M.Si" in text
    assert "Balai Besar Sertifikasi Elektronik" not in text  # the dev PKI is not BSrE: no footer naming it
    report = sig.test_client().post("/api/verify", data={"file": (io.BytesIO(pdf), "sk.pdf")}).json
    assert report["all_ok"], report


def test_the_footer_goes_on_every_page_once(tmp_path):
    footer = CatatanTte(BSRE_FOOTER)
    pdf = sk_sample_pdf(3)
    once = footer(pdf)
    assert footer(once) is once, "a document that carries the footer (sk-service printed it) gets no second one"
    text = pdf_text(once, tmp_path)
    assert text.count(BSRE_FOOTER) == 3, text
    assert BSRE_FOOTER not in pdf_text(pdf, tmp_path)
    assert once.startswith(pdf), "an incremental update: the document as it came is kept byte for byte"


def test_a_heading_with_a_ligature_is_drawn_and_reads_back(pkcs12_signers, sk_pdf, tmp_path):
    """"fi" shapes to one glyph: the stamp's embedded font must hold it (it once lost it with its GSUB table)."""
    heading = "Telah diverifikasi dan ditandatangani secara elektronik oleh:"
    stamp = StampText("Kepala Bidang Layanan Komunikasi dan Informatika", "Rahmi Suryantari, ST, M.Si",
                      "Pembina (IV/a)", heading=heading)
    signed = pkcs12_signers["kabid"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_B, stamp=stamp,
                                          qr_url="https://naskah.example.go.id/verify/x")
    assert " ".join(stamp.lines()) in pdf_text(signed, tmp_path)
