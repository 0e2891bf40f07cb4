"""The verification corpus (issue 12): signed PDFs from several signers and the attacks a public verifier
must see through, generated into a directory (nothing binary is committed).

Run alone: ``.venv/bin/python -m tests.verify_corpus.make_corpus OUT_DIR`` (makes its own TEST-ONLY PKIs and
serves the TSA/OCSP on loopback while signing). The tests call ``build`` with the session's PKI and signers.

Cases and where they come from:
- signers: naskah's PadesSigner (B-LT, B-LTA), pyHanko's API, endesive (PyPI), pyHanko's CLI with a
  foreign CA;
- tampering: one byte flipped in a signed range; after the last signature a content stream replaced, an
  overlay annotation added, the page swapped (shadow attacks: replace, hide, hide-and-replace, Mainka et
  al. 2021); a new catalog the trailer re-points to (incremental saving attack, Mladenov et al. 2019); the
  signature dictionary re-pointed to a second /Contents and a /ByteRange that leaves part of the revision
  out (signature wrapping); JavaScript added after signing;
- malformed: a CMS without certificates, with two SignerInfos, not CMS at all (one damaged signature of
  six), a truncated file, a 100 000-level nested array, a page tree claiming 2^31 pages;
- structure: an empty signature field, a thousand (and 3 000) fields sharing one signature dictionary,
  24 signatures, encrypted with an empty user password and with a real one.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign import fields, signers

from naskah_shared.naming import signature_anchor
from signature_service.adapters.pades import PadesSigner
from signature_service.pki.devpki import DevPki
from signature_service.service_layer.ports import SignatureLevel

USER_PASSWORD = "rahasia-kampung"  # TEST ONLY
PYHANKO = Path(sys.executable).with_name("pyhanko")


def build(out: Path, pki: DevPki, other_pki: DevPki, naskah: dict[str, PadesSigner], sk_pdf: bytes) -> dict[str, Path]:
    """Write every case into ``out``; returns name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    cases: dict[str, bytes] = {}
    kabid = _simple_signer(pki, "kabid")
    kadis = _simple_signer(pki, "kadis")
    sk = naskah["kadis"].sign(naskah["kabid"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_LT),
                              field="kadis", level=SignatureLevel.B_LT)
    cases["naskah_b_lt"] = sk
    cases["naskah_b_lta"] = naskah["kabid"].sign(sk_pdf, field="kabid", level=SignatureLevel.B_LTA)
    cases["naskah_prepared_unsigned"] = sk_pdf
    base = _plain_pdf(sk_pdf)
    one = _pyhanko_sign(base, kabid, "Kabid")
    cases["pyhanko_api"] = one
    cases["endesive"] = _endesive_sign(base, pki, "kabid")
    cases["pyhanko_cli_foreign_ca"] = _cli_sign(base, other_pki, "kadis", out)
    cases["empty_field_beside_signed"] = _add_empty_field(one, "Kosong")

    flipped = bytearray(sk)
    at = sk.index(b"KEPUTUSAN")  # in the page content, inside the first signed range
    flipped[at] ^= 0x01
    cases["byte_flipped"] = bytes(flipped)

    cases["shadow_replace_content"] = _replace_content(one)
    cases["shadow_hide_overlay"] = _overlay_annotation(one)
    cases["shadow_swap_page"] = _swap_page(one)
    cases["incremental_saving_attack"] = _new_catalog(one)
    cases["javascript_after_signing"] = _javascript(one)
    cases["wrapping_second_contents"] = _second_contents(one, _pyhanko_sign(base, kadis, "Other"))
    cases["wrapping_byterange"] = _short_byterange(base, kabid)
    cases["cms_without_certificates"] = _rewrite_cms(one, _strip_certificates)
    cases["cms_two_signer_infos"] = _rewrite_cms(one, _two_signer_infos)

    six, damaged = base, base
    for i in range(6):
        who = kabid if i % 2 == 0 else kadis
        six = _pyhanko_sign(six, who, f"Sig{i + 1}")
        damaged = _pyhanko_sign(damaged, who, f"Sig{i + 1}")
        if i == 2:  # the third signer's tool wrote a broken CMS; the next three signed over it
            damaged = _rewrite_cms(damaged, lambda _ci: b"\x30\x03\x02\x01\x00", field_index=2)
    cases["six_one_damaged"] = damaged
    cases["six_signatures"] = six

    cases["truncated"] = sk[: len(sk) // 2]
    cases["nested_array_100k"] = _append_catalog_entry(one, "/Naskah", b"[" * 100_000 + b"]" * 100_000)
    cases["huge_count"] = _huge_count(one)
    cases["encrypted_empty_user_password"] = _encrypted(base, kabid, user="")
    cases["encrypted_user_password"] = _encrypted(base, kabid, user=USER_PASSWORD)
    cases["fields_1000_one_signature"] = _shared_fields(one, 1000)
    cases["fields_3000_one_signature"] = _shared_fields(one, 3000)
    many = base
    for i in range(24):
        many = _pyhanko_sign(many, kabid if i % 2 == 0 else kadis, f"Paraf{i + 1:02d}")
    cases["signatures_24"] = many

    paths = {}
    for name, data in cases.items():
        path = out / f"{name}.pdf"
        path.write_bytes(data)
        paths[name] = path
    return paths


# --- signers ----------------------------------------------------------------------------------------------
def _simple_signer(pki: DevPki, who: str) -> signers.SimpleSigner:
    keys = pki.signers[who]
    signer = signers.SimpleSigner.load_pkcs12(keys.p12_path, passphrase=keys.passphrase.encode())
    assert signer is not None
    return signer


def _pyhanko_sign(pdf: bytes, signer: signers.Signer, field: str) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(w, meta, signer=signer).getvalue()


def _endesive_sign(pdf: bytes, pki: DevPki, who: str) -> bytes:
    from cryptography.hazmat.primitives.serialization import pkcs12

    endesive_cms = _endesive_pdf_cms()
    keys = pki.signers[who]
    key, cert, others = pkcs12.load_key_and_certificates(keys.p12_path.read_bytes(), keys.passphrase.encode())
    udct = {"sigflags": 3, "contact": "kabid@dpmk.example.go.id", "location": "Jayapura",
            "signingdate": "D:20261201090000+00'00'", "reason": "Menyetujui", "signature": "Kabid (endesive)"}
    import pypdf.generic

    # endesive 3.0.1 still passes pypdf < 5's encryption_key to DictionaryObject.write_to_stream (pypdf 7
    # takes the stream only): accept and drop it while endesive writes
    original = pypdf.generic.DictionaryObject.write_to_stream
    pypdf.generic.DictionaryObject.write_to_stream = lambda self, stream, _key=None: original(self, stream)
    try:
        return pdf + endesive_cms.sign(pdf, udct, key, cert, list(others or []), "sha256")
    finally:
        pypdf.generic.DictionaryObject.write_to_stream = original


def _endesive_pdf_cms():  # a module
    """endesive's PDF signer without ``endesive.pdf/__init__``: that imports its verifier, whose oscrypto 1.3
    cannot parse the version of Debian's OpenSSL 3.0.19 (oscrypto issue 78); signing needs none of it."""
    import importlib
    import types

    import endesive

    if "endesive.pdf" not in sys.modules:
        package = types.ModuleType("endesive.pdf")
        package.__path__ = [str(Path(endesive.__file__).parent / "pdf")]
        sys.modules["endesive.pdf"] = package
    return importlib.import_module("endesive.pdf.cms")


def _cli_sign(pdf: bytes, pki: DevPki, who: str, work: Path) -> bytes:
    """pyHanko's command line (``pyhanko sign addsig pkcs12``), with a CA naskah does not trust."""
    src, dst = work / "_cli_in.pdf", work / "_cli_out.pdf"
    src.write_bytes(pdf)
    keys = pki.signers[who]
    passfile = work / "_cli_pass"
    passfile.write_text(keys.passphrase)
    subprocess.run([str(PYHANKO), "sign", "addsig", "--field", "Asing", "pkcs12", "--passfile", str(passfile),
                    str(src), str(dst), str(keys.p12_path)], check=True, capture_output=True, timeout=60)
    data = dst.read_bytes()
    for p in (src, dst, passfile):
        p.unlink()
    return data


# --- documents --------------------------------------------------------------------------------------------
def _plain_pdf(sk_pdf: bytes) -> bytes:
    """The sample SK's page without naskah's prepared fields (other tools add their own)."""
    reader = PdfFileReader(io.BytesIO(sk_pdf))
    w = copy_into_new_writer(reader)
    if "/AcroForm" in w.root:
        del w.root["/AcroForm"]
    page = w.root["/Pages"]["/Kids"][0].get_object()
    if "/Annots" in page:
        del page["/Annots"]
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _add_empty_field(pdf: bytes, name: str) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(w, fields.SigFieldSpec(name, on_page=0, box=(300, 100, 500, 160)))
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _update(pdf: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(w)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _text_stream(text: str, y: int = 650) -> generic.StreamObject:
    return generic.StreamObject(stream_data=f"BT /F1 11 Tf 72 {y} Td ({text}) Tj ET".encode())


def _first_page(w: IncrementalPdfFileWriter) -> generic.IndirectObject:
    return w.root["/Pages"]["/Kids"].raw_get(0)


def _replace_content(pdf: bytes) -> bytes:
    """Shadow attack "replace": the page's content stream object overwritten with other text."""
    def change(w: IncrementalPdfFileWriter) -> None:
        page = _first_page(w).get_object()
        contents = page.raw_get("/Contents")
        ref = contents.reference if isinstance(contents, generic.IndirectObject) else contents[0].reference
        w.objects[(ref.generation, ref.idnum)] = _text_stream("KESATU : Tim dibubarkan. (DIGANTI)")

    return _update(pdf, change)


def _overlay_annotation(pdf: bytes) -> bytes:
    """Shadow attack "hide": an opaque annotation over the decree's first lines, with new text on top."""
    def change(w: IncrementalPdfFileWriter) -> None:
        page_ref = _first_page(w)
        page = page_ref.get_object()
        ap = generic.StreamObject({pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
                                   pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v)
                                                                           for v in (0, 0, 480, 60)])},
                                  stream_data=b"1 g 0 0 480 60 re f")
        annot = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Square"),
            pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in (60, 630, 540, 690)]),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): w.add_object(ap)})})
        annots = page.get("/Annots", generic.ArrayObject())
        annots.append(w.add_object(annot))
        page[pdf_name("/Annots")] = annots
        w.mark_update(page_ref)

    return _update(pdf, change)


def _swap_page(pdf: bytes) -> bytes:
    """Shadow attack "hide-and-replace": the page tree's kid swapped for a new page with other content."""
    def change(w: IncrementalPdfFileWriter) -> None:
        pages_ref = w.root.raw_get("/Pages")
        pages = pages_ref.get_object()
        old = pages["/Kids"][0]
        new_page = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Page"), pdf_name("/Parent"): pages_ref,
            pdf_name("/MediaBox"): old["/MediaBox"], pdf_name("/Resources"): old.raw_get("/Resources"),
            pdf_name("/Contents"): w.add_object(_text_stream("SK PALSU: halaman pengganti"))})
        if "/Annots" in old:
            new_page[pdf_name("/Annots")] = old.raw_get("/Annots")  # keep the widget: the stamp still shows
        pages[pdf_name("/Kids")] = generic.ArrayObject([w.add_object(new_page)])
        w.mark_update(pages_ref)

    return _update(pdf, change)


def _new_catalog(pdf: bytes) -> bytes:
    """Incremental saving attack: a new catalog with its own page tree; the trailer's /Root points to it."""
    def change(w: IncrementalPdfFileWriter) -> None:
        old_root = w.root
        pages = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Pages"), pdf_name("/Count"):
                                          generic.NumberObject(1)})
        pages_ref = w.add_object(pages)
        old_page = old_root["/Pages"]["/Kids"][0]
        page = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/Page"), pdf_name("/Parent"): pages_ref,
            pdf_name("/MediaBox"): old_page["/MediaBox"], pdf_name("/Resources"): old_page.raw_get("/Resources"),
            pdf_name("/Contents"): w.add_object(_text_stream("Katalog baru: dokumen lain"))})
        pages[pdf_name("/Kids")] = generic.ArrayObject([w.add_object(page)])
        catalog = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Catalog"), pdf_name("/Pages"): pages_ref,
                                            pdf_name("/AcroForm"): old_root.raw_get("/AcroForm")})
        w._root = w.add_object(catalog)  # the attack: the trailer re-points the catalog
        w.trailer[pdf_name("/Root")] = w._root

    return _update(pdf, change)


def _javascript(pdf: bytes) -> bytes:
    def change(w: IncrementalPdfFileWriter) -> None:
        js = generic.DictionaryObject({pdf_name("/S"): pdf_name("/JavaScript"),
                                       pdf_name("/JS"): generic.TextStringObject("app.alert('naskah');")})
        w.root[pdf_name("/OpenAction")] = w.add_object(js)
        w.update_root()

    return _update(pdf, change)


def _append_catalog_entry(pdf: bytes, key: str, raw_value: bytes) -> bytes:
    """A raw incremental update: the catalog object re-written with one more entry (bytes as given)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    root_ref = reader.root_ref
    body = _raw_object_body(pdf, reader, root_ref)
    new_body = body.rstrip()[:-2] + key.encode() + b" " + raw_value + b"\n>>"
    return _raw_update(pdf, reader, {root_ref.idnum: new_body})


def _huge_count(pdf: bytes) -> bytes:
    """The page tree's /Count rewritten as 2^31 - 1 (one real page)."""
    def change(w: IncrementalPdfFileWriter) -> None:
        pages_ref = w.root.raw_get("/Pages")
        pages_ref.get_object()[pdf_name("/Count")] = generic.NumberObject(2**31 - 1)
        w.mark_update(pages_ref)

    return _update(pdf, change)


def _shared_fields(pdf: bytes, count: int) -> bytes:
    """``count`` signature fields whose /V is the one signature dictionary (the first field's)."""
    def change(w: IncrementalPdfFileWriter) -> None:
        acroform = w.root["/AcroForm"]
        field_list = acroform["/Fields"]
        first = field_list[0]
        sig_ref = first.raw_get("/V")
        page_ref = _first_page(w)
        for i in range(count - 1):
            field = generic.DictionaryObject({
                pdf_name("/FT"): pdf_name("/Sig"), pdf_name("/T"): generic.TextStringObject(f"Salinan{i:04d}"),
                pdf_name("/V"): sig_ref, pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"):
                    pdf_name("/Widget"), pdf_name("/Rect"): generic.ArrayObject([generic.NumberObject(0)] * 4),
                pdf_name("/P"): page_ref})
            field_list.append(w.add_object(field))
        w.update_container(field_list)
        acroform_raw = w.root.raw_get("/AcroForm")
        if isinstance(acroform_raw, generic.IndirectObject):
            w.mark_update(acroform_raw)
        else:
            w.update_root()

    return _update(pdf, change)


def _encrypted(pdf: bytes, signer: signers.Signer, *, user: str) -> bytes:
    """AES-256 (PDF 2.0) encryption, owner password set; the user password empty or real; then signed."""
    reader = PdfFileReader(io.BytesIO(pdf))
    w = copy_into_new_writer(reader)
    w.encrypt("pemilik-rahasia", user)  # TEST ONLY passwords
    buf = io.BytesIO()
    w.write(buf)
    iw = IncrementalPdfFileWriter(io.BytesIO(buf.getvalue()))
    iw.encrypt(user)
    meta = signers.PdfSignatureMetadata(field_name="Kabid", subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(iw, meta, signer=signer).getvalue()


# --- CMS and /ByteRange manipulation ----------------------------------------------------------------------
_CONTENTS = re.compile(rb"/Contents\s*<([0-9a-fA-F]+)>")


def _contents_spans(pdf: bytes) -> list[tuple[int, int]]:
    """(start, end) of each signature's hex /Contents, in file order (pyHanko writes them as hex strings)."""
    return [(m.start(1), m.end(1)) for m in _CONTENTS.finditer(pdf) if m.end(1) - m.start(1) > 2000]


def _rewrite_cms(pdf: bytes, change: Callable[[cms.ContentInfo], bytes], field_index: int = 0) -> bytes:
    """Replace one signature's CMS inside its /Contents gap (not signed bytes: the digest still matches)."""
    start, end = _contents_spans(pdf)[field_index]
    der = bytes.fromhex(pdf[start:end].decode()).rstrip(b"\x00")
    new = change(cms.ContentInfo.load(der)).hex().encode()
    assert len(new) <= end - start, "the new CMS must fit the reserved /Contents"
    return pdf[:start] + new + b"0" * (end - start - len(new)) + pdf[end:]


def _strip_certificates(ci: cms.ContentInfo) -> bytes:
    sd = ci["content"]
    sd["certificates"] = None
    return cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump(force=True)


def _two_signer_infos(ci: cms.ContentInfo) -> bytes:
    sd = ci["content"]
    infos = list(sd["signer_infos"])
    sd["signer_infos"] = cms.SignerInfos([infos[0].copy(), infos[0].copy()])
    return cms.ContentInfo({"content_type": "signed_data", "content": sd}).dump(force=True)


def _second_contents(pdf: bytes, other: bytes) -> bytes:
    """The signature dictionary rewritten in a later update with another signature's /Contents (wrapping)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    name, sig_ref = _first_sig_ref(reader)
    start, end = _contents_spans(other)[0]
    body = _raw_object_body(pdf, reader, sig_ref)
    new_body = _CONTENTS.sub(lambda m: b"/Contents <" + other[start:end] + b">", body, count=1)
    return _raw_update(pdf, reader, {sig_ref.idnum: new_body})


def _short_byterange(pdf: bytes, signer: signers.SimpleSigner) -> bytes:
    """Sign, then re-sign over a /ByteRange that stops before the end of the revision (the xref and trailer
    are left out), written in place with the same width; the CMS is made for exactly those ranges."""
    import asyncio
    import hashlib

    signed = _pyhanko_sign(pdf, signer, "Kabid")
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed)
    assert m is not None
    a, b, c, d = (int(x) for x in m.groups())
    d_short = d - 200
    text = f"/ByteRange [{a} {b} {c} {d_short}]".encode()
    text = text.ljust(m.end() - m.start(), b" ")
    out = signed[: m.start()] + text + signed[m.end():]
    digest = hashlib.sha256(out[a: a + b] + out[c: c + d_short]).digest()
    ci = asyncio.run(signer.async_sign(digest, "sha256"))
    start, end = _contents_spans(out)[0]
    new = ci.dump().hex().encode()
    return out[:start] + new + b"0" * (end - start - len(new)) + out[end:]


def _first_sig_ref(reader: PdfFileReader) -> tuple[str, generic.Reference]:
    field = reader.root["/AcroForm"]["/Fields"][0]
    return str(field["/T"]), field.raw_get("/V").reference


def _raw_object_body(pdf: bytes, reader: PdfFileReader, ref: generic.Reference) -> bytes:
    """The bytes between ``N G obj`` and ``endobj`` of the object's latest version (not in an object stream)."""
    found = list(re.finditer(rb"(?<![0-9])%d %d obj" % (ref.idnum, ref.generation), pdf))
    assert found, f"object {ref} is not written directly in the file"
    m = found[-1]
    end = pdf.index(b"endobj", m.end())
    return pdf[m.end(): end]


def _raw_update(pdf: bytes, reader: PdfFileReader, objects: dict[int, bytes]) -> bytes:
    """An incremental update written by hand: the objects, a classic xref section and a trailer."""
    trailer = reader.trailer_view
    prev = reader.xrefs.get_startxref_for_revision(reader.xrefs.total_revisions - 1)
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj" % num + body + b"endobj\n"
    xref_at = len(out)
    out += b"xref\n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (num, offsets[num])
    size = int(trailer["/Size"])
    root = reader.root_ref
    out += b"trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, root.idnum, root.generation, prev, xref_at)
    return bytes(out)


def main() -> int:
    import tempfile

    from signature_service.adapters.stamp import StampStyles
    from signature_service.pki.devpki import free_loopback_port
    from signature_service.pki.sample_pdf import sk_sample_pdf

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/verify-corpus")
    with tempfile.TemporaryDirectory(prefix="corpus-pki-") as tmp:
        pki = DevPki.ensure(Path(tmp) / "pki", base_url=f"http://127.0.0.1:{free_loopback_port()}")
        other = DevPki.ensure(Path(tmp) / "other", base_url=f"http://127.0.0.1:{free_loopback_port()}")
        animator = pki.serve_animator()
        try:
            styles = StampStyles()
            naskah = {who: PadesSigner.from_pkcs12(pki.signers[who].p12_path, pki.signers[who].passphrase,
                                                   trust_roots=[pki.root_cert_pem], tsa_url=pki.tsa_url,
                                                   stamp_styles=styles) for who in ("kabid", "kadis")}
            from signature_service.adapters.anchors import find_anchor
            from signature_service.adapters.pades import prepare_fields

            base = sk_sample_pdf()
            sk = prepare_fields(base, [(w, find_anchor(base, signature_anchor(w))) for w in ("kabid", "kadis")])
            for name, path in build(out, pki, other, naskah, sk).items():
                print(f"{name:36} {path.stat().st_size:>9} bytes")
            (out / "trust-root.pem").write_bytes(pki.root_cert_pem.read_bytes())
        finally:
            animator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
