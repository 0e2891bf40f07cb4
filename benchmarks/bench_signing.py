"""PAdES signing and verification timings against the local certomancer PKI (Animator on loopback).

Run: .venv/bin/python benchmarks/bench_signing.py [--rounds N]
Prints median / p95 per case and the speed-up over the naive baseline (pyHanko's SimpleSigner.load_pkcs12
per call, sizing /Contents with a dry-run signature), all measured in this one run.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from naskah_shared.naming import signature_anchor
from signature_service.adapters.anchors import find_anchor
from signature_service.adapters.pades import PadesSigner, prepare_fields
from signature_service.adapters.stamp import StampStyles
from signature_service.adapters.verification import PadesVerifier
from signature_service.pki.devpki import DevPki, free_loopback_port
from signature_service.pki.sample_pdf import sk_sample_pdf
from signature_service.service_layer.ports import SignatureLevel, StampText

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.stats import p95, timed

KABID = StampText("Kepala Bidang Layanan Komunikasi dan Informatika", "Rahmi Suryantari, ST, M.Si", "Pembina (IV/a)")
KADIS = StampText("Kepala Dinas Pemberdayaan Masyarakat dan Kampung", "Drs. Yohanes Rumbiak, M.Si",
                  "Pembina Utama Muda (IV/c)")
QR_URL = "https://naskah.example.go.id/verify/sk-2026-0001"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    rounds = args.rounds

    with tempfile.TemporaryDirectory(prefix="bench-signing-") as tmp:
        pki = DevPki.ensure(Path(tmp) / "pki", base_url=f"http://127.0.0.1:{free_loopback_port()}")
        animator = pki.serve_animator()
        try:
            return run(pki, rounds)
        finally:
            animator.stop()


def run(pki: DevPki, rounds: int) -> int:
    base = sk_sample_pdf()
    anchors = {who: find_anchor(base, signature_anchor(who)) for who in ("kabid", "kadis")}
    pdf = prepare_fields(base, [(who, place) for who, place in anchors.items() if place is not None])
    kabid_keys, kadis_keys = pki.signers["kabid"], pki.signers["kadis"]
    styles = StampStyles()
    styles.warm()
    kabid = PadesSigner.from_pkcs12(kabid_keys.p12_path, kabid_keys.passphrase, trust_roots=[pki.root_cert_pem],
                                    tsa_url=pki.tsa_url, stamp_styles=styles)
    kadis = PadesSigner.from_pkcs12(kadis_keys.p12_path, kadis_keys.passphrase, trust_roots=[pki.root_cert_pem],
                                    tsa_url=pki.tsa_url, stamp_styles=styles)

    def naive() -> bytes:
        signer = signers.SimpleSigner.load_pkcs12(str(kabid_keys.p12_path), passphrase=kabid_keys.passphrase.encode())
        meta = signers.PdfSignatureMetadata(field_name="kabid", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
        out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
        return out.getvalue()

    counter = iter(range(10**9))

    def sign(level: SignatureLevel, stamped: bool) -> Callable[[], bytes]:
        stamp = KABID if stamped else None
        # a new verification URL (so a new QR code) each time, as for distinct documents
        return lambda: kabid.sign(pdf, field="kabid", level=level, stamp=stamp, qr_url=f"{QR_URL}-{next(counter)}")

    two_bt = kadis.sign(sign(SignatureLevel.B_T, True)(), field="kadis", level=SignatureLevel.B_T, stamp=KADIS,
                        qr_url=QR_URL)
    two_blt = kadis.sign(sign(SignatureLevel.B_LT, True)(), field="kadis", level=SignatureLevel.B_LT, stamp=KADIS,
                         qr_url=QR_URL)
    verifier = PadesVerifier([pki.root_cert_pem], allow_fetching=False)
    assert all(r.trusted and r.intact for r in verifier.verify(two_blt))

    cases: list[tuple[str, Callable[[], object], float | None, int]] = [
        ("baseline: naive load_pkcs12 per call, B-B", naive, None, rounds),
        ("B-B invisible (key loaded once)", sign(SignatureLevel.B_B, False), 25, rounds),
        ("B-B with QR stamp", sign(SignatureLevel.B_B, True), 40, rounds),
        ("B-T with QR stamp (local TSA)", sign(SignatureLevel.B_T, True), 100, rounds),
        ("B-LT with QR stamp (TSA + OCSP/CRL)", sign(SignatureLevel.B_LT, True), 250, max(10, rounds // 2)),
        ("verify two-signature SK (B-T)", lambda: verifier.verify(two_bt), 100, rounds),
        ("verify two-signature SK (B-LT, DSS)", lambda: verifier.verify(two_blt), 100, rounds),
    ]
    results = []
    for name, fn, target, n in cases:
        times = timed(fn, n, 3, unit=1000)
        results.append((name, statistics.median(times), p95(times), target))
    baseline = results[0][1]

    print(f"{'case':44} {'median ms':>10} {'p95 ms':>8} {'x baseline':>10} {'target':>9}  ok")
    failed = False
    for name, med, p, target in results:
        ratio = baseline / med
        shown = f"{ratio:10.1f}" if not name.startswith("verify") else f"{'-':>10}"
        ok = target is None or med <= target
        if name.startswith("B-B invisible"):
            ok = ok and ratio >= 4
        failed |= not ok
        tgt = "-" if target is None else f"<={target:g}"
        print(f"{name:44} {med:10.1f} {p:8.1f} {shown} {tgt:>9}  {'yes' if ok else 'NO'}")
    print("(B-B invisible must also be >= 4x the baseline)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
