"""The inbox: what waits for a person (drafts to review, documents and batches to sign) and what they did.

What awaits review is a read model here, fed by sk-service's `sk.*` events, not a call to sk-service: the
inbox stays up while sk-service is slow or down, and a page load never waits on another service. The
consumer claims each envelope (a redelivery changes nothing) and keeps a row's newest state only (an
older event arriving late is ignored). What awaits signing is this service's own signature requests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from naskah_shared.bus.topology import Queues
from naskah_shared.contracts import SkApproved, SkArchived, SkDrafted, SkLifecycle, SkReviewed, SkRevised, SkSubmitted
from naskah_shared.messages import Envelope
from signature_service.domain.requests import SignatureRequest, Status
from signature_service.service_layer.people import Person
from signature_service.service_layer.rows import InboxSk, SkChange
from signature_service.service_layer.unit_of_work import UnitOfWorkFactory

CONSUMER = Queues.SIGNATURE_INBOX
# Whose review an SK waits for in each state (sk-service's domain; the events also say it as `awaiting`).
AWAITING = {"submitted": "kabid", "rejected_by_kadis": "kabid", "with_kadis": "kadis"}
REVISER = {"rejected_by_kabid": "kasubid"}  # sent back: the drafter revises (not a review, so not `awaiting`)
# After a review, from (role, decision): the next status, for events older than the `awaiting` field.
ACTION_WORDS = {"sk.submitted": "diajukan", "sk.reviewed": "ditelaah", "sk.revised": "direvisi"}
AFTER_REVIEW = {("kabid", "approve"): "with_kadis", ("kabid", "reject"): "rejected_by_kabid",
                ("kadis", "approve"): "signing", ("kadis", "reject"): "rejected_by_kadis"}


@dataclass(frozen=True)
class InboxItem:
    kind: str  # review | sign | batch
    id: str  # sk id, request id or batch id
    title: str
    nomor: str | None
    document_kind: str  # sk | report | surat_edaran
    before_by: str | None  # who acted before me
    before_at: datetime | None
    count: int = 1  # letters in a batch
    note: str = ""  # a sent-back draft: what the reviewer asked to change
    before_action: str = ""  # what they did, in the inbox's words: "ditandatangani", "disetujui", "diajukan"


@dataclass(frozen=True)
class Inbox:
    reviews: list[InboxItem] = field(default_factory=list)
    signatures: list[InboxItem] = field(default_factory=list)
    batches: list[InboxItem] = field(default_factory=list)
    revisions: list[InboxItem] = field(default_factory=list)  # the Kasubid's drafts sent back
    recent: list[dict[str, Any]] = field(default_factory=list)


class InboxService:
    def __init__(self, *, uow: UnitOfWorkFactory, signer_name: Callable[[str], str]) -> None:
        self.uow = uow
        self.signer_name = signer_name  # signer account id → nama, for "who signed before me"

    # --- the read model, from sk-service's events -----------------------------------------
    def on_sk_event(self, message: SkLifecycle, event: Envelope) -> None:
        status = message.status or "draft"
        if isinstance(message, SkReviewed):
            status = message.status_after or AFTER_REVIEW.get((message.role, message.decision)) or status
        elif isinstance(message, SkApproved):
            status = "signing"
        elif isinstance(message, SkArchived):
            status = "archived"
        # events from before `awaiting` was sent name it by their status (absent is not the same as None)
        awaiting = message.awaiting if "awaiting" in event.payload and not isinstance(message, SkApproved) \
            else AWAITING.get(status)
        kegiatan = message.kegiatan if isinstance(message, SkDrafted) else message.extra.get("kegiatan")
        values: SkChange = {
            "status": status, "awaiting": awaiting or REVISER.get(status), "revision": message.revision,
            "last_action": event.type, "last_by": _actor(message), "last_at": event.occurred_at,
            "title": (message.title or f"SK Tim {kegiatan or ''}").strip()[:500]}
        if message.document is not None:
            values["document"] = {k: str(v) for k, v in message.document.to_dict().items()}
        if isinstance(message, SkApproved | SkArchived) and message.nomor:
            values["nomor"] = message.nomor[:100]
        with self.uow(cause=event) as uow:
            if not uow.claim(event, CONSUMER):
                return
            uow.inbox.upsert_sk(message.sk_id, values)
            if isinstance(message, SkReviewed):
                uow.inbox.add_activity(event.id, {
                    "sk_id": message.sk_id, "person_id": message.reviewer_id, "role": message.role,
                    "decision": message.decision, "note": message.note, "at": event.occurred_at})
            uow.commit()

    def note_review(self, sk_id: str, answer: dict[str, Any], *, by: str) -> None:
        """sk-service's answer to a review `by` (the reviewer's nama) made here: the row moves at once (its
        event, then older than the row, only adds the review to the activity)."""
        status = str(answer.get("status") or "")
        if not status:
            return
        values: SkChange = {"status": status, "awaiting": answer.get("awaiting") or REVISER.get(status),
                            "last_action": "sk.reviewed", "last_by": by[:200], "last_at": datetime.now(UTC)}
        if answer.get("nomor"):
            values["nomor"] = str(answer["nomor"])[:100]
        with self.uow() as uow:
            uow.inbox.update_sk(sk_id, values)
            uow.commit()

    def last_note(self, sk_id: str) -> str | None:
        with self.uow() as uow:
            note: str | None = uow.inbox.last_note(sk_id)
            return note

    def awaiting_review(self, sk_id: str) -> InboxSk | None:
        with self.uow() as uow:
            return uow.inbox.get_sk(sk_id)

    # --- one person's inbox ------------------------------------------------------------
    def for_person(self, person: Person) -> Inbox:
        with self.uow() as uow:
            drafts = uow.inbox.awaiting(person.role) if person.role in ("kabid", "kadis") else []
            sent_back = [(d, uow.inbox.last_note(d["sk_id"])) for d in uow.inbox.awaiting("kasubid")] \
                if person.role == "kasubid" else []
            recent = uow.inbox.activity(person.id)
            pending: list[SignatureRequest] = []
            signed: list[SignatureRequest] = []
            earlier: dict[str, SignatureRequest] = {}
            approved: dict[str, InboxSk] = {}  # an SK's first signer: the Kadis's approval came before
            if person.signer_id:
                pending = uow.requests.search(signer=person.signer_id, status=Status.PENDING.value, limit=500)
                signed = uow.requests.search(signer=person.signer_id, status=Status.SIGNED.value, limit=10)
                for req in pending:
                    if req.position == 0 and req.kind == "sk" and (row := uow.inbox.get_sk(req.document_id)):
                        approved[req.id] = row
                    if req.position > 0 and not req.batch_id:
                        for other in uow.requests.for_document(req.document_id):
                            if other.position == req.position - 1 and other.status is Status.SIGNED:
                                earlier[req.id] = other
        reviews = [InboxItem("review", d["sk_id"], d["title"], d["nomor"], "sk", d["last_by"], d["last_at"],
                             before_action=ACTION_WORDS.get(d["last_action"], "")) for d in drafts]
        revisions = [InboxItem("revision", d["sk_id"], d["title"], d["nomor"], "sk", d["last_by"], d["last_at"],
                               before_action="dikembalikan", note=note or "") for d, note in sent_back]
        signatures = []
        batches: dict[str, InboxItem] = {}
        for req in pending:
            if req.batch_id:
                held = batches.get(req.batch_id)
                title = f"Surat Edaran {req.nomor}" if req.kind == "surat_edaran" and req.nomor else req.title
                batches[req.batch_id] = InboxItem("batch", req.batch_id, title if held is None else held.title,
                                                  req.nomor, req.kind, None, req.created_at,
                                                  1 if held is None else held.count + 1)
                continue
            before, row = earlier.get(req.id), approved.get(req.id)
            by: str | None
            if before is not None:
                by, at, action = self.signer_name(before.signer), before.updated_at, "ditandatangani"
            elif row is not None:
                by, at, action = row["last_by"], row["last_at"], "disetujui"
            else:
                by, at, action = None, req.created_at, "diajukan"
            signatures.append(InboxItem("sign", req.id, req.title, req.nomor, req.kind, by, at, before_action=action))
        done: list[dict[str, Any]] = [
            {"kind": "signed", "title": r.title, "nomor": r.nomor, "document_kind": r.kind, "at": r.updated_at,
             "request_id": r.id} for r in signed]
        done += [dict(a, kind="review") for a in recent]
        done.sort(key=lambda d: d["at"], reverse=True)
        return Inbox(reviews=reviews, signatures=sorted(signatures, key=lambda i: i.before_at or i.id),
                     batches=list(batches.values()), revisions=revisions, recent=done[:20])


def _actor(message: SkLifecycle) -> str | None:
    """Who acted, as the inbox names them: the reviewer's nama, the drafter or reviser."""
    if isinstance(message, SkReviewed):
        who: str | None = message.reviewer_nama or message.reviewer
    elif isinstance(message, SkRevised | SkSubmitted):
        who = message.by
    elif isinstance(message, SkDrafted):
        who = message.drafter
    else:
        who = None
    return who[:200] if who else None
