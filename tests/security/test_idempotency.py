"""Idempotency-Key (issue 13, DESIGN §14): a retried POST creates one thing, and only its caller can replay it.

On PostgreSQL (each service its own database), over HTTP: a retry replays the first answer; the same
key on a different request is a 422; another caller's key is its own; five concurrent duplicates
make one activity; an SK retried after a timeout is drafted once.
"""

from __future__ import annotations

import threading
import uuid

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
