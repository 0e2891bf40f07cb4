"""Idempotency-Key (issue 13, DESIGN §14): a retried POST creates one thing, and only its caller can replay it.

On PostgreSQL (each service its own database), over HTTP: a retry replays the first answer; the same
key on a different request is a 422; another caller's key is its own; five concurrent duplicates
make one activity; an SK retried after a timeout is drafted once; a key whose first request died with
its process (SIGKILL) is taken over by the retry at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from flask import Flask, g, jsonify
from sqlalchemy import MetaData, select

from naskah_shared.db.engine import make_engine
from naskah_shared.db.idempotency import idempotency_table
from naskah_shared.web import idempotency
from naskah_shared.web.errors import register_error_handlers
from tests.data import sk_payload

ACTIVITY = {"kegiatan": "Pendataan Profil Kampung", "tahun": 2026}


def _count(c, path: str) -> int:
    return len(c.get(path, query_string={"limit": 200}).json)


def test_a_retry_replays_the_first_answer_and_a_changed_request_is_refused(services) -> None:
    c = services["report"].test_client()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = c.post("/api/activities", json=ACTIVITY, headers=key)
    again = c.post("/api/activities", json=ACTIVITY, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(c, "/api/activities") == 1
    changed = c.post("/api/activities", json={**ACTIVITY, "tahun": 2027}, headers=key)
    assert changed.status_code == 422 and changed.json["error"]["code"] == "idempotency_key_reused"
    other_caller = c.post("/api/activities", json=ACTIVITY, headers={**key, "Authorization": "Bearer someone-else"})
    assert other_caller.status_code == 201 and other_caller.json["id"] != first.json["id"]
    assert "Idempotent-Replayed" not in other_caller.headers
    no_key = c.post("/api/activities", json=ACTIVITY)
    assert no_key.json["id"] != first.json["id"] and _count(c, "/api/activities") == 3
    bad = c.post("/api/activities", json=ACTIVITY, headers={"Idempotency-Key": "x" * 201})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_idempotency_key"


def test_concurrent_duplicates_make_one_activity(services) -> None:
    app = services["report"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def post() -> None:
        r = app.test_client().post("/api/activities", json=ACTIVITY, headers=key)
        with lock:
            answers.append((r.status_code, r.json.get("id") or r.json["error"]["code"]))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 5 and len({a for a in answers if a[0] == 201}) == 1, answers
    assert all(status in (201, 409) for status, _ in answers), answers
    assert _count(app.test_client(), "/api/activities") == 1


def test_an_sk_retried_after_a_timeout_is_drafted_once(services) -> None:
    c = services["sk"].test_client()
    key = {"Idempotency-Key": "sk-" + uuid.uuid4().hex}
    body = sk_payload(members=2)
    first = c.post("/api/sk", json=body, headers=key)
    again = c.post("/api/sk", json=body, headers=key)
    assert first.status_code == again.status_code == 201 and again.json["id"] == first.json["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(c, "/api/sk") == 1


def _keyed_app(url: str, *, hang: bool) -> tuple[Flask, list[str]]:
    """A Flask app with the key handling on `url`'s database whose POST /things hangs (the first request,
    in a process the test kills) or creates a thing (the retry)."""
    engine = make_engine(url)
    metadata = MetaData()
    table = idempotency_table(metadata)
    metadata.create_all(engine)
    app, made = Flask(__name__), []
    register_error_handlers(app)

    @app.before_request
    def _client() -> None:
        g.api_client = "test-client"

    idempotency.init_idempotency(app, engine, table)

    @app.post("/things")
    def things():
        if hang:
            threading.Event().wait()
        made.append("thing")
        return jsonify(id=len(made)), 201

    return app, made


def _hang(url: str, key: str) -> None:
    """In the child process: the first request with `key`, which never answers."""
    app, _ = _keyed_app(url, hang=True)
    app.test_client().post("/things", json={"n": 1}, headers={"Idempotency-Key": key})


def test_a_key_whose_first_request_was_killed_is_taken_over_at_once(pg_url, monkeypatch) -> None:
    key = "killed-" + uuid.uuid4().hex
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", f"from tests.security.test_idempotency import _hang; "
                                                    f"_hang({pg_url!r}, {key!r})"], cwd=root)
    app, made = _keyed_app(pg_url, hang=False)
    engine = make_engine(pg_url)
    table = idempotency_table(MetaData())
    try:
        deadline = time.monotonic() + 60  # the child's interpreter and imports on a loaded machine
        while True:
            with engine.connect() as conn:
                row = conn.execute(select(table).where(table.c.key == key)).first()
            if row is not None:
                break
            assert child.poll() is None and time.monotonic() < deadline, "the first request never claimed the key"
            time.sleep(0.1)
        assert row.owner and row.owner.split(":")[1] == str(child.pid) and row.status is None
        monkeypatch.setattr(idempotency, "WAIT_S", 0.5)
        busy = app.test_client().post("/things", json={"n": 1}, headers={"Idempotency-Key": key})
        assert busy.status_code == 409 and busy.json["error"]["code"] == "idempotency_in_progress"  # it lives
        assert busy.headers["Retry-After"] == "1"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
        # Within WAIT_S, not after STALE_S (ten minutes, the only way out before: a retrying caller gave up).
        retry = app.test_client().post("/things", json={"n": 1}, headers={"Idempotency-Key": key})
        assert retry.status_code == 201 and made == ["thing"], retry.json
        again = app.test_client().post("/things", json={"n": 1}, headers={"Idempotency-Key": key})
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true" and made == ["thing"]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(30)
        engine.dispose()


def test_every_post_documents_the_key(services) -> None:
    for name in ("sk", "signature", "report"):  # built on first use
        spec = services[name].test_client().get("/openapi.json").json
        posts = [(path, ops["post"]) for path, ops in spec["paths"].items() if "post" in ops]
        assert posts, name
        for path, op in posts:
            assert "Idempotency-Key" in {p.get("name") for p in op.get("parameters", [])}, (name, path)
