"""sk-service's use cases: draft, revise, submit, review, and the answers from signing.

Each takes a command (commands.py) and commits in one unit of work (the answer
to document.signed in two, see `record_signed`): the SK's new state and its
events (outbox) commit together. Documents are rendered and stored before the commit; a
failure before it leaves at most an unreferenced object version, never a
half-written SK. No lock is held while a document converts (up to the
converter's timeout): revise and review read the SK, render, then commit with
the optimistic check of the SK's version, and start again from a fresh read
when someone changed it meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sk_service.domain.sk import Sk, Status, TransitionNotAllowed, WrongReviewer
from sk_service.service_layer.commands import DraftSk, RecordSkSigned, ReturnSkFromSigning, ReviewSk, ReviseSk, SubmitSk
from sk_service.service_layer.documents import SkDocuments
from sk_service.service_layer.unit_of_work import (
    PRODUCER,
    ConcurrentUpdate,
    SkUnitOfWork,
    SkVersion,
    StoredRef,
    UnitOfWorkFactory,
)

T = TypeVar("T")
_ATTEMPTS = 3  # reads and renders again after a concurrent change; past this, the caller gets a 409


class SkNotFound(LookupError):
    pass


class VersionNotFound(LookupError):
    pass


def _now() -> datetime:
    return datetime.now(UTC)


def draft_sk(uow_factory: UnitOfWorkFactory, documents: SkDocuments, cmd: DraftSk) -> Sk:
    sk_id, at = str(uuid.uuid4()), _now()
    docx, pdf = documents.produce(Sk.as_drafted(sk_id, cmd.content, cmd.drafter, at))
    sk = Sk.draft(sk_id, cmd.content, cmd.drafter, at, document=pdf)
    with uow_factory() as uow:
        uow.sks.add(sk)
        uow.sks.add_version(sk, docx, pdf)
        uow.commit_aggregate(sk)
    return sk


def revise_sk(uow_factory: UnitOfWorkFactory, documents: SkDocuments, cmd: ReviseSk) -> tuple[Sk, list[str]]:
    """A new revision with its rendering; answers the SK and the fields that changed."""
    def attempt() -> tuple[Sk, list[str]]:
        sk, version = _read(uow_factory, cmd.sk_id)
        docx, pdf = documents.produce(sk.as_revised(cmd.content))
        changed = sk.revise(cmd.content, cmd.by, document=pdf)
        with uow_factory() as uow:
            uow.sks.expect(sk.id, version)
            uow.sks.save(sk)  # first: it waits for, then refuses, a concurrent writer of the same SK
            uow.sks.add_version(sk, docx, pdf)
            uow.commit_aggregate(sk)
        return sk, changed

    return _optimistic(attempt)


def submit_sk(uow_factory: UnitOfWorkFactory, cmd: SubmitSk) -> Sk:
    with uow_factory() as uow:
        sk = get_sk(uow, cmd.sk_id, for_update=True)
        sk.submit(cmd.by, document=_pdf_of(sk.id, uow.sks.latest_version(sk.id)))
        uow.sks.save(sk)
        uow.commit_aggregate(sk)
    return sk


def review_sk(uow_factory: UnitOfWorkFactory, documents: SkDocuments, cmd: ReviewSk) -> Sk:
    """A Kabid or Kadis review. The Kadis's approval takes the nomor and renders the final PDF."""
    sk_id = cmd.sk_id

    def attempt(*, locked: bool = False) -> Sk:
        with uow_factory() as uow:
            sk = get_sk(uow, sk_id)
            version = uow.sks.version_read(sk.id)
            latest = _pdf_of(sk.id, uow.sks.latest_version(sk.id))
            at = _now()
            approved = sk.review_outcome(cmd.role, cmd.decision, cmd.note) is Status.SIGNING
            year = int(sk.content["tahun"]) if approved else 0
            # the number this approval takes at its commit, unless another takes it first (then: again)
            seq = uow.sks.peek_nomor_seq(documents.office.code, year) if approved and sk.nomor is None else None
        take_now = locked and seq is not None
        if approved and not take_now:
            if sk.nomor:
                nomor = sk.nomor  # sent back from signing: kept
            elif seq is not None:
                nomor = documents.office.format_nomor(seq, year)
            else:  # peeked above whenever the SK has no nomor yet
                raise RuntimeError(f"SK {sk.id} approved with neither a nomor nor a peeked number")
            docx, latest = documents.produce(sk, nomor=nomor, tanggal=at)
        with uow_factory() as uow:
            uow.sks.expect(sk.id, version)
            if approved:
                if take_now:
                    # Every try so far lost its peeked number to another taker (other approvals, and every
                    # Surat Edaran request takes from the same register): this one takes it first and holds
                    # the counter through its one conversion, so the approval lands instead of a 409 (seen
                    # in the chaos run, six flows at once).
                    seq = uow.sks.next_nomor_seq(documents.office.code, year)
                    nomor = documents.office.format_nomor(seq, year)
                    docx, latest = documents.produce(sk, nomor=nomor, tanggal=at)
                    uow.sks.record_nomor(documents.office.code, year, seq, nomor, sk_id=sk.id)
                elif seq is not None:
                    if uow.sks.next_nomor_seq(documents.office.code, year) != seq:
                        raise ConcurrentUpdate(f"nomor {nomor} was taken by another SK meanwhile")
                    uow.sks.record_nomor(documents.office.code, year, seq, nomor, sk_id=sk.id)
            sk.review(cmd.role, cmd.decision, cmd.note, cmd.reviewer, at, document=latest,
                      reviewer_nama=cmd.reviewer_nama, vouched_by=cmd.vouched_by)
            if approved:
                sk.approve_for_signing(nomor, latest)
            uow.sks.save(sk)
            if approved:
                uow.sks.add_version(sk, docx, latest)
            uow.commit_aggregate(sk)
        return sk

    return _optimistic(attempt, last=lambda: attempt(locked=True))


def record_signed(uow_factory: UnitOfWorkFactory, cmd: RecordSkSigned) -> None:
    """signature-service archived the last signature: the SK is signed, then archived (SOP steps 5-7).

    Two transactions, so `signed` is a state the SK is stored in: the first records the signed PDF (idempotent
    by the SK's state, no claim), the second claims the event and archives. A failure between them leaves the
    SK `signed`, and the redelivered event archives it.
    """
    with uow_factory(cause=cmd.cause) as uow:
        sk = get_sk(uow, cmd.sk_id, for_update=True)
        if sk.status is Status.SIGNING:
            sk.mark_signed(cmd.document)
            uow.sks.save(sk)
            uow.commit_aggregate(sk)
    with uow_factory(cause=cmd.cause) as uow:
        if not uow.claim(cmd.cause, PRODUCER):
            return
        sk = get_sk(uow, cmd.sk_id, for_update=True)
        if sk.status is Status.SIGNED:
            sk.archive()
            uow.sks.save(sk)
        uow.commit_aggregate(sk)


def return_from_signing(uow_factory: UnitOfWorkFactory, cmd: ReturnSkFromSigning) -> None:
    """A signer refused to sign: back to the Kabid's review, with the signer's note."""
    with uow_factory(cause=cmd.cause) as uow:
        if not uow.claim(cmd.cause, PRODUCER):
            return
        sk = get_sk(uow, cmd.sk_id, for_update=True)
        if sk.status is Status.SIGNING:
            sk.signing_rejected(cmd.role, cmd.note)
            uow.sks.save(sk)
        uow.commit_aggregate(sk)


def _read(uow_factory: UnitOfWorkFactory, sk_id: str) -> tuple[Sk, int]:
    """The SK as it is now and the version the commit will expect, read without a lock."""
    with uow_factory() as uow:
        sk = get_sk(uow, sk_id)
        return sk, uow.sks.version_read(sk.id)


def _optimistic(attempt: Callable[[], T], *, last: Callable[[], T] | None = None) -> T:
    """`attempt` again after a concurrent change, `_ATTEMPTS` times at most; `last`, if given, is the final
    try (one that cannot lose the same race again)."""
    for n in range(_ATTEMPTS):
        try:
            return (last if last is not None and n == _ATTEMPTS - 1 else attempt)()
        except ConcurrentUpdate:
            if n == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def get_sk(uow: SkUnitOfWork, sk_id: str, *, for_update: bool = False) -> Sk:
    sk = uow.sks.get(sk_id, for_update=for_update)
    if sk is None:
        raise SkNotFound(f"no SK with id {sk_id}")
    return sk


def _pdf_of(sk_id: str, version: SkVersion | None) -> StoredRef:
    """The PDF of the SK's latest version: every SK has one from its draft on."""
    if version is None:
        raise VersionNotFound(f"SK {sk_id} has no rendered version")
    return version.pdf


__all__ = ["SkNotFound", "TransitionNotAllowed", "VersionNotFound", "WrongReviewer", "draft_sk", "get_sk",
           "record_signed", "return_from_signing", "review_sk", "revise_sk", "submit_sk"]
