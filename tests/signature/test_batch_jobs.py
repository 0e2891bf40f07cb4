"""Issue 13, defect 3: a batch-signing job lived in one worker's memory (two POSTs on two workers started two
jobs, a GET on the other worker said `running: false`, a crash left no trace). Now the job is a row with a
lease and a heartbeat: every worker answers truthfully, a second start is a 409 whatever the passphrase,
and a job whose process was SIGKILLed shows as interrupted with the documents left, resumed by signing again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from naskah_shared.storage.ports import Buckets
from signature_service.app import create_app as signature_app
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from tests.conftest import keyed
from tests.flow import bearer, wait_for
from tests.signature.conftest_fault import sig, worker  # noqa: F401  (fixtures)
from tests.signature.seed import archived_versions, container, seed_batch, sign_audits

pytestmark = pytest.mark.slow
PASS = {"passphrase": SIGNER_PASSPHRASES["kadis"]}


def _ids(app, batch: str) -> set[str]:
    with container(app).signing.uow() as uow:
        return {r.id for r in uow.requests.for_batch(batch)}


def _each_signed_once(app, batch: str, letters: int) -> None:
    ids = _ids(app, batch)
    versions = archived_versions(app, ids)
    assert len(versions) == letters and {v.metadata["request-id"] for v in versions} == ids, "one version each"
    audits = sign_audits(app, ids)
    assert len(audits) == letters and {a["request_id"] for a in audits} == ids, "one audit entry each"
    assert {a["sha256_out"] for a in audits} == {v.sha256 for v in versions}


def test_two_workers_see_one_job_and_a_second_start_is_a_409(sig):  # noqa: F811
    cfg, one = sig
    other = keyed(signature_app(cfg))  # a second worker process's app: the same database, its own memory
    try:
        batch = seed_batch(one, 6)
        for app in (one, other):  # each letter's archive write takes a while: the job is seen running
            store, real_put = container(app).signing.store, container(app).signing.store.put

            def slow_put(bucket, *args, _real=real_put, **kwargs):
                if bucket == Buckets.SIGNED:
                    time.sleep(0.4)
                return _real(bucket, *args, **kwargs)

            store.put = slow_put
        url = f"/api/signature-batches/{batch}"
        answers: list[tuple[int, str]] = []
        start = threading.Barrier(2)

        def post(app, passphrase: str) -> None:
            client = app.test_client()
            start.wait(timeout=30)
            r = client.post(f"{url}/sign", json={"passphrase": passphrase}, headers=bearer(app, "kadis"))
            answers.append((r.status_code, (r.json.get("error") or {}).get("code", "")))

        # Two POSTs at once on two workers (the second with a wrong passphrase: a 409 says nothing of it).
        threads = [threading.Thread(target=post, args=(one, PASS["passphrase"])),
                   threading.Thread(target=post, args=(other, "salah"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(answers) == [(202, ""), (409, "batch_in_progress")], answers
        seen = other.test_client().get(url, headers=bearer(other, "kadis")).json
        assert seen["running"] is True and seen["state"] == "running" and seen["left"] > 0, seen
        again = other.test_client().post(f"{url}/sign", json={"passphrase": "apa saja"}, headers=bearer(other, "kadis"))
        assert again.status_code == 409 and again.json["error"]["code"] == "batch_in_progress"
        done = wait_for(lambda: (p := other.test_client().get(url, headers=bearer(other, "kadis")).json)["state"]
                        == "done" and p, 60)
        assert (done["signed"], done["left"], done["running"], done["error"]) == (6, 0, False, None)
        _each_signed_once(one, batch, 6)
    finally:
        container(other).close()
        for app in (one, other):
            vars(container(app).signing.store).pop("put", None)


def test_a_sigkilled_job_shows_as_interrupted_and_signing_again_resumes_it(sig):  # noqa: F811
    cfg, app = sig
    batch = seed_batch(app, 7)
    url = f"/api/signature-batches/{batch}"
    done = worker(cfg, "batch", batch, "kadis", crash="batch-letter-3")
    assert done.returncode == -9, done.stderr.decode()[-3000:]
    c = app.test_client()
    # The worker's lease was 3 s: once it lapses, any worker says the job died, and what is left.
    p = wait_for(lambda: (x := c.get(url, headers=bearer(app, "kadis")).json)["state"] == "interrupted" and x, 20)
    assert (p["running"], p["signed"], p["left"], p["error"]["code"]) == (False, 3, 4, "job_interrupted"), p
    r = c.post(f"{url}/sign", json=PASS, headers=bearer(app, "kadis"))
    assert r.status_code == 202 and r.json["state"] in ("running", "done"), r.json
    p = wait_for(lambda: (x := c.get(url, headers=bearer(app, "kadis")).json)["state"] == "done" and x, 60)
    assert (p["signed"], p["left"], p["error"]) == (7, 0, None)
    _each_signed_once(app, batch, 7)
    with container(app).signing.uow() as uow:
        assert Counter(a["result"] for a in uow.requests.audit_trail(limit=100)) == {"ok": 7}


def test_a_job_killed_mid_write_is_resumed_without_a_second_version(sig):  # noqa: F811
    """SIGKILL between a letter's archive write and its commit, inside a batch: the resume adopts it."""
    cfg, app = sig
    batch = seed_batch(app, 3)
    done = worker(cfg, "batch", batch, "kadis", crash="signature-stored")
    assert done.returncode == -9, done.stderr.decode()[-3000:]
    url = f"/api/signature-batches/{batch}"
    c = app.test_client()
    wait_for(lambda: c.get(url, headers=bearer(app, "kadis")).json["state"] == "interrupted", 20)
    assert c.post(f"{url}/sign", json=PASS, headers=bearer(app, "kadis")).status_code == 202
    wait_for(lambda: c.get(url, headers=bearer(app, "kadis")).json["state"] == "done", 60)
    _each_signed_once(app, batch, 3)
