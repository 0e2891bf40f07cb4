"""The ETSI TS 119 102-2 XML validation report, made by pyHanko's own AdES validation and reporting
(``pyhanko.sign.validation.ades.ades_lta_validation`` and ``pyhanko.sign.validation.report.tools``).

pyHanko's public ``generate_report`` writes one report per signature; a document's report holds every
signature, so the signatures' ``SignatureValidationReport`` elements and validation objects are put into one
``ValidationReport`` with the same building blocks (``_generate_report``, ``_package_validation_object``;
pyHanko 0.38 is pinned in constraints.txt, and tests/signature/test_verify_api.py checks the XML).
A signature pyHanko cannot validate at all (no CMS, no certificate) has no identifier to report under and is
left out of the XML; the JSON answer lists it with FORMAT_FAILURE. Work is bounded as for the JSON answer:
at most ``max_signatures`` signatures, and the remaining ones are left out once the budget is spent.

The XML is pyHanko's AdES process (EN 319 102-1 clause 5.6.3, validation now, with past validation only
where document timestamps give proof of existence); the JSON answer judges a timestamped signature at its
timestamp's time. For a B-LT document without archive timestamp whose revocation data has aged past its
nextUpdate the two differ: the XML says INDETERMINATE, the JSON TOTAL_PASSED.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.report import tools as report_tools
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import LEGACY_POLICY_MAP, CertRevTrustPolicy, FreshnessReqType
from pyhanko_certvalidator.registry import SimpleTrustManager

from signature_service.adapters.verification.opening import find_signatures, open_pdf
from signature_service.adapters.verification.speedups import quiet_pyhanko_logs
from signature_service.adapters.verification.verifier import PadesVerifier, local_verifier
from signature_service.adapters.verification.workers import Send
from signature_service.service_layer.ports import VerificationError

quiet_pyhanko_logs()  # the loggers of the modules imported just now


def etsi_report(verifier: PadesVerifier, pdf: bytes, password: str | None) -> str:
    deadline = time.monotonic() + verifier.limits.budget_seconds
    out: dict[str, Any] = {}
    if verifier.pool is not None:  # the last step may finish just past the budget: half a second more
        verifier.pool.run(_etsi_job, (verifier.spec(), pdf, password, deadline),
                                              deadline + 0.5, out.__setitem__)
    else:
        _etsi_job(lambda message: out.__setitem__(*message), verifier.spec(), pdf, password, deadline)
    if "error" in out:
        raise VerificationError(*out["error"])
    return out.get("xml") or _serialise([], [])


def _etsi_job(send: Send, spec: Any, pdf: bytes, password: str | None, deadline: float) -> None:
    """In a worker process (or inline): the whole XML, or the error that refuses the file."""
    try:
        reports, objects = _reports(local_verifier(spec), pdf, password, deadline)
    except VerificationError as e:
        send(("error", (e.code.value, e.message)))
        return
    send(("xml", _serialise(reports, objects)))


def _reports(verifier: PadesVerifier, pdf: bytes, password: str | None,
             deadline: float) -> tuple[list[object], list[object]]:
    reports: list[object] = []
    objects: dict[str, object] = {}
    try:
        reader, _ = open_pdf(pdf, password)
        candidates, _ = find_signatures(reader, max_fields=verifier.limits.max_fields)
    except VerificationError:
        raise
    except Exception:
        return reports, []
    spec = _spec(verifier)
    for c in candidates[: verifier.limits.max_signatures]:
        if time.monotonic() >= deadline:
            break
        if c.embedded is None or c.kind != "/Sig":
            continue
        try:
            c.embedded.compute_integrity_info()  # ades_lta_validation expects it done (pyHanko's CLI does it)
            status = asyncio.run(ades_lta_validation(c.embedded, spec))
            reports.append(report_tools._generate_report(c.embedded, status))
            for vo in status.validation_objects:
                packaged = report_tools._package_validation_object(vo)
                objects.setdefault(packaged.id, packaged)
        except Exception:  # this signature has nothing pyHanko can report on; the others still do
            continue
    return reports, list(objects.values())


def _spec(verifier: PadesVerifier) -> PdfSignatureValidationSpec:
    """The same trust as the JSON answer: our roots only; revocation data from the document unless the
    verifier may fetch."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(verifier.trust_roots),
        # as the JSON answer (PadesVerifier.context): revocation data counts retroactively
        revinfo_policy=CertRevTrustPolicy(LEGACY_POLICY_MAP["hard-fail" if verifier.allow_fetching else "soft-fail"],
                                          freshness_req_type=FreshnessReqType.DEFAULT, retroactive_revinfo=True))
    rule = RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH if verifier.allow_fetching \
        else RevinfoOnlineFetchingRule.LOCAL_ONLY
    return PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=policy, revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=rule),
        local_knowledge=LocalKnowledge()))


def _serialise(reports: list[object], objects: list[object]) -> str:
    from pyhanko.sign.validation.report.tools import NAMESPACES, ts_11910202
    from xsdata.formats.dataclass.serializers import XmlSerializer
    from xsdata.formats.dataclass.serializers.config import SerializerConfig

    report = ts_11910202.ValidationReport(
        signature_validation_report=tuple(reports),
        signature_validation_objects=ts_11910202.ValidationObjectListType(tuple(objects)) if objects else None,
    )
    return XmlSerializer(config=SerializerConfig(indent="  ")).render(report, ns_map=NAMESPACES)
