"""signature-service's use cases: open requests from events, sign, reject, verify.

Signing holds the request's row lock for the whole signature, so a double
click (or two workers) signs once: the second call finds the request signed
and answers the first result. Wrong passphrases are counted in the database
(they span processes) and lock the signer out for a while. Every attempt is
written to the audit trail, successful or not, with the SHA-256 in and out.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from naskah_shared.naming import archive_key, in_batch, signature_anchor, signature_field
from naskah_shared.owners import owner_gone, process_owner, same_process
from naskah_shared.storage.keys import check_key
from naskah_shared.storage.ports import Buckets, Retention, StoredObject
from signature_service.domain.requests import Requested, RequestError, SignatureRequest, SigningOrder, Status
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.commands import Client, Reject, RequestSignatures, RequestTotp, Sign
from signature_service.service_layer.dependencies import SigningDependencies
from signature_service.service_layer.messages import PRODUCER
from signature_service.service_layer.ports import (
    SignatureReport,
    SignerStatus,
    SigningError,
    SigningErrorCode,
    StampPlacement,
)
from signature_service.service_layer.rows import Intent
from signature_service.service_layer.unit_of_work import SignatureUnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
# Longer than any store write can take (S3: 1.5 s to connect, 30 s to read, one retry): an intent older
# than this whose writer cannot be seen is one no write will follow.
INTENT_GRACE = timedelta(seconds=90)
ATTEMPT_HOLD = timedelta(seconds=120)  # a reserved attempt outlives any key opening, then lapses
WRITER_WAIT_S = 20.0  # how long a second call waits for the first one's write before answering 409


class RequestNotFound(LookupError):
    pass


class LockedOut(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many wrong passphrases: signing is locked until {until.isoformat(timespec='seconds')}")
        self.until = until


class DocumentTampered(Exception):
    """The stored PDF no longer has the SHA-256 the request recorded."""


class SigningInProgress(RequestError):
    """Another call is writing this request's signed PDF (HTTP 409: its result follows, read it again)."""

    code = "signing_in_progress"


class NotTotpAccount(RequestError):
    """A TOTP was asked for an account that signs with a passphrase."""

    code = "not_a_totp_account"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _keep(uow: SignatureUnitOfWork, order: SigningOrder) -> None:
    """Save the requests the order changed; its events go to the outbox at the commit."""
    for req in order.changed:
        uow.requests.save(req)
    uow.collect(order)


class SigningService:
    def __init__(self, uow: UnitOfWorkFactory, deps: SigningDependencies) -> None:
        self.uow, self.deps = uow, deps
        # the ones read most, by their short names
        self.store, self.keyring, self.accounts = deps.store, deps.keyring, deps.accounts
        self.verifier, self.level, self.verify_url = deps.verifier, deps.level, deps.verify_url
        self.stamp_heading = deps.stamp_heading
        self._stripes = [threading.Lock() for _ in range(64)]
        self._writing: set[str] = set()  # requests whose signed PDF this process is writing now
        self._key_locks: dict[str, threading.Lock] = {}
        self._key_locks_guard = threading.Lock()

    # --- requests from events ---------------------------------------------------------
    def request_signatures(self, request: RequestSignatures) -> None:
        """Create one request per signer and document, in order, on a copy of each PDF with every field made.

        One command names one document (an SK, a report) or, with a `batch_id`, many that one signer signs
        together (SOP step 8's letters), each archived under its own `archive_key`.
        """
        command, event = request.message, request.event
        kind, batch_id, signers, documents = command.kind, command.batch_id, command.signers, command.documents
        unknown = [s for s in signers if s not in self.accounts]
        if unknown:
            raise ValueError(f"bad signature.requested: unknown signers {unknown}")
        for d in documents:  # the requester names where a batch document is archived, inside its batch only
            if d.archive_key:
                check_key(d.archive_key)
                if not in_batch(d.archive_key, batch_id):
                    raise ValueError(f"archive key {d.archive_key!r} is not under bulk/{batch_id}/")
        # invisible: e.g. a Lembar Disposisi's paraf, where the office shows none
        prepared = [self._prepare(kind, d.document_id, d.document.to_dict(), signers,
                                  invisible=command.invisible)
                    for d in documents]
        now = _now()
        with self.uow(cause=event) as uow:
            if not uow.claim(event, PRODUCER):
                return
            for d, stored in zip(documents, prepared, strict=True):
                order = SigningOrder.plan(
                    ids=[str(uuid.uuid4()) for _ in signers], document_id=d.document_id, kind=kind,
                    signers=signers, title=d.title or f"{kind} {d.document_id}", nomor=command.nomor,
                    source=stored.ref(), requested=Requested(event.id, event.correlation_id), at=now,
                    batch_id=batch_id, archive_key=d.archive_key)
                for req in order.changed:
                    uow.requests.add(req)
            uow.commit()

    def _prepare(self, kind: str, document_id: str, source: dict[str, Any], signers: list[str], *,
                 invisible: bool = False) -> StoredObject:
        """The PDF with a signature field for every signer, where the template marked each one's place;
        `invisible`: fields with a zero-area rectangle on the first page, where no stamp is drawn."""
        data, _ = self.store.get(source["bucket"], source["key"], source["version_id"])
        if _sha(data) != source["sha256"]:
            raise DocumentTampered(f"{source['key']} does not match its SHA-256")
        if self.deps.bsre_footer is not None and any(self.accounts[s].signs_with_bsre for s in signers):
            # Page content, so before any signature: added after one, it would break that signature's
            # allowed-changes check (only form filling may follow a signature).
            data = self.deps.bsre_footer(data)
        placements = []
        for i, signer in enumerate(signers):
            if invisible:
                placements.append((signature_field(signer), StampPlacement(page=0, box=(0.0, 0.0, 0.0, 0.0))))
                continue
            placement = self.deps.find_anchor(data, signature_anchor(signer))
            if placement is None:  # a template without our anchors: stack the stamps at the page foot
                placement = StampPlacement(page=-1, box=(60.0, 60.0 + 90.0 * i, 330.0, 140.0 + 90.0 * i))
            placements.append((signature_field(signer), placement))
        prepared = self.deps.prepare_fields(data, placements)
        return self.store.put(Buckets.DRAFTS, f"{kind}/{document_id}/prepared.pdf", prepared,
                              content_type="application/pdf",
                              metadata={"document-id": document_id, "document-kind": kind, "status": "signing",
                                        "producer": PRODUCER})

    # --- signing ------------------------------------------------------------------------
    def sign(self, command: Sign) -> SignatureRequest:
        """Sign once: a second call (a double click, another worker) answers the first result.

        A call that finds another one writing the signed PDF waits for it (bounded), then answers its result.
        """
        request_id, account, passphrase, client = command.request_id, command.account, command.passphrase, \
            command.client
        deadline = time.monotonic() + WRITER_WAIT_S
        while True:
            try:
                # SQLite (the embedded run) has no row locks: one process there, so threads meet here.
                with self._stripes[hash(request_id) % len(self._stripes)]:
                    return self._sign(request_id, account, passphrase, client)
            except SigningInProgress:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)

    def _sign(self, request_id: str, account: SignerAccount, passphrase: str, client: Client) -> SignatureRequest:
        with self.uow() as uow:
            req = self._get(uow, request_id, for_update=False)
            req.check_signer(account.id)
            left_behind = uow.guards.intent(req.id) is not None
        if left_behind:  # a crash (or a writer still at it) between the store and the commit: settle it first
            req = self.recover(req.id) or req
        if req.status is Status.SIGNED:  # idempotent: the first result, never a second signature
            return req
        req.ensure_signable()
        data, audit = self._document_to_sign(req, account, client)
        signer = self._open_key(account, passphrase, audit)
        deferred = getattr(signer, "checks_passphrase_when_signing", False)
        with self._signing_attempt(account, [audit], deferred=deferred), self.key_lock(account.id):
            signed = signer.sign(data, field=signature_field(account.id), level=self.level,
                                 stamp=account.stamp_text(self.stamp_heading), qr_url=self.verify_url(req.document_id))
        if receipts := getattr(signer, "receipts", None):  # e.g. BSrE's id_dokumen, for the audit trail
            audit["remote_ref"] = ",".join(receipts)[:200]
        return self._archive(req, account, signed, audit)

    def _document_to_sign(self, req: SignatureRequest, account: SignerAccount,
                          client: Client) -> tuple[bytes, dict[str, Any]]:
        """The PDF `req` signs and the audit entry of this attempt; a PDF whose SHA-256 is not the one
        requested is audited as tampered and refused (`DocumentTampered`)."""
        audit = {"signer": account.id, "request_id": req.id, "document_id": req.document_id, "action": "sign",
                 "level": self.level.value, "remote_addr": client.remote_addr[:100],
                 "user_agent": client.user_agent[:300]}
        data, _ = self.store.get(req.source["bucket"], req.source["key"], req.source["version_id"])
        audit["sha256_in"] = _sha(data)
        if audit["sha256_in"] != req.source["sha256"]:
            self._audit(audit, result="tampered")
            raise DocumentTampered("the document to sign changed in storage; it was not signed")
        return data, audit

    @contextlib.contextmanager
    def _signing_attempt(self, account: SignerAccount, audits: list[dict[str, Any]], *,
                         deferred: bool) -> Iterator[None]:
        """Around one call of the key backend, for the documents whose audit entries are `audits`.

        A refusal is audited on each of them. A backend that learns whether the passphrase is right only by
        signing (`deferred`: BSrE) keeps the attempt reserved until its answer, which then counts toward the
        lockout like a key that would not open; signed, the attempt is settled as right; any other failure
        gives the reservation back."""
        try:
            yield
        except SigningError as exc:
            result = {"result": exc.code.value, "detail": exc.message[:1000]}
            if deferred:
                self._settle(account, wrong=exc.code is SigningErrorCode.BAD_PASSPHRASE, right=False,
                             audit=audits[0], **result)
            else:
                self._audit(audits[0], **result)
            for audit in audits[1:]:
                self._audit(audit, **result)
            raise
        except BaseException:
            if deferred:
                with contextlib.suppress(Exception):  # the reservation lapses by itself if this fails too
                    self._settle(account, wrong=False, right=False)
            raise
        if deferred:
            self._settle(account, wrong=False, right=True)

    def key_lock(self, account_id: str) -> threading.Lock:
        """One signature at a time per key in a process: asn1crypto parses a certificate lazily and not
        thread-safely, so two threads signing with one key's objects failed (`KeyError: No field numbered
        1`, seen in the chaos run). Signatures of one key in parallel come from several processes."""
        with self._key_locks_guard:
            return self._key_locks.setdefault(account_id, threading.Lock())

    def _open_key(self, account: SignerAccount, passphrase: str, audit: dict[str, Any]) -> Any:
        """Open the key under a reserved attempt: the reservation is taken in one UPDATE before the key is
        tried and given back after, so parallel wrong guesses (threads or processes) never pass the limit."""
        now = _now()
        with self.uow() as uow:
            until = uow.guards.reserve_attempt(account.id, limit=self.deps.lockout_attempts, now=now,
                                               hold=ATTEMPT_HOLD)
            if until is not None:
                uow.requests.audit(**audit, result="locked_out")
            uow.commit()
        if until is not None:
            raise LockedOut(until)
        try:
            signer = self.keyring.signer(account, passphrase)
        except SigningError as exc:
            wrong = exc.code is SigningErrorCode.BAD_PASSPHRASE
            self._settle(account, wrong=wrong, right=False, audit=audit, result=exc.code.value,
                         detail=exc.message[:1000])
            raise
        except BaseException:
            with contextlib.suppress(Exception):  # the reservation lapses by itself if this fails too
                self._settle(account, wrong=False, right=False)
            raise
        if not getattr(signer, "checks_passphrase_when_signing", False):  # else `_sign` settles after signing
            self._settle(account, wrong=False, right=True)
        return signer

    def _settle(self, account: SignerAccount, *, wrong: bool, right: bool, audit: dict[str, Any] | None = None,
                **result: Any) -> None:
        with self.uow() as uow:
            uow.guards.settle_attempt(account.id, wrong=wrong, right=right, limit=self.deps.lockout_attempts,
                                      now=_now(), lock_for=self.deps.lockout)
            if audit is not None:
                uow.requests.audit(**audit, **result)
            uow.commit()

    def _audit(self, audit: dict[str, Any], **result: Any) -> None:
        with self.uow() as uow:
            uow.requests.audit(**audit, **result)
            uow.commit()

    def _archive(self, req: SignatureRequest, account: SignerAccount, pdf: bytes,
                 audit: dict[str, Any]) -> SignatureRequest:
        """Write the signed PDF and record it, recoverable whichever of the two a crash interrupts.

        An intent (the request, the key, the SHA-256 of the bytes) is committed before the write, and the
        version carries the request id in its metadata; the transaction that records the signature deletes
        the intent. One left behind is settled by `recover`: the version is adopted if it was written,
        the intent forgotten if not, so the archive holds one version per signature, each audited.
        """
        with self.uow() as uow:
            req = self._get(uow, req.id)
            if req.status is Status.SIGNED:  # another call finished first: these bytes are never written
                return req
            req.ensure_signable()
            final = uow.requests.order(req).is_last(req.id)
            bucket, key = self._target(req, account, final=final)
            if not uow.guards.add_intent(
                    request_id=req.id, signer=account.id, bucket=bucket, key=key, sha256=_sha(pdf),
                    owner=process_owner(), created_at=_now(), level=audit["level"], sha256_in=audit["sha256_in"],
                    remote_addr=audit["remote_addr"], user_agent=audit["user_agent"]):
                raise SigningInProgress(f"request {req.id} is being signed; its result follows")
            uow.commit()
        self._writing.add(req.id)
        try:
            stored = self._store_signed(req, account, pdf, bucket, key, final=final)
            with self.uow() as uow:
                req = self._get(uow, req.id)
                if req.status is not Status.SIGNED:  # else a recovery adopted this very version meanwhile
                    req = self._finish(uow, req, stored, audit, _now())
                    uow.commit()
        finally:
            self._writing.discard(req.id)
        log.info("document signed", extra={"request": req.id, "signer": account.id, "level": self.level.value})
        return req

    def _finish(self, uow: SignatureUnitOfWork, req: SignatureRequest, stored: StoredObject, audit: dict[str, Any],
                now: datetime, detail: str | None = None) -> SignatureRequest:
        """Record the signature: the signing order passes the turn on or records `document.signed`; the audit."""
        order = uow.requests.order(req, for_update=True)
        signed = order.sign(req.id, stored.ref(), now, level=self.level.value, role_of=self._roles(order))
        _keep(uow, order)
        uow.requests.audit(**audit, result="ok", sha256_out=stored.sha256, detail=detail)
        uow.guards.drop_intent(req.id)
        return signed

    def _roles(self, order: SigningOrder) -> dict[str, str]:
        return {r.signer: self.accounts[r.signer].role for r in order.requests}

    def _target(self, req: SignatureRequest, account: SignerAccount, *, final: bool) -> tuple[str, str]:
        """Where a signature goes: the drafts bucket between signers, the locked archive after the last."""
        if not final:
            return Buckets.DRAFTS, f"{req.kind}/{req.document_id}/signed-{account.id}.pdf"
        if req.archive_key:
            return Buckets.SIGNED, req.archive_key
        return Buckets.SIGNED, archive_key(req.kind, req.document_id, req.nomor)

    def _store_signed(self, req: SignatureRequest, account: SignerAccount, pdf: bytes, bucket: str, key: str, *,
                      final: bool) -> StoredObject:
        meta = {"document-id": req.document_id, "document-kind": req.kind, "status": "signed" if final else "signing",
                "signed-by": account.id, "request-id": req.id, "producer": PRODUCER}
        if req.nomor:
            meta["nomor"] = req.nomor
        if bucket != Buckets.SIGNED:
            return self.store.put(bucket, key, pdf, content_type="application/pdf", metadata=meta)
        return self.store.put(bucket, key, pdf, content_type="application/pdf", metadata=meta,
                              retention=Retention("COMPLIANCE", _now() + self.deps.retention))

    # --- recovery ---------------------------------------------------------------------------
    def recover(self, request_id: str) -> SignatureRequest | None:
        """Settle an intent left behind: adopt the version it wrote, or forget it if none was written.

        Raises `SigningInProgress` while its writer may still be writing (alive, or within the grace).
        Returns the request as it stands after, or None when there was no intent.
        """
        with self.uow() as uow:
            intent = uow.guards.intent(request_id)
        if intent is None:
            return None
        written = [v for v in self.store.list_versions(intent["bucket"], intent["key"])
                   if v.metadata.get("request-id") == request_id]
        with self.uow() as uow:
            req = self._get(uow, request_id)
            current = uow.guards.intent(request_id)
            if current is None or current["owner"] != intent["owner"]:
                return req  # its writer finished (or it was settled) meanwhile
            audit: dict[str, Any] = {"signer": intent["signer"], "request_id": req.id, "document_id": req.document_id,
                     "action": "sign", "level": intent["level"], "remote_addr": intent["remote_addr"],
                     "user_agent": intent["user_agent"], "sha256_in": intent["sha256_in"]}
            if written and req.status is Status.PENDING:
                if len(written) > 1:
                    log.error("more than one version written for one signature",
                              extra={"request": req.id, "versions": [v.version_id for v in written]})
                req = self._finish(uow, req, written[-1], audit, _now(),  # the oldest: written first, adopted
                                   detail="recovered: the version written before a crash was adopted")
                log.warning("signature recovered", extra={"request": req.id, "version": written[-1].version_id})
            elif written and req.status is not Status.SIGNED:
                uow.requests.audit(**audit, result="orphaned", sha256_out=written[-1].sha256,
                                   detail=f"written before a crash; the request is {req.status.value}")
                uow.guards.drop_intent(req.id)
            elif req.status is Status.SIGNED or self._writer_gone(intent):
                uow.guards.drop_intent(req.id)
            else:
                raise SigningInProgress(f"request {req.id} is being signed; its result follows")
            uow.commit()
        return req

    def _writer_gone(self, intent: Intent) -> bool:
        if same_process(intent["owner"]):
            return intent["request_id"] not in self._writing
        return owner_gone(intent["owner"]) or _now() - intent["created_at"] > INTENT_GRACE

    def reconcile(self, limit: int = 200) -> dict[str, int]:
        """Settle every intent crashes left behind (run at start-up and now and then)."""
        counts = {"adopted": 0, "forgotten": 0, "busy": 0}
        with self.uow() as uow:
            intents = uow.guards.intents(limit=limit)
        for intent in intents:
            try:
                req = self.recover(intent["request_id"])
            except SigningInProgress:
                counts["busy"] += 1
                continue
            signed = req is not None and req.status is Status.SIGNED and req.result is not None \
                and req.result["key"] == intent["key"]
            counts["adopted" if signed else "forgotten"] += 1
        return counts

    def reject(self, command: Reject) -> SignatureRequest:
        """The signer refuses: every open request of the document closes; the document goes back."""
        request_id, account, note, client = command.request_id, command.account, command.note, command.client
        self.recover(request_id)  # a signature a crash left half-recorded is recorded first (and then stands)
        with self.uow() as uow:
            req = self._get(uow, request_id)
            req.check_signer(account.id)
            order = uow.requests.order(req, for_update=True)
            req = order.reject(req.id, note, _now(), role=self.accounts[account.id].role)
            _keep(uow, order)
            uow.requests.audit(signer=account.id, request_id=req.id, document_id=req.document_id, action="reject",
                               result="ok", remote_addr=client.remote_addr[:100], user_agent=client.user_agent[:300],
                               detail=note[:1000])
            uow.commit()
        return req

    # --- reading ----------------------------------------------------------------------------
    def request(self, request_id: str) -> SignatureRequest:
        with self.uow() as uow:
            return self._get(uow, request_id, for_update=False)

    def source_pdf(self, req: SignatureRequest) -> bytes:
        ref = req.result if req.status is Status.SIGNED and req.result else req.source
        return self.store.get(ref["bucket"], ref["key"], ref["version_id"])[0]

    def signed_document(self, document_id: str) -> dict[str, str] | None:
        """The archived (last-signed) version of a document, if it is signed."""
        with self.uow() as uow:
            signed = [r for r in uow.requests.for_document(document_id) if r.status is Status.SIGNED and r.result
                      and r.result["bucket"] == Buckets.SIGNED]
        return signed[-1].result if signed else None

    def verify(self, pdf: bytes) -> list[SignatureReport]:
        return self.verifier.verify(pdf)

    def signer_status(self, account_id: str) -> SignerStatus:
        """Can this signer sign now? Asked before the passphrase (for BSrE: its user/check/status), so the
        signing page can say why not (expired, suspended, not registered) instead of asking for nothing."""
        account = self.accounts.get(account_id)
        if account is None:
            return SignerStatus(False, "UNKNOWN", "Akun penandatangan tidak dikenal.", "")
        if self.deps.status_of is None:
            return SignerStatus(True, "LOCAL", "Masukkan passphrase Anda.", str(account.key.get("type", "")))
        return self.deps.status_of(account)

    def request_totp(self, command: RequestTotp) -> dict[str, Any]:
        """Ask the signer's key backend to send a one-time code for this request (BSrE v2 e-mails a TOTP),
        for an account set up to sign with a TOTP instead of a passphrase."""
        account = command.account
        req = self.request(command.request_id)
        req.check_signer(account.id)
        req.ensure_signable()
        sender = self.deps.totp_sender
        if sender is None or account.key.get("credential") != "totp":
            raise NotTotpAccount(f"account {account.id} signs with a passphrase, not a TOTP")
        answer: dict[str, Any] = sender(account, 1)  # the key backend's answer (where the code went)
        return answer

    def _get(self, uow: SignatureUnitOfWork, request_id: str, *, for_update: bool = True) -> SignatureRequest:
        req: SignatureRequest | None = uow.requests.get(request_id, for_update=for_update)
        if req is None:
            raise RequestNotFound(f"no signature request {request_id}")
        return req
