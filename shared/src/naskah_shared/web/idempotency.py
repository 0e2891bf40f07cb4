"""`Idempotency-Key` on every POST: a retried request gets the first one's answer instead of a second effect.

An internal system that times out and retries the same POST (same key) must create one SK, one batch,
one activity, one signature. The first request with a key inserts a row (the primary key is the
caller's scope and the key, so of two concurrent duplicates exactly one inserts); its answer (status,
JSON body, Location) is stored when it finishes. A retry with the same key and the same request is
answered from the row (`Idempotent-Replayed: true`); with a different request it is a 422
(`idempotency_key_reused`); while the first is still running the retry waits a little, then gets a
409 with Retry-After. A first request whose process died (a SIGKILLed gunicorn worker) leaves its row
unanswered: a retry takes the key over at once when the row's owner is certainly gone on this host
(`naskah_shared.owners`), else after `STALE_S`. Server errors (5xx, e.g. a 503 while the database was
away) are not stored: the retry runs again. The scope is the API client plus a digest of the caller's
own credentials (bearer token, person session), so one caller can never be answered with another's result.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from naskah_shared.owners import owner_gone, process_owner
from naskah_shared.web.errors import ApiError

log = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
WAIT_S = 10.0  # how long a duplicate waits for the first request before a 409
STALE_S = 600.0  # a first request this old with no answer died (its owner on another host): the key is free
MAX_BODY = 2 * 1024 * 1024
_CREDENTIALS = ("Authorization", "X-Naskah-Person", "Cookie")


def _scope() -> str:
    creds = "\n".join(request.headers.get(h, "") for h in _CREDENTIALS)
    return f"{g.get('api_client', '-')}:{hashlib.sha256(creds.encode()).hexdigest()[:40]}"[:200]


def _request_hash() -> str:
    h = hashlib.sha256(f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n".encode())
    h.update(request.get_data(cache=True))
    return h.hexdigest()


def _replay(row: Any) -> Response:
    response = Response(row.body or "", status=row.status, mimetype="application/json")
    for name, value in (row.headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def init_idempotency(app: Flask, engine: Engine, table: Table) -> None:
    """Install the key handling on `app`; call after the API-key check (the scope needs `g.api_client`)."""

    @app.before_request
    def _claim() -> Response | None:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return None
        if not (1 <= len(key) <= 200 and key.isascii() and key.isprintable()):
            raise ApiError(400, "invalid_idempotency_key", f"{HEADER} is 1-200 printable ASCII characters.")
        scope, digest, now = _scope(), _request_hash(), datetime.now(UTC)
        deadline = time.monotonic() + WAIT_S
        while True:
            try:
                with engine.begin() as conn:
                    conn.execute(insert(table).values(scope=scope, key=key, request_hash=digest, started_at=now,
                                                      owner=process_owner()))
                g.idempotency = (scope, key)
                return None
            except IntegrityError:
                pass
            with engine.begin() as conn:
                row = conn.execute(select(table).where(table.c.scope == scope, table.c.key == key)).first()
                if row is None:
                    continue  # the first request failed and let the key go meanwhile: claim it again
                if row.request_hash != digest:
                    raise ApiError(422, "idempotency_key_reused",
                                   f"This {HEADER} was used for a different request.", {"key": key})
                if row.status is not None:
                    return _replay(row)
                started = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=UTC)
                # Its request died unanswered (its process is gone, or it is too old): take the key over.
                # Compare-and-set on started_at, so of two retries only one takes it.
                if started < now - timedelta(seconds=STALE_S) or (row.owner and owner_gone(row.owner)):
                    taken = conn.execute(update(table).where(
                        table.c.scope == scope, table.c.key == key, table.c.started_at == row.started_at,
                        table.c.status.is_(None)).values(started_at=now, owner=process_owner()))
                    if taken.rowcount == 1:
                        g.idempotency = (scope, key)
                        return None
            if time.monotonic() > deadline:
                raise ApiError(409, "idempotency_in_progress",
                               f"A request with this {HEADER} is still running; retry shortly.",
                               {"key": key, "retry_after": 1})
            time.sleep(0.1)

    @app.after_request
    def _store(response: Response) -> Response:
        claimed = g.pop("idempotency", None)
        if claimed is None:
            return response
        scope, key = claimed
        where = (table.c.scope == scope, table.c.key == key)
        try:
            with engine.begin() as conn:
                if response.status_code >= 500 or response.is_streamed:  # not an answer: the retry runs again
                    conn.execute(delete(table).where(*where))
                else:
                    body = response.get_data(as_text=True)
                    if len(body) > MAX_BODY:
                        body = json.dumps({"error": {"code": "answer_too_large", "message": "The answer was "
                                                     "too large to keep; read the resource instead.", "details": {}}})
                    headers = {h: response.headers[h] for h in ("Location", "Content-Type") if h in response.headers}
                    conn.execute(update(table).where(*where).values(
                        status=response.status_code, body=body, headers=headers, completed_at=datetime.now(UTC)))
        except Exception:  # the answer still goes out; a retry then waits for STALE_S or runs again
            log.warning("idempotency answer not stored", extra={"key": key}, exc_info=True)
        return response


def install_for(app: Flask, runtime: Any) -> None:
    """Enable keys on a service app whose metadata holds the table (naskah_shared.db.idempotency)."""
    from naskah_shared.db.idempotency import TABLE

    table = runtime.metadata.tables.get(TABLE)
    if table is not None:
        init_idempotency(app, runtime.engine, table)
