"""Issue 13 #5: the database connection dropped in the middle of a request is a 503 with Retry-After.

The fault is real: while the request's statement is about to run, its own PostgreSQL backend is
terminated with `pg_terminate_backend` from a second connection (only that backend, of this test's
own database). Before the fix every such request answered 500 `internal_error`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import event

from naskah_shared.testing.postgres import ADMIN_DSN
from tests.data import sk_payload


@contextmanager
def backend_killed_at(app, statement: str) -> Iterator[list[int]]:
    """Terminate the backend of the first statement matching `statement` (a regex), just before it runs."""
    engine = app.extensions["naskah"].runtime.engine
    database = engine.url.database
    killed: list[int] = []

    def before(conn, _cursor, sql, *_args) -> None:
        if killed or not re.search(statement, sql, re.I | re.S):
            return
        pid = conn.connection.dbapi_connection.info.backend_pid
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            done = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE pid = %s AND datname = %s", (pid, database)).fetchall()
        assert done == [(True,)]
        killed.append(pid)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield killed
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _assert_503(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"].isdigit()
    assert response.json["error"]["code"] == "database_unavailable"


@pytest.mark.parametrize("service,method,path,body,statement", [
    ("sk", "post", "/api/sk", "sk", r"^INSERT INTO sk\b"),
    ("sk", "get", "/api/sk", None, r"FROM sk\b"),
    ("signature", "get", "/api/signature-requests", None, r"FROM signature_requests"),
    ("report", "post", "/api/activities", {"kegiatan": "Pendataan Profil Kampung", "tahun": 2026}, r"^INSERT"),
    ("signature", "post", "/api/signature-requests/x/sign", {"passphrase": "salah"}, r"^SELECT"),
    ("signature", "post", "/api/signature-batches/x/sign", {"passphrase": "salah"}, r"^SELECT"),
    ("sk", "post", "/api/sk/x/reviews", {"role": "kabid", "decision": "approve", "reviewer": "Kabid"}, r"^SELECT"),
    ("sk", "get", "/api/surat-edaran/x", None, r"^SELECT"),
])
def test_a_backend_killed_mid_request_is_a_503_with_retry_after_and_the_next_request_works(
        services, service, method, path, body, statement) -> None:
    app = services[service]
    c = app.test_client()
    json = sk_payload(members=2) if body == "sk" else body
    headers = {}
    if path.endswith("/sign"):  # the Kadis's own token: the request reaches the signing code
        headers["Authorization"] = f"Bearer {app.extensions['naskah'].dev_tokens['kadis']}"
    with backend_killed_at(app, statement) as killed:
        response = getattr(c, method)(path, json=json, headers=headers)
    assert killed, "the fault was not injected"
    _assert_503(response)
    again = getattr(c, method)(path, json=json, headers=headers)
    assert again.status_code < 500, again.get_data(as_text=True)[:500]  # the pool recovered
