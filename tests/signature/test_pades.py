"""The signing core against a real PKI: certomancer's Animator on loopback (TSA, OCSP, CRL), PKCS#12 files,
SoftHSM2 tokens and a loopback remote-signing service."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import requests
from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.validation import DocumentSecurityStore

from signature_service.adapters.anchors import find_anchor
from signature_service.adapters.pades import PadesSigner, load_certs, prepare_fields
from signature_service.adapters.remote import RemoteSigner
from signature_service.adapters.verification import PadesVerifier
from signature_service.pki.devpki import DevPki, free_loopback_port
from signature_service.pki.remote_loopback import LoopbackSigningServer
from signature_service.pki.sample_pdf import sk_sample_pdf
from signature_service.service_layer.ports import (
    ReasonCode,
    SignatureLevel,
    SignatureReport,
    SigningError,
    SigningErrorCode,
    StampPlacement,
    StampText,
)

KABID_STAMP = StampText(
    jabatan="Kepala Bidang Layanan Komunikasi dan Informatika",
    nama="Rahmi Suryantari, ST, M.Si",
    pangkat="Pembina (IV/a)",
)
KADIS_STAMP = StampText(
    jabatan="Kepala Dinas Pemberdayaan Masyarakat dan Kampung",
    nama="Drs. Yohanes Rumbiak, M.Si",
    pangkat="Pembina Utama Muda (IV/c)",
)

QR_URL = "https://naskah.example.go.id/verify/sk-2026-0001"
LEVELS = list(SignatureLevel)


def sign_both(signers: dict[str, PadesSigner], pdf: bytes, level: SignatureLevel, *, stamped: bool = True) -> bytes:
    """The SK flow: the Kabid approves, then the Kadis signs (fixing the nomor)."""
    once = signers["kabid"].sign(
        pdf, field="kabid", level=level, stamp=KABID_STAMP if stamped else None, qr_url=QR_URL
    )
    return signers["kadis"].sign(
        once, field="kadis", level=level, stamp=KADIS_STAMP if stamped else None, qr_url=QR_URL
    )


def assert_good(report: SignatureReport, level: SignatureLevel) -> None:
    assert (report.intact, report.valid, report.trusted, report.revoked) == (True, True, True, False), report
    assert report.level is level, report
    assert report.reasons == [], report


def by_field(reports: list[SignatureReport]) -> dict[str, SignatureReport]:
    return {r.field: r for r in reports}


# -- the two-signature SK at every level --------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS, ids=[lv.value for lv in LEVELS])
def test_two_signatures_pkcs12(pkcs12_signers, sk_pdf, verifier, level):
    signed = sign_both(pkcs12_signers, sk_pdf, level)
    reports = by_field(verifier.verify(signed))
    assert list(reports) == ["kabid", "kadis"]
    for report in reports.values():
        assert_good(report, level)
    kabid, kadis = reports["kabid"], reports["kadis"]
    as_json = kadis.to_json()
    assert as_json["level"] == level.value and as_json["ok"] is True and isinstance(as_json["signing_time"], str)
    assert kabid.signer_name == "Rahmi Suryantari, ST, M.Si"
    assert kabid.signer_nip == "197803122005022001"
    assert kadis.signer_nip == "196905141994031005"
    # the Kabid's signature is followed by the Kadis's: reported, and allowed (form filling)
    assert not kabid.covers_whole_document
    assert kabid.modification_level == "form_filling"
    assert "form field 'kadis' filled or changed" in kabid.modifications
    # the last signature covers everything, or only DSS / document timestamps follow it
    assert kadis.modification_level == ("none" if level.rank <= SignatureLevel.B_T.rank else "lta_updates")
    assert kadis.covers_whole_document is (level.rank <= SignatureLevel.B_T.rank)
    if level is SignatureLevel.B_B:
        assert kabid.timestamp_time is None
    else:
        assert kabid.timestamp_time is not None and kadis.timestamp_time >= kabid.timestamp_time


@pytest.mark.parametrize("level", LEVELS, ids=[lv.value for lv in LEVELS])
def test_two_signatures_pkcs11_softhsm(pkcs11_signers, sk_pdf, verifier, level):
    signed = sign_both(pkcs11_signers, sk_pdf, level)
    reports = verifier.verify(signed)
    assert [r.field for r in reports] == ["kabid", "kadis"]
    for report in reports:
        assert_good(report, level)
    assert reports[1].signer_name == "Drs. Yohanes Rumbiak, M.Si"


def test_wrong_pin_on_token_is_bad_passphrase(softhsm_tokens):
    # a separate token: login state is per token, and the session fixture's token is logged in
    token = softhsm_tokens["pin-test"]
    with pytest.raises(SigningError) as err:
        PadesSigner.from_pkcs11(token.module, token.label, "0000", "kabid")
    assert err.value.code is SigningErrorCode.BAD_PASSPHRASE
    with pytest.raises(SigningError) as err:
        PadesSigner.from_pkcs11(token.module, "no-such-token", token.user_pin, "kabid")
    assert err.value.code is SigningErrorCode.KEY_UNAVAILABLE
    with PadesSigner.from_pkcs11(token.module, token.label, token.user_pin, "kabid") as right:
        assert right.signer.signing_cert.subject.native["serial_number"] == "197803122005022001"


@pytest.mark.parametrize("level", [SignatureLevel.B_B, SignatureLevel.B_LT], ids=["B-B", "B-LT"])
def test_remote_signer_over_loopback_http(remote_signing_server, pkcs12_signers, dev_pki, sk_pdf, verifier, level):
    before = remote_signing_server.sign_count
    remote = RemoteSigner.connect(remote_signing_server.url, "kadis", token=remote_signing_server.token)
    kadis = PadesSigner(remote, trust_roots=[dev_pki.root_cert_pem], tsa_url=dev_pki.tsa_url)
    signed = sign_both({"kabid": pkcs12_signers["kabid"], "kadis": kadis}, sk_pdf, level)
    assert remote_signing_server.sign_count == before + 1  # one digest out, one signature back: no dry run
    reports = verifier.verify(signed)
    for report in reports:
        assert_good(report, level)
    assert reports[1].signer_nip == "196905141994031005"


def test_remote_signer_refuses_wrong_token(remote_signing_server):
    with pytest.raises(SigningError) as err:
        RemoteSigner.connect(remote_signing_server.url, "kadis", token="wrong")
    assert err.value.code is SigningErrorCode.BAD_PASSPHRASE


def test_remote_signer_with_another_key_is_not_the_certified_one(dev_pki, sk_pdf, verifier):
    """The server signs with a key that does not match the certificate it hands out: the signature must
    come out invalid, proving the verifier really checks the remote signature value."""
    server = LoopbackSigningServer(token="t")
    kadis, kabid = dev_pki.signers["kadis"], dev_pki.signers["kabid"]
    server.add_pkcs12("kadis", kadis.p12_path, kadis.passphrase)
    server.add_pkcs12("kabid", kabid.p12_path, kabid.passphrase)
    server.keys["kadis"] = (server.keys["kabid"][0], server.keys["kadis"][1])  # Kabid's key, Kadis's certs
    server.start()
    try:
        signer = PadesSigner(RemoteSigner.connect(server.url, "kadis", token="t"), trust_roots=[])
        signed = signer.sign(sk_pdf, field="kadis", level=SignatureLevel.B_B)
    finally:
        server.stop()
    report = verifier.verify(signed)[0]
    assert report.intact and not report.valid
    assert ReasonCode.SIGNATURE_INVALID in report.reasons


# -- failures that must be loud -------------------------------------------------------------------------------


def test_wrong_passphrase(dev_pki):
    keys = dev_pki.signers["kabid"]
    with pytest.raises(SigningError) as err:
        PadesSigner.from_pkcs12(keys.p12_path, "not-the-passphrase", trust_roots=[dev_pki.root_cert_pem])
    assert err.value.code is SigningErrorCode.BAD_PASSPHRASE
    assert "not-the-passphrase" not in str(err.value)
    # not a PKCS#12 file, or no file: the key is unavailable, whatever the passphrase
    for path in (keys.cert_pem, dev_pki.directory / "missing.p12"):
        with pytest.raises(SigningError) as err:
            PadesSigner.from_pkcs12(path, keys.passphrase)
        assert err.value.code is SigningErrorCode.KEY_UNAVAILABLE


def test_tsa_unreachable_at_b_t(dev_pki, animator, sk_pdf):
    keys = dev_pki.signers["kabid"]
    dead = f"http://127.0.0.1:{free_loopback_port()}/naskah-dev/tsa/tsa"
    signer = PadesSigner.from_pkcs12(keys.p12_path, keys.passphrase, trust_roots=[dev_pki.root_cert_pem],
                                     tsa_url=dead, timeout=2)
    with pytest.raises(SigningError) as err:
        signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    assert err.value.code is SigningErrorCode.TIMESTAMP_FAILED
    # B-B needs no TSA and still works with the same signer
    assert signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_B).startswith(sk_pdf[:8])


def test_ocsp_unreachable_at_b_lt(other_pki, sk_pdf):
    """other_pki's certificates name an OCSP responder/CRL on a port nobody serves; its TSA is served
    elsewhere, so only the revocation fetch can fail."""
    tsa = other_pki.serve_animator(port=0)
    try:
        keys = other_pki.signers["kabid"]
        signer = PadesSigner.from_pkcs12(
            keys.p12_path, keys.passphrase, trust_roots=[other_pki.root_cert_pem],
            tsa_url=f"{tsa.url}/naskah-dev/tsa/tsa", timeout=2,
        )
        assert signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)  # the TSA itself works
        with pytest.raises(SigningError) as err:
            signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_LT)
        assert err.value.code is SigningErrorCode.REVOCATION_FAILED
    finally:
        tsa.stop()


def test_signing_with_revoked_certificate_at_b_lt_is_refused(pkcs12_signers, sk_pdf):
    with pytest.raises(SigningError) as err:
        pkcs12_signers["revoked"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_LT)
    assert err.value.code is SigningErrorCode.CERTIFICATE_REVOKED


def test_revoked_certificate_reported(pkcs12_signers, dev_pki, sk_pdf, verifier, online_verifier):
    """A B-T signature by a revoked certificate, brought to B-LT by adding the CA's CRL to the DSS:
    the offline verifier sees the revocation in the document itself, the online one via OCSP."""
    signed = pkcs12_signers["revoked"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    crl = asn1_crl.CertificateList.load(requests.get(dev_pki.crl_url, timeout=5).content)
    assert any(
        rc["user_certificate"].native == load_certs([dev_pki.signers["revoked"].cert_pem])[0].serial_number
        for rc in crl["tbs_cert_list"]["revoked_certificates"]
    )
    buf = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(
        buf, None, crls=[crl], certs=load_certs([dev_pki.interm_cert_pem]), force_write=True
    )
    augmented = buf.getvalue()
    for v in (verifier, online_verifier):
        report = v.verify(augmented)[0]
        assert report.intact and report.valid
        assert report.revoked and not report.trusted
        assert ReasonCode.REVOKED in report.reasons
    # without the DSS, only the online verifier can know
    assert online_verifier.verify(signed)[0].revoked


def test_byte_flipped_is_not_intact(pkcs12_signers, sk_pdf, verifier):
    signed = sign_both(pkcs12_signers, sk_pdf, SignatureLevel.B_B, stamped=False)
    at = signed.index(b"MEMUTUSKAN")
    tampered = signed[:at] + b"MEMUTUSKAM" + signed[at + 10 :]
    for report in verifier.verify(tampered):
        assert not report.intact
        assert ReasonCode.DIGEST_MISMATCH in report.reasons
        assert report.level is None


def test_incremental_update_after_last_signature_is_reported(pkcs12_signers, sk_pdf, verifier):
    signed = sign_both(pkcs12_signers, sk_pdf, SignatureLevel.B_T, stamped=False)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    extra = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf 72 100 Td (NOMOR DIUBAH) Tj ET"))
    writer.add_stream_to_page(0, extra)
    out = io.BytesIO()
    writer.write(out)
    reports = by_field(verifier.verify(out.getvalue()))
    kadis = reports["kadis"]
    assert kadis.intact and kadis.valid  # the signed bytes are untouched ...
    assert not kadis.covers_whole_document  # ... but something came after them
    assert kadis.modification_level == "other"
    assert ReasonCode.MODIFIED_AFTER_SIGNING in kadis.reasons
    assert any("not permitted" in m for m in kadis.modifications)
    assert ReasonCode.MODIFIED_AFTER_SIGNING in reports["kabid"].reasons


def test_unknown_ca_is_untrusted(other_pki, sk_pdf, verifier):
    keys = other_pki.signers["kabid"]  # same names, different root key
    signer = PadesSigner.from_pkcs12(keys.p12_path, keys.passphrase)
    report = verifier.verify(signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_B))[0]
    assert report.intact and report.valid and not report.trusted
    assert ReasonCode.UNTRUSTED in report.reasons
    assert report.level is SignatureLevel.B_B  # the level is a matter of structure, not of trust
    # the other PKI's own verifier trusts it
    assert PadesVerifier([other_pki.root_cert_pem]).verify(
        signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_B)
    )[0].trusted


def test_field_already_signed_and_invalid_pdf(pkcs12_signers, sk_pdf):
    once = pkcs12_signers["kabid"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_B)
    with pytest.raises(SigningError) as err:
        pkcs12_signers["kabid"].sign(once, field="kabid", level=SignatureLevel.B_B)
    assert err.value.code is SigningErrorCode.FIELD_ALREADY_SIGNED
    with pytest.raises(SigningError) as err:
        pkcs12_signers["kabid"].sign(b"%PDF-1.7\nnot really", field="kabid", level=SignatureLevel.B_B)
    assert err.value.code is SigningErrorCode.INVALID_PDF


def test_existing_fields_only(dev_pki, sk_pdf):
    keys = dev_pki.signers["kabid"]
    strict = PadesSigner.from_pkcs12(keys.p12_path, keys.passphrase, existing_fields_only=True)
    with pytest.raises(SigningError) as err:
        strict.sign(sk_pdf, field="sekretaris", level=SignatureLevel.B_B)
    assert err.value.code is SigningErrorCode.FIELD_MISSING


# -- agreement with pyHanko's own CLI validator ---------------------------------------------------------------


def _cli_summary(pdf: Path, trust: Path) -> dict[str, str]:
    exe = Path(__import__("sys").executable).with_name("pyhanko")
    assert exe.exists(), "pyhanko-cli is missing: run scripts/bootstrap.sh"
    done = subprocess.run(
        [str(exe), "sign", "validate", "--executive-summary", "--trust", str(trust), "--trust-replace", str(pdf)],
        capture_output=True, text=True, timeout=120,
    )
    lines = [ln.split(":") for ln in done.stdout.splitlines() if ln.count(":") >= 2]
    return {parts[0]: parts[-1] for parts in lines}


def test_agrees_with_pyhanko_cli(pkcs12_signers, dev_pki, other_pki, sk_pdf, online_verifier, tmp_path):
    good = sign_both(pkcs12_signers, sk_pdf, SignatureLevel.B_LT)
    revoked = pkcs12_signers["revoked"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    foreign = PadesSigner.from_pkcs12(other_pki.signers["kadis"].p12_path, other_pki.signers["kadis"].passphrase)
    untrusted = foreign.sign(sk_pdf, field="kadis", level=SignatureLevel.B_B)
    at = good.index(b"MEMUTUSKAN")
    flipped = good[:at] + b"MEMUTUSKAM" + good[at + 10 :]
    cases = {"good": good, "revoked": revoked, "untrusted": untrusted, "flipped": flipped}
    verdicts = {}
    for name, pdf in cases.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        cli = _cli_summary(path, dev_pki.root_cert_pem)
        ours = {r.field: r.intact and r.valid and r.trusted and not r.revoked for r in online_verifier.verify(pdf)}
        assert set(cli) == set(ours), (name, cli, ours)
        for field, ok in ours.items():
            assert (cli[field] == "VALID") is ok, (name, field, cli, ours)
        verdicts[name] = ours
    assert verdicts["good"] == {"kabid": True, "kadis": True}
    assert verdicts["revoked"] == {"kabid": False}
    assert verdicts["untrusted"] == {"kadis": False}
    assert verdicts["flipped"] == {"kabid": False, "kadis": False}


# -- the visible stamp ----------------------------------------------------------------------------------------


def test_stamp_text_and_embedded_font(pkcs12_signers, sk_pdf, tmp_path):
    path = tmp_path / "stamped.pdf"
    path.write_bytes(sign_both(pkcs12_signers, sk_pdf, SignatureLevel.B_B))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for stamp in (KABID_STAMP, KADIS_STAMP):
        # the four lines in order (a long jabatan may wrap inside the stamp: whitespace is normalised)
        assert " ".join(stamp.lines()) in text, text
    assert text.count("Telah ditandatangani secara elektronik oleh:") == 2
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    noto = [ln.split() for ln in fonts.splitlines() if "NotoSans" in ln]
    assert len(noto) == 2, fonts  # one subset per signature appearance
    for cols in noto:
        # columns: name type... encoding emb sub uni id gen; emb/sub/uni must all be "yes"
        assert cols[-5:-2] == ["yes", "yes", "yes"], fonts


def test_stamp_qr_code_decodes_to_verification_url(pkcs12_signers, sk_pdf, tmp_path):
    import zxingcpp
    from PIL import Image

    path = tmp_path / "qr.pdf"
    path.write_bytes(sign_both(pkcs12_signers, sk_pdf, SignatureLevel.B_B))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    (png,) = tmp_path.glob("page*.png")
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [QR_URL, QR_URL]


def test_stamp_placed_at_template_anchor(pkcs12_signers, sk_pdf):
    from pypdf import PdfReader

    signed = pkcs12_signers["kabid"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_B, stamp=KABID_STAMP,
                                          qr_url=QR_URL)
    anchor = find_anchor(sk_pdf, "#ttd-kabid#")
    annots = [a.get_object() for a in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]]
    rects = {str(a["/T"]): [float(v) for v in a["/Rect"]] for a in annots}
    assert rects["kabid"] == pytest.approx([round(v) for v in anchor.box], abs=0.5)
    assert rects["kabid"][2] - rects["kabid"][0] == pytest.approx(8 * 72 / 2.54, abs=1)


# -- anchors and fields ---------------------------------------------------------------------------------------


def test_find_anchor_on_sample_and_missing():
    pdf = sk_sample_pdf(pages=2)
    kabid = find_anchor(pdf, "#ttd-kabid#")
    kadis = find_anchor(pdf, "#ttd-kadis#")
    assert kabid is not None and kadis is not None
    assert kabid.page == 0 and kadis.page == 0
    assert kabid.box[0] == pytest.approx(60) and kadis.box[0] == pytest.approx(330)
    assert kabid.box[3] == pytest.approx(512)  # the anchor's top (baseline 510 + 2 pt)
    assert kadis.box[3] - kadis.box[1] == pytest.approx(2.4 * 72 / 2.54)
    assert find_anchor(pdf, "#ttd-sekda#") is None


def test_prepare_fields_is_idempotent_and_unsigned(sk_pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    again = prepare_fields(sk_pdf, [("kabid", StampPlacement(0, (0, 0, 10, 10)))])
    fields = list(enumerate_sig_fields(PdfFileReader(io.BytesIO(again))))
    assert [(name, value) for name, value, _ in fields] == [("kabid", None), ("kadis", None)]


def test_devpki_ensure_is_idempotent(dev_pki):
    before = {p.name: p.stat().st_mtime_ns for p in dev_pki.directory.glob("*.p12")}
    again = DevPki.ensure(dev_pki.directory, base_url=dev_pki.base_url)
    assert again == dev_pki
    assert {p.name: p.stat().st_mtime_ns for p in dev_pki.directory.glob("*.p12")} == before
    assert (dev_pki.directory / "README-TEST-ONLY.txt").read_text().startswith("TEST ONLY")


# -- documents we did not make ----------------------------------------------------------------------------------


def test_verifies_a_non_pades_signature(dev_pki, sk_pdf, verifier):
    """Any signed PDF, here adbe.pkcs7.detached made by pyHanko directly: judged, but no PAdES level."""
    from pyhanko.sign import fields, signers

    keys = dev_pki.signers["kadis"]
    signer = signers.SimpleSigner.load_pkcs12(str(keys.p12_path), passphrase=keys.passphrase.encode())
    meta = signers.PdfSignatureMetadata(field_name="kadis", subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(sk_pdf)), meta, signer=signer).getvalue()
    (report,) = verifier.verify(signed)
    assert report.intact and report.valid and report.trusted
    assert report.level is None
    assert verifier.verify(sk_pdf) == []  # fields prepared, nothing signed yet


@pytest.mark.slow
def test_anchors_in_a_libreoffice_pdf(tmp_path, pkcs12_signers, verifier):
    """The sk-service template's way: white 2 pt anchor runs in a DOCX, converted by LibreOffice."""
    import shutil

    import docx
    from docx.shared import Pt, RGBColor

    assert shutil.which("soffice"), "LibreOffice is missing: run scripts/bootstrap.sh"
    doc = docx.Document()
    doc.add_paragraph("KEPUTUSAN KEPALA DINAS PEMBERDAYAAN MASYARAKAT DAN KAMPUNG")
    for _ in range(8):
        doc.add_paragraph("Menimbang bahwa data profil kampung perlu dikembangkan.")
    for jabatan, anchor, nama in (
        ("Kepala Bidang Layanan Komunikasi dan Informatika,", "#ttd-kabid#", "Rahmi Suryantari, ST, M.Si"),
        ("KEPALA DINAS PEMBERDAYAAN MASYARAKAT,", "#ttd-kadis#", "Drs. Yohanes Rumbiak, M.Si"),
    ):
        doc.add_paragraph(jabatan)
        run = doc.add_paragraph().add_run(anchor)
        run.font.size = Pt(2)
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        for _ in range(4):
            doc.add_paragraph("")
        doc.add_paragraph(nama)
    src = tmp_path / "sk.docx"
    doc.save(src)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = (tmp_path / "sk.pdf").read_bytes()
    kabid, kadis = find_anchor(pdf, "#ttd-kabid#"), find_anchor(pdf, "#ttd-kadis#")
    assert kabid is not None and kadis is not None, "anchors not found in LibreOffice output"
    assert kabid.box[1] > kadis.box[3] - 1e-6 or kabid.page < kadis.page  # the Kabid's block comes first
    assert 50 < kabid.box[0] < 120  # the left margin of a default A4/Letter page
    signed = sign_both(pkcs12_signers, prepare_fields(pdf, [("kabid", kabid), ("kadis", kadis)]),
                       SignatureLevel.B_B)
    assert all(r.intact and r.valid and r.trusted and not r.reasons for r in verifier.verify(signed))
    (tmp_path / "signed.pdf").write_bytes(signed)
    text = subprocess.run(["pdftotext", str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text.count("Telah ditandatangani secara elektronik oleh:") == 2


def test_contents_reservation_fits_and_recovers_when_short(dev_pki, animator, sk_pdf, verifier):
    """/Contents is sized from the real chain and TSA token; if that ever falls short, pyHanko measures."""
    keys = dev_pki.signers["kabid"]
    signer = PadesSigner.from_pkcs12(keys.p12_path, keys.passphrase, trust_roots=[dev_pki.root_cert_pem],
                                     tsa_url=dev_pki.tsa_url)
    signed = signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_T)
    from pyhanko.pdf_utils.reader import PdfFileReader

    (emb,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    used = len(emb.signed_data.dump()) + 32  # ContentInfo wrapper
    reserved_bytes = len(emb.pkcs7_content)
    assert used <= reserved_bytes <= 2 * used + 2048, (used, reserved_bytes)  # fits, without gross waste
    signer._reserved[SignatureLevel.B_B] = 512  # far too small for any CMS with a certificate in it
    report = verifier.verify(signer.sign(sk_pdf, field="kabid", level=SignatureLevel.B_B))[0]
    assert report.intact and report.valid and report.trusted
    assert signer._reserved[SignatureLevel.B_B] == 1024
