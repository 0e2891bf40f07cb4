"""After each round of the chaos run: every store against the others, for every flow so far.

Letters produced per batch, signatures per document, archived versions per signature against the audit
trail, outbox rows not yet published, parked messages, gaps in the nomor register.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from naskah_shared.storage.ports import Buckets
from naskah_shared.storage.s3 import S3ObjectStore
from tests.chaos.flow import KAMPUNG
from tests.chaos.stack import NAMES, ChaosStack


def reconcile(stack: ChaosStack, flows: list[dict[str, Any]], *, settle_s: float = 30.0) -> dict[str, int]:
    store = S3ObjectStore(stack.s3.endpoint, stack.s3.access_key, stack.s3.secret_key)
    out = Counter({"lost": 0, "produced_twice": 0, "signed_twice": 0, "orphan_versions": 0, "unpublished": 0,
                   "parked": 0, "nomor_gaps": 0})
    deadline = time.monotonic() + settle_s  # the relays publish within moments once every server is back
    while True:
        unpublished = sum(stack.query(n, "SELECT count(*) FROM outbox WHERE published_at IS NULL")[0][0]
                          for n in NAMES)
        if not unpublished or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    out["unpublished"] = unpublished
    out["parked"] = stack.parked()
    seqs = [s for (s,) in stack.query("sk", "SELECT seq FROM nomor_assignments ORDER BY office, year, seq")]
    out["nomor_gaps"] = sum(1 for a, b in zip(seqs, seqs[1:], strict=False) if b != a + 1) + (seqs[:1] != [1])

    audits = Counter((r, s) for r, s in stack.query(
        "signature", "SELECT request_id, sha256_out FROM audit_trail WHERE action = 'sign' AND result = 'ok'"))
    for flow in flows:
        if not flow.get("done"):
            out["lost"] += 1 + KAMPUNG
            continue
        letters = stack.query("sk", "SELECT id, status, document FROM surat_edaran_letters WHERE surat_edaran_id = %s",
                              flow["se_id"])
        out["lost"] += KAMPUNG - sum(1 for _, status, doc in letters if status == "signed" and doc)
        for _, _, doc in letters:  # one rendering per letter: a second version of its PDF is a second production
            if doc and len(store.list_versions(doc["bucket"], doc["key"])) > 1:
                out["produced_twice"] += 1
        ids = [flow["sk_id"], *(lid for lid, _, _ in letters)]
        requests = stack.query("signature", "SELECT id, document_id, signer, status FROM signature_requests "
                                            "WHERE document_id = ANY(%s)", ids)
        signed = Counter((d, s) for _, d, s, status in requests if status == "signed")
        out["signed_twice"] += sum(c - 1 for c in signed.values() if c > 1)
        expected = {(flow["sk_id"], "kabid"), (flow["sk_id"], "kadis"), *((lid, "kadis") for lid, _, _ in letters)}
        out["lost"] += len(expected - set(signed))
        mine = {rid for rid, _, _, _ in requests}
        versions = [v for prefix in (f"sk/{flow['sk_id']}/", f"bulk/{flow['se_id']}/")
                    for obj in store.list_objects(Buckets.SIGNED, prefix)
                    for v in store.list_versions(Buckets.SIGNED, obj.key)]
        per_request = Counter(v.metadata.get("request-id") for v in versions)
        out["signed_twice"] += sum(c - 1 for c in per_request.values() if c > 1)
        out["orphan_versions"] += sum(1 for v in versions if v.metadata.get("request-id") not in mine
                                      or not audits[(v.metadata.get("request-id"), v.sha256)])
    return dict(out)
