"""Signing a batch: every pending document of one batch, for one signer, with one passphrase.

The first document is signed in the caller's request, through the same `sign`
as any other: the lockout, the passphrase and the signer are checked and the
answer comes at once (a wrong passphrase is a 403 there, not a failure found
later). The rest are signed in a background thread with the key the first
unlocked, each in its own transaction with its own audit entry. The passphrase
lives only in that thread's memory, for the job's length, like the cached key:
it is never stored, so a job that died is resumed by the signer signing again.

The job itself lives in the database (`batch_jobs`): its owner takes a lease
before it starts and renews it with a heartbeat, so any worker answers about it
truthfully, a second start while the lease is live is a 409 (whatever the
passphrase), and a job whose process died shows as `interrupted` once its lease
lapses, with the documents still to sign. A signed document is never signed twice.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from naskah_shared.owners import process_owner
from naskah_shared.storage.ports import StoreUnavailable
from signature_service.domain.requests import RequestClosed, RequestError, SignatureRequest, Status
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.chunked import chunk_size, sign_chunk
from signature_service.service_layer.commands import Client, Reject, RejectBatch, Sign, SignBatch
from signature_service.service_layer.ports import SigningError
from signature_service.service_layer.rows import Job
from signature_service.service_layer.signing import (
    INTENT_GRACE,
    DocumentTampered,
    LockedOut,
    SigningInProgress,
    SigningService,
)

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=15)  # a job not heard of for this long is taken for dead
HEARTBEAT_S = 4.0


class BatchNotFound(LookupError):
    pass


class BatchInProgress(RequestError):
    """A job already signs this batch. Said whatever the passphrase, so it tells nothing about one."""

    code = "batch_in_progress"


def _now() -> datetime:
    return datetime.now(UTC)


def _error(exc: BaseException) -> dict[str, str]:
    """What stopped a job, as a code a page can say something about (never a stack trace)."""
    if isinstance(exc, SigningError):
        return {"code": exc.code.value, "message": exc.message[:500]}
    if isinstance(exc, StoreUnavailable):
        return {"code": "store_unavailable", "message": "the object store cannot be reached; sign again later"}
    if isinstance(exc, RequestError):
        return {"code": exc.code, "message": str(exc)[:500]}
    if isinstance(exc, LockedOut):
        return {"code": "locked_out", "message": str(exc)[:500]}
    if isinstance(exc, DocumentTampered):
        return {"code": "document_tampered", "message": str(exc)[:500]}
    return {"code": "internal_error", "message": type(exc).__name__}


class BatchSigning:
    def __init__(self, signing: SigningService) -> None:
        self.signing = signing
        self._threads: dict[tuple[str, str], threading.Thread] = {}  # this process's jobs (tests join them)

    def sign(self, command: SignBatch) -> dict[str, Any]:
        """Sign the first pending document now and start the rest; answers the batch's progress."""
        batch_id, account, passphrase, client = command.batch_id, command.account, command.passphrase, \
            command.client
        requests = self._requests(batch_id, account)
        if self._live_job(batch_id, account):
            raise BatchInProgress(f"batch {batch_id} is being signed; follow its progress")
        pending = [r for r in requests if r.status is Status.PENDING]
        if not pending:
            if any(r.status in (Status.REJECTED, Status.CANCELLED) for r in requests):
                raise RequestClosed(f"batch {batch_id} was refused; nothing in it is left to sign")
            return self.progress(batch_id, account)  # all signed already: the same answer again
        owner = f"{process_owner()}:{secrets.token_hex(3)}"
        with self.signing.uow() as uow:
            taken = uow.guards.acquire_job(batch_id, account.id, owner=owner, now=_now(), lease=LEASE,
                                           left=len(pending))
            uow.commit()
        if not taken:  # another worker started one a moment ago
            raise BatchInProgress(f"batch {batch_id} is being signed; follow its progress")
        try:
            self.signing.sign(Sign(pending[0].id, account, passphrase, client))  # raises on a wrong passphrase
        except BaseException as exc:
            self._end(batch_id, account, owner, "failed", 0, len(pending), _error(exc))
            raise
        rest = [r.id for r in pending[1:]]
        if not rest:
            self._end(batch_id, account, owner, "done", 1, 0, None)
        else:
            thread = threading.Thread(target=self._run, args=(batch_id, owner, rest, account, passphrase, client),
                                      name=f"batch-{batch_id[:8]}", daemon=True)
            self._threads[(batch_id, account.id)] = thread
            thread.start()
        return self.progress(batch_id, account)

    def reject(self, command: RejectBatch) -> dict[str, Any]:
        """Refuse every document of the batch the signer has not signed yet; what is signed stays signed."""
        for req in self._requests(command.batch_id, command.account):
            if req.status is Status.PENDING:
                self.signing.reject(Reject(req.id, command.account, command.note, command.client))
        return self.progress(command.batch_id, command.account)

    def progress(self, batch_id: str, account: SignerAccount | None = None) -> dict[str, Any]:
        requests = self._requests(batch_id, account)
        counts = {s.value: 0 for s in Status}
        for r in requests:
            counts[r.status.value] += 1
        with self.signing.uow() as uow:
            jobs = uow.guards.jobs(batch_id, account.id if account else None)
        job = max(jobs, key=lambda j: j["started_at"], default=None)
        state, error = self._state(job, counts["pending"])
        return {"batch_id": batch_id, "kind": requests[0].kind, "title": requests[0].title,
                "nomor": requests[0].nomor, "sample_request_id": requests[0].id, "total": len(requests), **counts,
                "running": state == "running", "state": state, "left": counts["pending"],
                "started_at": job["started_at"] if job else None, "finished_at": job["finished_at"] if job else None,
                "heartbeat_at": job["heartbeat_at"] if job else None, "error": error}

    @staticmethod
    def _state(job: Job | None, pending: int) -> tuple[str | None, dict[str, str] | None]:
        """running | interrupted | done (None before any job): a job that stopped with documents left,
        by an error or because its process died (its lease lapsed), is interrupted: signing again resumes."""
        if job is None:
            return None, None
        error = {"code": job["error_code"], "message": job["error_message"] or ""} if job["error_code"] else None
        if job["state"] == "running":
            if job["lease_until"] > _now():
                return "running", None
            return "interrupted", {"code": "job_interrupted",
                                   "message": f"the signing job stopped with {pending} document(s) left "
                                              "(its process ended); sign again to resume"}
        return ("interrupted" if pending else "done"), error

    def _live_job(self, batch_id: str, account: SignerAccount) -> bool:
        with self.signing.uow() as uow:
            jobs = uow.guards.jobs(batch_id, account.id)
        return any(j["state"] == "running" and j["lease_until"] > _now() for j in jobs)

    def _requests(self, batch_id: str, account: SignerAccount | None) -> list[SignatureRequest]:
        with self.signing.uow() as uow:
            requests: list[SignatureRequest] = uow.requests.for_batch(batch_id, signer=account.id if account else None)
        if not requests:
            raise BatchNotFound(f"no signature batch {batch_id}" + (f" for {account.id}" if account else ""))
        return requests

    def _end(self, batch_id: str, account: SignerAccount, owner: str, state: str, done: int, left: int,
             error: dict[str, str] | None) -> None:
        try:
            with self.signing.uow() as uow:
                uow.guards.end_job(batch_id, account.id, owner=owner, now=_now(), state=state, done=done,
                                   left=left, error=error)
                uow.commit()
        except Exception:  # the database is away: the lease lapses and the job shows as interrupted
            log.warning("could not record the end of a batch job", extra={"batch": batch_id, "state": state})

    def _run(self, batch_id: str, owner: str, request_ids: list[str], account: SignerAccount, passphrase: str,
             client: Client) -> None:
        started = time.perf_counter()
        progress = {"done": 1, "left": len(request_ids)}
        stop, lost = threading.Event(), threading.Event()

        def heartbeat() -> None:
            while not stop.wait(HEARTBEAT_S):
                try:
                    with self.signing.uow() as uow:
                        mine = uow.guards.renew_job(batch_id, account.id, owner=owner, now=_now(), lease=LEASE,
                                                    **progress)
                        uow.commit()
                except Exception:  # the database is away for now: try again at the next beat
                    continue
                if not mine:
                    lost.set()
                    return

        beat = threading.Thread(target=heartbeat, name=f"batch-beat-{batch_id[:8]}", daemon=True)
        beat.start()
        error: dict[str, str] | None = None
        try:
            todo, deadline = list(request_ids), time.monotonic() + INTENT_GRACE.total_seconds() + 10
            size = chunk_size(self.signing, account)  # > 1: the key backend signs that many per call (BSrE v2)
            while todo and not lost.is_set():
                busy = []
                for start in range(0, len(todo), size) if size > 1 else ():
                    if lost.is_set():
                        break
                    part = todo[start:start + size]
                    left = sign_chunk(self.signing, part, account, passphrase, client)
                    busy += left
                    progress["done"] += len(part) - len(left)
                    progress["left"] -= len(part) - len(left)
                for request_id in todo if size == 1 else ():
                    if lost.is_set():
                        break
                    try:
                        self.signing.sign(Sign(request_id, account, passphrase, client))
                    except SigningInProgress:  # a crashed writer's intent, not settled yet: later
                        busy.append(request_id)
                        continue
                    progress["done"] += 1
                    progress["left"] -= 1
                todo = busy
                if todo:
                    if time.monotonic() > deadline:
                        raise SigningInProgress(f"{len(todo)} document(s) are still being written elsewhere")
                    time.sleep(1.0)
        except (SigningError, LockedOut, DocumentTampered, RequestError, StoreUnavailable) as exc:
            # Known failures (a TSA down, a document changed, the store away): the rest stays pending.
            error = _error(exc)
        except Exception as exc:  # a background thread has no caller to raise to
            log.exception("batch signing failed", extra={"signer": account.id})
            error = _error(exc)
        finally:
            stop.set()
            beat.join(timeout=HEARTBEAT_S + 1)
            if not lost.is_set():  # a job whose lease another took is no longer ours to end
                self._end(batch_id, account, owner, "failed" if error else "done", progress["done"],
                          progress["left"], error)
            log.info("batch signing ended", extra={"signer": account.id, "documents": progress["done"],
                                                   "seconds": round(time.perf_counter() - started, 2),
                                                   "error": error})
