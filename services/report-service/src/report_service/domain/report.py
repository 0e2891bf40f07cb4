"""The Laporan Kegiatan as an aggregate: compiled, sent for the Kabid's signature, signed or refused.

Standard library only. Its files (DOCX, PDF, charts) are references the service layer stored before;
the report records the events the other services read (`report.compiled`, `signature.requested`,
`report.signed`) in `events`, for the unit of work to write to the outbox.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from report_service.domain.events import DomainEvent

KIND = "report"  # the kind of document signature-service signs for report-service


class ReportStatus(enum.StrEnum):
    SIGNING = "signing"
    SIGNED = "signed"
    REJECTED = "rejected"


@dataclass
class Report:
    id: str
    activity_id: str
    status: ReportStatus = ReportStatus.SIGNING
    signed: Mapping[str, Any] | None = None
    error: str | None = None
    events: list[DomainEvent] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def compile(cls, report_id: str, activity_id: str, *, title: str, pdf: Mapping[str, Any],
                missing_steps: Sequence[int], signer: str, event_id: str) -> Report:
        """A new version of the activity's report, sent for `signer`'s signature. `event_id` is the id of the
        `report.compiled` event in the activity's stream, so the outbox's copy has the same id."""
        report = cls(report_id, activity_id)
        report.events.append(DomainEvent("report.compiled", {
            "report_id": report_id, "activity_id": activity_id, "document": dict(pdf),
            "missing_steps": list(missing_steps)}, event_id))
        report.events.append(DomainEvent("signature.requested", {
            "kind": KIND, "report_id": report_id, "signers": [signer], "nomor": None,
            "documents": [{"document_id": report_id, "document": dict(pdf), "title": f"Laporan Kegiatan {title}"}]}))
        return report

    def sign(self, document: Mapping[str, Any]) -> None:
        """The Kabid signed it: `document` is the signed PDF signature-service archived."""
        self.status, self.signed = ReportStatus.SIGNED, dict(document)
        self.events.append(DomainEvent("report.signed", {"report_id": self.id, "activity_id": self.activity_id,
                                                         "document": dict(document)}))

    def reject(self, note: str) -> None:
        self.status, self.error = ReportStatus.REJECTED, note[:500]
