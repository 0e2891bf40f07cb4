"""Signing a batch: every pending document of one batch, for one signer, with one passphrase.

The first document is signed in the caller's request, through the same `sign`
as any other: the lockout, the passphrase and the signer are checked and the
answer comes at once (a wrong passphrase is a 403 there, not a failure found
later). The rest are signed in a background thread with the key the first
unlocked, each in its own transaction with its own audit entry. The passphrase
lives only in that thread's memory, for the job's length, like the cached key.
A crash loses nothing: the documents not yet signed stay pending, and signing
the batch again resumes with them (a signed document is never signed twice).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from signature_service.domain.requests import RequestClosed, RequestError, SignatureRequest, Status
from signature_service.service_layer.accounts import SignerAccount
from signature_service.service_layer.ports import SigningError
from signature_service.service_layer.signing import Client, DocumentTampered, LockedOut, SigningService

log = logging.getLogger(__name__)


class BatchNotFound(LookupError):
    pass


class BatchInProgress(RequestError):
    """A job already signs this batch. Said whatever the passphrase, so it tells nothing about one."""

    code = "batch_in_progress"


@dataclass
class _Job:
    started_at: datetime
    running: bool = True
    finished_at: datetime | None = None
    error: dict[str, str] | None = None
    thread: threading.Thread | None = field(default=None, repr=False)


class BatchSigning:
    def __init__(self, signing: SigningService) -> None:
        self.signing = signing
        self._jobs: dict[tuple[str, str], _Job] = {}
        self._lock = threading.Lock()

    def sign(self, batch_id: str, account: SignerAccount, passphrase: str, client: Client) -> dict[str, Any]:
        """Sign the first pending document now and start the rest; answers the batch's progress."""
        key = (batch_id, account.id)
        requests = self._requests(batch_id, account)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.running:
                raise BatchInProgress(f"batch {batch_id} is being signed; follow its progress")
        pending = [r for r in requests if r.status is Status.PENDING]
        if not pending:
            if any(r.status in (Status.REJECTED, Status.CANCELLED) for r in requests):
                raise RequestClosed(f"batch {batch_id} was refused; nothing in it is left to sign")
            return self.progress(batch_id, account)  # all signed already: the same answer again
        self.signing.sign(pending[0].id, account, passphrase, client)  # raises on a wrong passphrase
        rest = [r.id for r in pending[1:]]
        with self._lock:
            job = self._jobs.get(key)
            if rest and (job is None or not job.running):
                job = self._jobs[key] = _Job(started_at=datetime.now(UTC))
                job.thread = threading.Thread(target=self._run, args=(job, rest, account, passphrase, client),
                                              name=f"batch-{batch_id[:8]}", daemon=True)
                job.thread.start()
        return self.progress(batch_id, account)

    def reject(self, batch_id: str, account: SignerAccount, note: str, client: Client) -> dict[str, Any]:
        """Refuse every document of the batch the signer has not signed yet; what is signed stays signed."""
        for req in self._requests(batch_id, account):
            if req.status is Status.PENDING:
                self.signing.reject(req.id, account, note, client)
        return self.progress(batch_id, account)

    def progress(self, batch_id: str, account: SignerAccount | None = None) -> dict[str, Any]:
        requests = self._requests(batch_id, account)
        counts = {s.value: 0 for s in Status}
        for r in requests:
            counts[r.status.value] += 1
        jobs = [j for (b, signer), j in self._jobs.items() if b == batch_id and (account is None
                                                                                  or signer == account.id)]
        job = max(jobs, key=lambda j: j.started_at, default=None)
        return {"batch_id": batch_id, "kind": requests[0].kind, "title": requests[0].title,
                "nomor": requests[0].nomor, "sample_request_id": requests[0].id, "total": len(requests), **counts,
                "running": bool(job and job.running), "started_at": job.started_at if job else None,
                "finished_at": job.finished_at if job else None, "error": job.error if job else None}

    def _requests(self, batch_id: str, account: SignerAccount | None) -> list[SignatureRequest]:
        with self.signing.uow() as uow:
            requests = uow.requests.for_batch(batch_id, signer=account.id if account else None)
        if not requests:
            raise BatchNotFound(f"no signature batch {batch_id}" + (f" for {account.id}" if account else ""))
        return requests

    def _run(self, job: _Job, request_ids: list[str], account: SignerAccount, passphrase: str,
             client: Client) -> None:
        started = time.perf_counter()
        try:
            for request_id in request_ids:
                self.signing.sign(request_id, account, passphrase, client)
        except (SigningError, LockedOut, DocumentTampered, RequestError) as exc:
            # Known failures (a TSA down, a document changed): the rest stays pending for a retry.
            code = exc.code.value if isinstance(exc, SigningError) else getattr(exc, "code", type(exc).__name__)
            job.error = {"code": code, "message": getattr(exc, "message", str(exc))[:500]}
        except Exception as exc:  # a background thread has no caller to raise to
            log.exception("batch signing failed", extra={"signer": account.id})
            job.error = {"code": "internal_error", "message": type(exc).__name__}
        finally:
            job.running, job.finished_at = False, datetime.now(UTC)
            log.info("batch signing ended", extra={"signer": account.id, "documents": len(request_ids) + 1,
                                                   "seconds": round(time.perf_counter() - started, 2),
                                                   "error": job.error})
