"""Issue 13, defect 2: a crash between the archive write (object lock, ten years) and the database commit.

Before: the signed version stayed in the archive with no audit entry, and signing again archived a second
one under the same key. Now an intent is committed before the write and the version names its request: the
next attempt, or the reconciler at start-up, adopts the version that is there (or forgets an intent nothing
was written for), so the archive holds exactly one version per signature, each with its audit entry.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from naskah_shared.storage.ports import Buckets
from naskah_shared.testing.postgres import ADMIN_DSN
from signature_service.domain.requests import Status
from signature_service.pki.devpki import SIGNER_PASSPHRASES
from signature_service.service_layer.commands import Client, Sign
from tests.flow import wait_for
from tests.signature.conftest_fault import sig, worker  # noqa: F401  (fixtures)
from tests.signature.seed import archived_versions, container, seed_document, sign_audits

pytestmark = pytest.mark.slow


def _signed_events(app, document_id: str) -> int:
    with container(app).runtime.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM outbox WHERE type = 'document.signed' AND body LIKE :d"),
                            {"d": f"%{document_id}%"}).scalar_one()


def _exactly_once(app, ids: dict[str, str], request_id: str) -> None:
    versions = archived_versions(app, {request_id})
    assert len(versions) == 1, [v.version_id for v in versions]
    req = container(app).signing.request(request_id)
    assert req.status is Status.SIGNED and req.result["version_id"] == versions[0].version_id
    audits = sign_audits(app, {request_id})
    assert len(audits) == 1 and audits[0]["sha256_out"] == versions[0].sha256
    assert _signed_events(app, ids["document_id"]) == 1
    with container(app).signing.uow() as uow:
        assert uow.guards.intents() == []


@pytest.mark.parametrize("recovery", ["sign-again", "reconciler"])
@pytest.mark.parametrize("crash", ["signature-stored", "signature-intent"])
def test_sigkill_between_the_archive_write_and_the_commit(sig, crash, recovery):  # noqa: F811
    cfg, app = sig
    box = container(app)
    ids = seed_document(app, ("kadis",))
    rid = ids["kadis"]
    done = worker(cfg, "sign", rid, "kadis", crash=crash)
    assert done.returncode == -9, done.stderr.decode()[-3000:]
    assert box.signing.request(rid).status is Status.PENDING, "the commit never happened"
    left = archived_versions(app, {rid})
    assert len(left) == (1 if crash == "signature-stored" else 0)
    assert sign_audits(app, {rid}) == []

    if recovery == "reconciler":  # a process starting: it settles what the dead one left
        box.runtime.start()
        with box.signing.uow() as uow:
            wait_for(lambda: not uow.guards.intents(), 20)
    if box.signing.request(rid).status is not Status.SIGNED:
        assert crash == "signature-intent" or recovery == "sign-again"
        box.signing.sign(Sign(rid, box.accounts["kadis"], SIGNER_PASSPHRASES["kadis"], Client("127.0.0.1", "tests")))
    _exactly_once(app, ids, rid)
    if left:  # the version the dead process wrote is the one adopted, not a second one
        assert box.signing.request(rid).result["version_id"] == left[0].version_id
        assert "recovered" in sign_audits(app, {rid})[0]["detail"]


def test_database_backend_killed_at_the_commit_after_the_archive_write(sig):  # noqa: F811
    cfg, app = sig
    box = container(app)
    ids = seed_document(app, ("kadis",))
    rid = ids["kadis"]
    database = make_url(cfg["database_url"]).database
    state = {"armed": False, "killed": 0}
    store, real_put = box.signing.store, box.signing.store.put

    def put(bucket, *args, **kwargs):
        stored = real_put(bucket, *args, **kwargs)
        state["armed"] = bucket == Buckets.SIGNED  # the next commit is the one that records the signature
        return stored

    def kill(conn) -> None:
        if state["armed"]:
            state["armed"] = False
            pid = conn.connection.dbapi_connection.info.backend_pid
            with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:  # only this test's database
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                              "AND pid = %s", (database, pid))
            state["killed"] += 1

    store.put = put
    event.listen(box.runtime.engine, "commit", kill)
    try:
        with pytest.raises(Exception):  # noqa: B017 - whichever error the dead connection gives
            box.signing.sign(Sign(rid, box.accounts["kadis"], SIGNER_PASSPHRASES["kadis"], Client("127.0.0.1", "t")))
    finally:
        event.remove(box.runtime.engine, "commit", kill)
        del store.put
    assert state["killed"] == 1
    assert box.signing.request(rid).status is Status.PENDING and len(archived_versions(app, {rid})) == 1
    again = box.signing.sign(Sign(rid, box.accounts["kadis"], SIGNER_PASSPHRASES["kadis"], Client("127.0.0.1", "t")))
    assert again.status is Status.SIGNED
    _exactly_once(app, ids, rid)


def test_kabid_then_kadis_after_a_crash_at_each_signature(sig):  # noqa: F811
    """Two signers: the Kabid's (drafts bucket) and the Kadis's (archive) each interrupted once."""
    cfg, app = sig
    box = container(app)
    ids = seed_document(app, ("kabid", "kadis"))
    for who in ("kabid", "kadis"):
        done = worker(cfg, "sign", ids[who], who, crash="signature-stored", passphrase=SIGNER_PASSPHRASES[who])
        assert done.returncode == -9, done.stderr.decode()[-3000:]
        box.signing.sign(Sign(ids[who], box.accounts[who], SIGNER_PASSPHRASES[who], Client("127.0.0.1", "t")))
    kabid = box.signing.request(ids["kabid"])
    drafts = [v for v in box.runtime.store.list_versions(Buckets.DRAFTS, kabid.result["key"])
              if v.metadata.get("request-id") == ids["kabid"]]
    assert len(drafts) == 1 and kabid.result["version_id"] == drafts[0].version_id
    assert box.signing.request(ids["kadis"]).source == kabid.result, "the Kadis signs what the Kabid signed"
    _exactly_once(app, ids, ids["kadis"])
