"""Issue 12: every file of the verification corpus (tests/verify_corpus/make_corpus.py) gets its verdict in
ETSI EN 319 102-1 terms, within the time budget, and is compared with poppler's ``pdfsig``.

The verdicts are asserted with a generous budget (this machine is shared while tests run, and the verdict
must not depend on load); the 2 s promise is asserted separately with the production limits, where the
budget cuts a slow verification short instead of letting it run on.

pdfsig (poppler 22+, NSS) is asked the same question: its "Signature Validation" line is the integrity
and cryptographic verdict of each signature. It never says "trusted" here because its NSS database does
not hold the TEST-ONLY root; the comments say where and why our verdict differs from its one.
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
from pathlib import Path

import pytest

from signature_service.adapters.verification import PadesVerifier, VerificationLimits
from signature_service.service_layer.ports import (
    DocumentVerification,
    Indication,
    SignatureLevel,
    SubIndication,
    VerificationError,
)
from tests.signature.conftest import two_seconds
from tests.verify_corpus.make_corpus import USER_PASSWORD

P, F, I = Indication.TOTAL_PASSED, Indication.TOTAL_FAILED, Indication.INDETERMINATE  # noqa: E741
VALID, MISMATCH, UNKNOWN = "Signature is Valid", "Digest Mismatch", "Unknown Validation Failure"


@pytest.fixture(scope="module")
def corpus(verify_corpus) -> dict[str, Path]:
    return verify_corpus


@pytest.fixture(scope="module")
def patient(dev_pki) -> PadesVerifier:
    """The production verifier with a budget no shared machine runs out of: the verdict, not the clock."""
    return PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60))


@pytest.fixture(scope="module")
def production(dev_pki) -> PadesVerifier:
    verifier = PadesVerifier([dev_pki.root_cert_pem])  # the defaults of NASKAH_VERIFY_*
    assert verifier.pool is not None and verifier.pool.ready(60)  # as a service is, by its first request
    return verifier


def pdfsig(path: Path, password: str | None = None) -> list[str]:
    """pdfsig's "Signature Validation" verdict per signature field, in its order."""
    args = ["pdfsig", *(["-upw", password] if password else []), str(path)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=60).stdout
    return re.findall(r"Signature Validation: (.+?)\.?$", out, re.M)


def entries(report: DocumentVerification) -> list[tuple[str, Indication, SubIndication | None]]:
    return [(r.field, r.indication, r.sub_indication) for r in report.signatures + report.timestamps]


def changes(report: DocumentVerification, field: str) -> set[str]:
    return {m.code for r in report.signatures if r.field == field for m in r.changes}


# name -> (document indication, [(field, indication, sub-indication)], change codes of the first signature,
#          pdfsig's verdicts)
EXPECTED = {
    "naskah_b_lt": (P, [("kabid", P, None), ("kadis", P, None)], {"signature_added", "validation_data_added"},
                    [VALID, VALID]),
    # pdfsig lists the document timestamp (and the Kadis's prepared, empty field) but does not verify
    # ETSI.RFC3161 timestamps ("not yet been verified"); we verify it as its own entry
    "naskah_b_lta": (P, [("kabid", P, None), (None, P, None)], {"timestamp_added", "validation_data_added"},
                     [VALID, "Signature has not yet been verified"]),
    "naskah_prepared_unsigned": (I, [], set(), []),
    "pyhanko_api": (P, [("Kabid", P, None)], set(), [VALID]),
    "endesive": (P, [("Signature1", P, None)], set(), [VALID]),
    # same verdict: the CMS verifies; pdfsig's separate certificate line says "issuer isn't Trusted"
    "pyhanko_cli_foreign_ca": (I, [("Asing", I, SubIndication.NO_CERTIFICATE_CHAIN_FOUND)], set(), [VALID]),
    "empty_field_beside_signed": (P, [("Kabid", P, None)], set(), [VALID]),
    "byte_flipped": (F, [("kabid", F, SubIndication.HASH_FAILURE), ("kadis", F, SubIndication.HASH_FAILURE)],
                     {"signature_added", "validation_data_added"}, [MISMATCH, MISMATCH]),
    # shadow and incremental saving attacks: pdfsig checks only the bytes each /ByteRange covers and says
    # "Not total document signed"; it does not compare what later updates did, so it calls them valid
    "shadow_replace_content": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"page_content_changed"},
                               [VALID]),
    "shadow_hide_overlay": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"annotation_added"},
                            [VALID]),
    "shadow_swap_page": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"page_replaced"}, [VALID]),
    "incremental_saving_attack": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)],
                                  {"catalog_replaced", "page_replaced"}, [VALID]),
    "javascript_after_signing": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"object_replaced"},
                                 [VALID]),
    "wrapping_second_contents": (F, [("Kabid", F, SubIndication.HASH_FAILURE)], {"object_replaced"}, [MISMATCH]),
    # pdfsig accepts a /ByteRange that leaves the signed revision's own xref and trailer out; ISO 32000-2
    # 12.8.1 has it cover the whole revision but the /Contents value, so that is a FORMAT_FAILURE here
    "wrapping_byterange": (F, [("Kabid", F, SubIndication.FORMAT_FAILURE)], {"object_replaced"}, [VALID]),
    # same verdict in other words: pdfsig cannot find the signer certificate either
    "cms_without_certificates": (I, [("Kabid", I, SubIndication.NO_SIGNING_CERTIFICATE_FOUND)], set(), [UNKNOWN]),
    # pdfsig verifies the first of the two SignerInfos; PAdES (ETSI EN 319 142-1 clause 5.1, CAdES
    # detached with one signer) and pyHanko admit exactly one, so which one "signed" is ambiguous
    "cms_two_signer_infos": (F, [("Kabid", F, SubIndication.FORMAT_FAILURE)], set(), [VALID]),
    "six_one_damaged": (F, [("Sig1", P, None), ("Sig2", P, None), ("Sig3", F, SubIndication.FORMAT_FAILURE),
                            ("Sig4", P, None), ("Sig5", P, None), ("Sig6", P, None)], {"signature_added"},
                        [VALID, VALID, UNKNOWN, VALID, VALID, VALID]),
    "six_signatures": (P, [(f"Sig{i}", P, None) for i in range(1, 7)], {"signature_added"}, [VALID] * 6),
    # pdfsig reconstructs the cross-reference table of the cut file by scanning it and checks the first
    # signature, whose bytes survived; we do not guess a damaged file's structure: 422 (see below)
    "truncated": (None, [], set(), [VALID]),
    # poppler stops at its nesting limit and skips the object; the latest catalog holds the array, so the
    # document as any reader would show it cannot be read: 422
    "nested_array_100k": (None, [], set(), [VALID]),
    # pdfsig complains about the page count and still says valid: the /Pages object was rewritten after
    # signing, which no signature allows
    "huge_count": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"object_replaced"}, [VALID]),
    "encrypted_empty_user_password": (P, [("Kabid", P, None)], set(), [VALID]),
    "encrypted_user_password": (P, [("Kabid", P, None)], set(), [VALID]),
    # pdfsig verifies the one signature 1000 times (each field is "a signature"); it is one signature
    # followed by 999 fields added after it, which the difference analysis does not permit
    "fields_1000_one_signature": (I, [("Kabid", I, SubIndication.SIG_CONSTRAINTS_FAILURE)], {"object_replaced"},
                                  [VALID] * 1000),
    "signatures_24": (P, [(f"Paraf{i:02d}", P, None) for i in range(1, 25)], {"signature_added"}, [VALID] * 24),
}
REFUSED = {"truncated": "invalid_pdf", "nested_array_100k": "invalid_pdf"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_verdict_and_pdfsig(corpus, patient, name):
    indication, expected, first_changes, poppler = EXPECTED[name]
    path = corpus[name]
    password = USER_PASSWORD if name == "encrypted_user_password" else None
    assert pdfsig(path, password) == poppler, "pdfsig's verdicts changed: re-read the comment on this case"
    if name in REFUSED:
        with pytest.raises(VerificationError) as refused:
            patient.verify_document(path.read_bytes())
        assert refused.value.code == REFUSED[name]
        return
    report = patient.verify_document(path.read_bytes(), password=password)
    assert report.complete and report.indication is indication, report
    got = entries(report)
    assert [(f, i, s) for f, i, s in got if f is not None] == [e for e in expected if e[0] is not None] or \
        [(i, s) for _, i, s in got] == [(i, s) for _, i, s in expected], got
    if expected:
        assert first_changes <= changes(report, expected[0][0]), report.signatures[0].changes
    for r in report.signatures + report.timestamps:  # the old fields agree with the indication
        assert r.ok is (r.indication is P), r
        assert all(m.description and m.description_id for m in r.changes)


def test_timestamps_and_levels(corpus, patient):
    lta = patient.verify_document(corpus["naskah_b_lta"].read_bytes())
    (ts,) = lta.timestamps
    assert ts.kind == "document_timestamp" and ts.indication is P and ts.timestamp_time is not None
    assert lta.signatures[0].level is SignatureLevel.B_LTA
    lt = patient.verify_document(corpus["naskah_b_lt"].read_bytes())
    assert lt.timestamps == [] and {r.level for r in lt.signatures} == {SignatureLevel.B_LT}


def test_shadow_attacks_are_named_in_both_languages(corpus, patient):
    report = patient.verify_document(corpus["shadow_replace_content"].read_bytes())
    (change,) = [m for m in report.signatures[0].changes if m.code == "page_content_changed"]
    assert change.description == "page 1's content changed" and change.description_id == "isi halaman 1 diubah"
    assert not change.allowed and "page 1's content changed" in report.signatures[0].detail


def test_password_needed_is_said(corpus, patient):
    data = corpus["encrypted_user_password"].read_bytes()
    with pytest.raises(VerificationError) as needed:
        patient.verify_document(data)
    assert needed.value.code == "password_required" and "password" in needed.value.message
    with pytest.raises(VerificationError) as wrong:
        patient.verify_document(data, password="salah")
    assert wrong.value.code == "wrong_password"
    assert patient.verify_document(corpus["encrypted_empty_user_password"].read_bytes()).encrypted


def test_shared_fields_counted_once_without_tracebacks(corpus, dev_pki, caplog):
    caplog.set_level(logging.DEBUG)  # in this thread, so that every record of pyHanko's is seen here
    inline = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60), isolated=False)
    report = inline.verify_document(corpus["fields_1000_one_signature"].read_bytes())
    assert len(report.signatures) == 1 and "999 other signature field(s)" in report.notes[0]
    assert not [r for r in caplog.records if r.exc_info or r.exc_text]
    assert sum(len(r.getMessage()) for r in caplog.records) < 20_000  # was ~10 MB of tracebacks


def test_shared_fields_cost_is_linear(corpus, dev_pki, service_heap):
    """3 000 fields cost about three times 1 000 (it was quadratic: 28 s and 275 s, ten times). CPU time, the
    least of two runs each: other tests share this machine. Verified in this thread, so that this process's
    CPU clock counts it; with the session's heap frozen (`service_heap`), since a full collection of it
    (0.15-0.35 s) landing in one run made the ratio 6.5 in CI."""
    patient = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=60), isolated=False)

    def cpu(name: str) -> float:
        started = time.process_time()
        patient.verify_document(corpus[name].read_bytes())
        return time.process_time() - started

    small = min(cpu("fields_1000_one_signature") for _ in range(2))
    large = min(cpu("fields_3000_one_signature") for _ in range(2))
    assert large < 6.5 * small, (small, large)  # quadratic would be 9


@pytest.mark.parametrize("name", ["signatures_24", "fields_3000_one_signature", "fields_1000_one_signature",
                                  "naskah_b_lt", "six_one_damaged"])
def test_production_limits_answer_within_two_seconds(corpus, production, name, service_heap):
    started = time.monotonic()
    report = production.verify_document(corpus[name].read_bytes())
    assert time.monotonic() - started < two_seconds()
    if not report.complete:  # what the budget cut short says so, per entry
        assert report.indication is I
        assert all(r.indication is not P for r in report.signatures if "time budget" in (r.detail or ""))


def test_limits_past_them_are_indeterminate_with_a_reason(corpus, dev_pki):
    tight = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(max_signatures=4, budget_seconds=60))
    report = tight.verify_document(corpus["six_signatures"].read_bytes())
    assert [r.indication for r in report.signatures] == [P] * 4 + [I] * 2
    assert "more than 4 signatures" in report.signatures[-1].detail
    hurried = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(budget_seconds=0.05))
    started = time.monotonic()
    report = hurried.verify_document(corpus["signatures_24"].read_bytes())
    assert time.monotonic() - started < 1.0  # the whole file takes seconds; slack for a GC pause of this process
    assert not report.complete and report.indication is I
    few_pages = PadesVerifier([dev_pki.root_cert_pem], limits=VerificationLimits(max_pages=2, budget_seconds=60))
    first = few_pages.verify_document(_three_pages_signed_twice(dev_pki)).signatures[0]
    assert first.indication is I and first.detail == "too many pages to compare the later revisions"
    assert "not_analysed" in {m.code for m in first.changes}


def _three_pages_signed_twice(pki) -> bytes:
    import io

    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

    from tests.verify_corpus.make_corpus import _pyhanko_sign, _simple_signer

    w = PdfFileWriter()
    for _ in range(3):
        w.insert_page(PageObject(contents=w.add_object(_text()), media_box=[0, 0, 595, 842]))
    buf = io.BytesIO()
    w.write(buf)
    return _pyhanko_sign(_pyhanko_sign(buf.getvalue(), _simple_signer(pki, "kabid"), "Satu"),
                         _simple_signer(pki, "kadis"), "Dua")


def _text():
    from pyhanko.pdf_utils import generic

    return generic.StreamObject(stream_data=b"BT /F1 11 Tf 72 700 Td (halaman) Tj ET")
