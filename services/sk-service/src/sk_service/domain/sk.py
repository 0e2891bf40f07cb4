"""The SK Tim aggregate: its states, the review loop (SOP steps 3-5), revisions.

Standard library only. The aggregate records what happened as `DomainEvent`s;
the service layer turns them into envelopes in the outbox.

Why the nomor is taken at the Kadis's approval and not at the Kadis's
signature: the nomor is printed on the page, and every PAdES signature covers
the page content; printing it after the Kabid's signature would change what
the Kabid signed. So the Kadis's approval (SOP step 5, "setuju → tanda tangan")
takes the next nomor from the gapless register and renders the final PDF, and
the Kadis's signature seals it (DESIGN §7: the final signature "fixes" it). A
nomor, once taken, stays with its SK for good, so the register has no gaps.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # with the Kabid (SOP step 4)
    REJECTED_BY_KABID = "rejected_by_kabid"  # back to the drafter for revision
    WITH_KADIS = "with_kadis"  # the Kabid approved (SOP step 5)
    REJECTED_BY_KADIS = "rejected_by_kadis"  # back to the Kabid
    SIGNING = "signing"  # the Kadis approved; nomor taken; Kabid then Kadis sign
    SIGNED = "signed"
    ARCHIVED = "archived"


class Role(enum.StrEnum):
    KASUBID = "kasubid"
    KABID = "kabid"
    KADIS = "kadis"


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class TransitionNotAllowed(Exception):
    """The SK's state does not allow this; the message says why (HTTP 409)."""

    def __init__(self, message: str, *, status: Status) -> None:
        super().__init__(message)
        self.status = status


class WrongReviewer(TransitionNotAllowed):
    """The SK awaits another role's review than the reviewer's (HTTP 403: not yours, rather than not now)."""


@dataclass(frozen=True)
class Review:
    role: Role
    decision: Decision
    note: str
    reviewer: str  # the person's account id (or, vouched by a system, the name it gave)
    at: datetime
    revision: int
    reviewer_nama: str = ""
    vouched_by: str | None = None  # the internal system (API key name) that vouched; None when the person did


@dataclass(frozen=True)
class DomainEvent:
    """What happened, as recorded: read-only, so nothing patches an event after the fact."""

    type: str  # the routing key of DESIGN §3
    data: Mapping[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))


@dataclass
class Sk:
    id: str
    content: dict[str, Any]  # the validated request body; see api/schemas.py
    drafter: str
    created_at: datetime
    status: Status = Status.DRAFT
    revision: int = 1
    nomor: str | None = None
    reviews: list[Review] = field(default_factory=list)
    signed_document: dict[str, Any] | None = None  # bucket/key/version_id/sha256 of the signed PDF
    events: list[DomainEvent] = field(default_factory=list)

    # --- commands ----------------------------------------------------------

    # Each command that changes what the document says, or hands it on, records the rendering it is about
    # (`document`, a bucket/key/version_id/sha256 reference): the service layer renders first (from
    # `as_drafted`/`as_revised`, or the latest version) and gives the command its PDF.

    @classmethod
    def as_drafted(cls, id: str, content: dict[str, Any], drafter: str, at: datetime) -> Sk:
        """The SK a draft makes, before it is drafted (nothing recorded): what its first rendering shows."""
        return cls(id=id, content=content, drafter=drafter, created_at=at)

    @classmethod
    def draft(cls, id: str, content: dict[str, Any], drafter: str, at: datetime, *,
              document: Mapping[str, Any]) -> Sk:
        sk = cls.as_drafted(id, content, drafter, at)
        sk._record("sk.drafted", drafter=drafter, kegiatan=content.get("kegiatan"), tahun=content.get("tahun"),
                   document=document)
        return sk

    def ensure_revisable(self) -> None:
        self._require({Status.DRAFT, Status.REJECTED_BY_KABID}, "revised")

    def as_revised(self, content: dict[str, Any]) -> Sk:
        """The SK `revise(content)` makes, leaving this one as it is: what the new revision's rendering shows."""
        self.ensure_revisable()
        return replace(self, content=content, revision=self.revision + 1, status=Status.DRAFT,
                       reviews=list(self.reviews), events=[])

    def revise(self, content: dict[str, Any], by: str, *, document: Mapping[str, Any]) -> list[str]:
        """A new revision; only while a draft or sent back by the Kabid. Returns the changed fields."""
        self.ensure_revisable()
        changed = changed_fields(self.content, content)
        self.content = content
        self.revision += 1
        self.status = Status.DRAFT
        self._record("sk.revised", by=by, changed_fields=changed, document=document)
        return changed

    def submit(self, by: str, *, document: Mapping[str, Any]) -> None:
        self._require({Status.DRAFT}, "submitted to the Kabid")
        self.status = Status.SUBMITTED
        self._record("sk.submitted", by=by, document=document)

    def review_outcome(self, role: Role, decision: Decision, note: str) -> Status:
        """The status `review` would leave, or the error it would raise; changes nothing.

        The Kadis's approval needs the final rendering (with its nomor) before `review` records it.
        """
        expected = {
            Role.KABID: {Status.SUBMITTED, Status.REJECTED_BY_KADIS},
            Role.KADIS: {Status.WITH_KADIS},
        }.get(role, set())
        if self.status not in expected:
            waiting = self.awaiting_reviewer()
            if waiting:
                raise WrongReviewer(f"the SK is {self.status.value}: it awaits the {waiting.value}'s review, "
                                    f"not the {role.value}'s", status=self.status)
            raise TransitionNotAllowed(f"the SK is {self.status.value}: it cannot be reviewed by the "
                                       f"{role.value} now", status=self.status)
        if decision is Decision.REJECT and not note.strip():
            raise ValueError("a rejection needs a note saying what to change")
        if role is Role.KABID:
            return Status.WITH_KADIS if decision is Decision.APPROVE else Status.REJECTED_BY_KABID
        # The Kadis's approval: the caller takes the nomor in the same transaction (`approve_for_signing`).
        return Status.REJECTED_BY_KADIS if decision is Decision.REJECT else Status.SIGNING

    def review(self, role: Role, decision: Decision, note: str, reviewer: str, at: datetime, *,
               document: Mapping[str, Any], reviewer_nama: str = "", vouched_by: str | None = None) -> None:
        after = self.review_outcome(role, decision, note)
        before = self.status
        self.reviews.append(Review(role, decision, note, reviewer, at, self.revision, reviewer_nama, vouched_by))
        self.status = after
        # `status` stays the state the review was made in (as before); `status_after` and `awaiting` are new.
        self._record("sk.reviewed", role=role.value, decision=decision.value, note=note, reviewer=reviewer,
                     reviewer_id=reviewer if vouched_by is None else None, reviewer_nama=reviewer_nama or reviewer,
                     vouched_by=vouched_by, status=before.value, status_after=self.status.value, document=document)

    def approve_for_signing(self, nomor: str, document: Mapping[str, Any]) -> None:
        """After the Kadis's approval: the nomor is fixed and the final PDF goes to signing."""
        self._require({Status.SIGNING}, "sent to signing")
        self.nomor = nomor
        self._record("sk.approved", nomor=nomor, document=document)
        self._record("signature.requested", nomor=nomor, kind="sk", title=self.title(),
                     signers=[Role.KABID.value, Role.KADIS.value], document=document,
                     documents=[{"document_id": self.id, "title": self.title(), "document": document}])

    def signing_rejected(self, role: str, note: str) -> None:
        """A signer refused: the SK goes back to the Kabid's review (keeps its nomor)."""
        self._require({Status.SIGNING}, "returned from signing")
        self.status = Status.REJECTED_BY_KADIS
        self.reviews.append(Review(Role(role), Decision.REJECT, note, role, _now(), self.revision))
        self._record("sk.reviewed", role=role, decision="reject", note=note, reviewer=role, at_signing=True,
                     status_after=self.status.value)

    def mark_signed(self, document: dict[str, Any]) -> None:
        self._require({Status.SIGNING}, "marked signed")
        self.status = Status.SIGNED
        self.signed_document = document

    def archive(self) -> None:
        self._require({Status.SIGNED}, "archived")
        self.status = Status.ARCHIVED
        self._record("sk.archived", nomor=self.nomor, document=self.signed_document)

    # --- queries -----------------------------------------------------------

    def awaiting_reviewer(self) -> Role | None:
        return {Status.SUBMITTED: Role.KABID, Status.REJECTED_BY_KADIS: Role.KABID,
                Status.WITH_KADIS: Role.KADIS}.get(self.status)

    def title(self) -> str:
        return f"SK Tim {self.content.get('kegiatan', '')}".strip()

    # --- helpers -----------------------------------------------------------

    def _require(self, allowed: set[Status], action: str) -> None:
        if self.status not in allowed:
            names = " or ".join(sorted(s.value for s in allowed))
            raise TransitionNotAllowed(
                f"the SK is {self.status.value}; it can be {action} only when {names}", status=self.status)

    def _record(self, type: str, **data: Any) -> None:
        awaiting = self.awaiting_reviewer()
        # `title` and `awaiting` let a read model (signature-service's inbox) follow the SK from events alone.
        self.events.append(DomainEvent(type, {"sk_id": self.id, "revision": self.revision,
                                              "status": self.status.value, "title": self.title(),
                                              "awaiting": awaiting.value if awaiting else None, **data}))


def _now() -> datetime:
    from datetime import UTC

    return datetime.now(UTC)


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Top-level fields whose value differs, with list items named by index (`anggota[3]`)."""
    out: list[str] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            out.extend(f"{key}[{i}]" for i in range(max(len(a), len(b)))
                       if i >= len(a) or i >= len(b) or a[i] != b[i])
        else:
            out.append(key)
    return out
