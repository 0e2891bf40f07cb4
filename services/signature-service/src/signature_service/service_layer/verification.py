"""Verification use cases: any uploaded PDF, and the archived version of a document (verified once, kept).

The public verification page and ``/api/verify`` call these; both answer with a ``DocumentVerification``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from naskah_shared.storage.ports import ObjectStore
from signature_service.service_layer.ports import DocumentVerification, SignatureVerifier, VerificationCache

log = logging.getLogger(__name__)


class VerificationService:
    def __init__(self, *, verifier: SignatureVerifier, store: ObjectStore, cache: VerificationCache,
                 signed_document: Callable[[str], dict[str, str] | None]) -> None:
        self.verifier, self.store, self.cache, self.signed_document = verifier, store, cache, signed_document

    def verify_upload(self, data: bytes, password: str | None = None) -> DocumentVerification:
        """Any PDF; raises VerificationError (a 422) only when it is no PDF or needs a password."""
        return self.verifier.verify_document(data, password=password)

    def etsi_report(self, data: bytes, password: str | None = None) -> str:
        """The ETSI TS 119 102-2 validation report (XML) of an uploaded PDF."""
        return self.verifier.etsi_report(data, password=password)

    def archived(self, document_id: str) -> DocumentVerification | None:
        """The verification of the document's archived (last-signed) version, or None when it is not signed.

        Computed on the first request and kept (an archived version never changes); later requests read it."""
        ref = self.signed_document(document_id)
        if ref is None:
            return None
        bucket, key, version = ref["bucket"], ref["key"], ref["version_id"]
        report = self.cache.get(bucket, key, version)
        if report is not None:
            return report
        data, _ = self.store.get(bucket, key, version)
        report = self.verifier.verify_document(data)
        if report.complete:  # one cut short by the time budget is answered, not kept
            self.cache.put(bucket, key, version, report)
        else:
            log.warning("archived verification incomplete, not cached", extra={"document_id": document_id})
        return report
