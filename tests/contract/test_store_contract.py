"""The `ObjectStore` contract, run over the filesystem adapter and the S3 adapter on a real SeaweedFS."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from flask import Flask

from naskah_shared.storage.download import download_blueprint
from naskah_shared.storage.filesystem import FilesystemObjectStore
from naskah_shared.storage.ports import (
    ObjectLocked,
    ObjectNotFound,
    ObjectStore,
    Retention,
    StoreUnavailable,
)
from naskah_shared.storage.s3 import S3ObjectStore, StoreCredentialsRefused
from naskah_shared.testing.fixtures_store import FS_PUBLIC_BASE_URL
from naskah_shared.testing.seaweedfs import free_port_pairs, start_seaweedfs

ALL_BYTES = bytes(range(256)) * 3 + b"\r\n\x00%PDF-1.7 end"

Fetch = Callable[[str], tuple[int, bytes, Mapping[str, str]]]


@pytest.fixture(params=["filesystem", "s3"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    return request.getfixturevalue("fs_store" if request.param == "filesystem" else "s3_store")


@pytest.fixture
def bucket(store: ObjectStore, unique_bucket: str) -> str:
    """A versioned bucket with object lock, like `naskah-signed`."""
    store.ensure_bucket(unique_bucket, object_lock=True)
    return unique_bucket


@pytest.fixture
def plain_bucket(store: ObjectStore) -> str:
    """A versioned bucket without object lock, like `naskah-drafts`."""
    name = f"p-{time.time_ns():x}"
    store.ensure_bucket(name)
    return name


@pytest.fixture
def fetch(store: ObjectStore) -> Fetch:
    """GET a presigned URL the way an archivist's browser would: Flask blueprint or S3 itself."""
    if isinstance(store, FilesystemObjectStore):
        app = Flask("store-test")
        app.register_blueprint(download_blueprint(store))
        client = app.test_client()

        def get_fs(url: str) -> tuple[int, bytes, Mapping[str, str]]:
            assert url.startswith(FS_PUBLIC_BASE_URL + "/_store/")
            resp = client.get(url[len(FS_PUBLIC_BASE_URL):])
            return resp.status_code, resp.get_data(), resp.headers  # case-insensitive, like requests
        return get_fs

    def get_s3(url: str) -> tuple[int, bytes, Mapping[str, str]]:
        resp = requests.get(url, timeout=10)
        return resp.status_code, resp.content, resp.headers
    return get_s3


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _other_version(version_id: str) -> str:
    """A well-formed version id that does not exist."""
    return version_id[:-1] + ("0" if version_id[-1] != "0" else "1")


def _tamper(url: str, param: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    value = query[param]
    query[param] = value[:-1] + ("0" if value[-1] != "0" else "1")
    return urlunsplit(parts._replace(query=urlencode(query)))


def _in(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


# -- versions and metadata ---------------------------------------------------------------------------

def test_every_version_reads_back_with_metadata_and_sha256(store: ObjectStore, plain_bucket: str) -> None:
    key = "sk/42/sk.docx"
    bodies = [b"revision one", ALL_BYTES, b""]
    put = [store.put(plain_bucket, key, body, content_type="application/pdf",
                     metadata={"document-id": "42", "revision": str(n), "producer": "sk-service"})
           for n, body in enumerate(bodies, 1)]
    assert len({p.version_id for p in put}) == 3
    for n, (body, p) in enumerate(zip(bodies, put, strict=True), 1):
        assert p.sha256 == _sha(body) and p.size == len(body)
        data, obj = store.get(plain_bucket, key, p.version_id)
        assert data == body
        assert obj.version_id == p.version_id
        assert obj.sha256 == _sha(body) == obj.metadata["sha256"]
        assert obj.metadata["revision"] == str(n) and obj.metadata["document-id"] == "42"
        assert obj.content_type == "application/pdf" and obj.size == len(body)
        assert obj.last_modified.tzinfo is not None
        assert obj.is_latest == (n == 3)
        assert store.stat(plain_bucket, key, p.version_id) == obj
    latest_data, latest = store.get(plain_bucket, key)
    assert latest_data == b"" and latest.version_id == put[-1].version_id and latest.is_latest


def test_list_versions_newest_first(store: ObjectStore, plain_bucket: str) -> None:
    ids = [store.put(plain_bucket, "reports/7/laporan.docx", f"v{n}".encode()).version_id for n in range(4)]
    listed = store.list_versions(plain_bucket, "reports/7/laporan.docx")
    assert [v.version_id for v in listed] == ids[::-1]
    assert [v.is_latest for v in listed] == [True, False, False, False]
    assert [v.sha256 for v in listed] == [_sha(f"v{n}".encode()) for n in (3, 2, 1, 0)]
    # a key that only shares the prefix is not a version of this one
    store.put(plain_bucket, "reports/7/laporan.docx.bak", b"other")
    assert len(store.list_versions(plain_bucket, "reports/7/laporan.docx")) == 4


def test_list_objects_gives_latest_version_per_key(store: ObjectStore, plain_bucket: str) -> None:
    store.put(plain_bucket, "sk/1/sk.docx", b"old")
    newest = store.put(plain_bucket, "sk/1/sk.docx", b"new", metadata={"status": "draft"})
    pdf = store.put(plain_bucket, "sk/1/sk.pdf", b"pdf")
    store.put(plain_bucket, "reports/1/laporan.docx", b"report")
    listed = store.list_objects(plain_bucket, "sk/")
    assert [(o.key, o.version_id, o.sha256) for o in listed] == [
        ("sk/1/sk.docx", newest.version_id, _sha(b"new")), ("sk/1/sk.pdf", pdf.version_id, _sha(b"pdf"))]
    assert listed[0].metadata["status"] == "draft"
    assert len(store.list_objects(plain_bucket)) == 3


def test_concurrent_puts_each_make_a_version(store: ObjectStore, plain_bucket: str) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            store.put(plain_bucket, "bulk/b1/kampung.pdf", f"body {n}".encode() * 100)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    versions = store.list_versions(plain_bucket, "bulk/b1/kampung.pdf")
    assert len(versions) == 8
    bodies = {store.get(plain_bucket, v.key, v.version_id)[0] for v in versions}
    assert bodies == {f"body {n}".encode() * 100 for n in range(8)}


# -- object lock -------------------------------------------------------------------------------------

def test_compliance_retention_refuses_delete_and_a_put_makes_a_new_version(store: ObjectStore, bucket: str) -> None:
    key = "sk/9/800-9-DPMK-2026.pdf"
    until = _in(3600)
    signed = store.put(bucket, key, b"signed once", retention=Retention("COMPLIANCE", until))
    ret = store.get_retention(bucket, key, signed.version_id)
    assert ret is not None and ret.mode == "COMPLIANCE"
    assert abs((ret.until - until).total_seconds()) < 1.5
    with pytest.raises(ObjectLocked):
        store.delete(bucket, key, signed.version_id)
    resigned = store.put(bucket, key, b"signed twice", retention=Retention("COMPLIANCE", until))
    assert resigned.version_id != signed.version_id
    assert store.get(bucket, key, signed.version_id)[0] == b"signed once"
    assert store.get(bucket, key)[0] == b"signed twice"
    assert [v.version_id for v in store.list_versions(bucket, key)] == [resigned.version_id, signed.version_id]


def test_governance_retention_also_refuses_delete(store: ObjectStore, bucket: str) -> None:
    v = store.put(bucket, "reports/1.pdf", b"x", retention=Retention("GOVERNANCE", _in(600)))
    with pytest.raises(ObjectLocked):
        store.delete(bucket, "reports/1.pdf", v.version_id)
    assert store.get(bucket, "reports/1.pdf", v.version_id)[0] == b"x"


def test_legal_hold_refuses_delete_until_released(store: ObjectStore, bucket: str) -> None:
    key = "sk/5/held.pdf"
    held = store.put(bucket, key, b"held bytes", legal_hold=True)
    free = store.put(bucket, key, b"free bytes")
    assert store.get_retention(bucket, key, held.version_id) is None
    with pytest.raises(ObjectLocked):
        store.delete(bucket, key, held.version_id)
    assert store.get(bucket, key, held.version_id)[0] == b"held bytes"
    store.set_legal_hold(bucket, key, held.version_id, False)
    store.delete(bucket, key, held.version_id)
    with pytest.raises(ObjectNotFound):
        store.get(bucket, key, held.version_id)
    assert [v.version_id for v in store.list_versions(bucket, key)] == [free.version_id]
    store.set_legal_hold(bucket, key, free.version_id, True)  # and back on again
    with pytest.raises(ObjectLocked):
        store.delete(bucket, key, free.version_id)


@pytest.mark.slow
def test_delete_allowed_once_retention_ends(store: ObjectStore, bucket: str) -> None:
    v = store.put(bucket, "short.pdf", b"x", retention=Retention("COMPLIANCE", _in(2)))
    with pytest.raises(ObjectLocked):
        store.delete(bucket, "short.pdf", v.version_id)
    time.sleep(3)
    store.delete(bucket, "short.pdf", v.version_id)
    assert store.list_versions(bucket, "short.pdf") == []


def test_lock_settings_refused_on_a_bucket_without_object_lock(store: ObjectStore, plain_bucket: str) -> None:
    with pytest.raises(ValueError):
        store.put(plain_bucket, "a.pdf", b"x", retention=Retention("COMPLIANCE", _in(60)))
    with pytest.raises(ValueError):
        store.put(plain_bucket, "b.pdf", b"x", legal_hold=True)
    with pytest.raises(ValueError):
        store.ensure_bucket(plain_bucket, object_lock=True)
    assert store.list_objects(plain_bucket) == []
    v = store.put(plain_bucket, "c.pdf", b"x")
    store.delete(plain_bucket, "c.pdf", v.version_id)  # unlocked versions delete freely
    assert store.list_versions(plain_bucket, "c.pdf") == []


def test_retention_in_the_past_is_refused(store: ObjectStore, bucket: str) -> None:
    with pytest.raises(ValueError):
        store.put(bucket, "a.pdf", b"x", retention=Retention("COMPLIANCE", _in(-10)))


def test_ensure_bucket_is_idempotent(store: ObjectStore, bucket: str) -> None:
    v = store.put(bucket, "k", b"kept")
    store.ensure_bucket(bucket, object_lock=True)
    store.ensure_bucket(bucket)
    assert store.get(bucket, "k", v.version_id)[0] == b"kept"


# -- presigned downloads -----------------------------------------------------------------------------

def test_presigned_url_downloads_exact_bytes_of_that_version(store: ObjectStore, bucket: str, fetch: Fetch) -> None:
    key = "sk/3/800-3-DPMK-2026.pdf"
    old = store.put(bucket, key, ALL_BYTES, content_type="application/pdf")
    store.put(bucket, key, b"newer version")
    status, body, headers = fetch(store.presigned_get_url(bucket, key, old.version_id, timedelta(minutes=5)))
    assert status == 200 and body == ALL_BYTES
    assert headers["Content-Type"] == "application/pdf"
    assert headers.get("ETag")
    status, body, _ = fetch(store.presigned_get_url(bucket, key))
    assert status == 200 and body == b"newer version"


def test_presigned_url_pins_latest_at_signing_time(store: ObjectStore, bucket: str, fetch: Fetch) -> None:
    store.put(bucket, "k.pdf", b"first")
    url = store.presigned_get_url(bucket, "k.pdf")
    store.put(bucket, "k.pdf", b"second")
    assert fetch(url)[:2] == (200, b"first")


@pytest.mark.parametrize("part", ["signature", "key", "version", "expires"])
def test_tampered_presigned_url_is_refused(store: ObjectStore, bucket: str, fetch: Fetch, part: str) -> None:
    v = store.put(bucket, "sk/1/a.pdf", b"secret")
    other = store.put(bucket, "sk/1/b.pdf", b"other")
    url = store.presigned_get_url(bucket, "sk/1/a.pdf", v.version_id)
    names = ({"signature": "X-Amz-Signature", "version": "versionId", "expires": "X-Amz-Expires"}
             if isinstance(store, S3ObjectStore) else {})
    if part == "key":
        url = url.replace("/sk/1/a.pdf?", "/sk/1/b.pdf?")
    elif part == "version":
        url = url.replace(v.version_id, other.version_id)
    else:
        url = _tamper(url, names.get(part, part))
    status, body, headers = fetch(url)
    assert status == 403
    assert b"secret" not in body and b"other" not in body
    if isinstance(store, FilesystemObjectStore):
        assert headers["Content-Type"] == "application/json"
        assert set(json.loads(body)["error"]) == {"code", "message", "details"}


@pytest.mark.slow
def test_expired_presigned_url_is_refused(store: ObjectStore, bucket: str, fetch: Fetch) -> None:
    v = store.put(bucket, "k.pdf", b"bytes")
    url = store.presigned_get_url(bucket, "k.pdf", v.version_id, timedelta(seconds=1))
    time.sleep(2.2)
    status, body, _ = fetch(url)
    assert status == 403 and body != b"bytes"


def test_presigned_expiry_limits(store: ObjectStore, bucket: str) -> None:
    store.put(bucket, "k.pdf", b"x")
    with pytest.raises(ValueError):
        store.presigned_get_url(bucket, "k.pdf", expires=timedelta(days=8))
    with pytest.raises(ObjectNotFound):
        store.presigned_get_url(bucket, "missing.pdf")


# -- missing things, names, reachability -------------------------------------------------------------

def test_missing_bucket_key_or_version_is_object_not_found(store: ObjectStore, plain_bucket: str) -> None:
    v = store.put(plain_bucket, "there.pdf", b"x")
    ghost = _other_version(v.version_id)
    for call in (lambda: store.get(plain_bucket, "missing.pdf"),
                 lambda: store.stat(plain_bucket, "missing.pdf"),
                 lambda: store.get(plain_bucket, "there.pdf", ghost),
                 lambda: store.stat(plain_bucket, "there.pdf", ghost),
                 lambda: store.get(plain_bucket, "there.pdf", "not-a-version"),
                 lambda: store.get_retention(plain_bucket, "there.pdf", ghost),
                 lambda: store.get("no-such-bucket-x1", "there.pdf"),
                 lambda: store.put("no-such-bucket-x1", "k", b"x"),
                 lambda: store.list_objects("no-such-bucket-x1")):
        with pytest.raises(ObjectNotFound):
            call()
    assert store.list_versions(plain_bucket, "missing.pdf") == []
    store.delete(plain_bucket, "there.pdf", ghost)  # deleting what is gone is not an error
    store.delete(plain_bucket, "missing.pdf", ghost)
    assert store.get(plain_bucket, "there.pdf")[0] == b"x"


@pytest.mark.parametrize("key", ["../escape.pdf", "sk/../../escape.pdf", "/etc/passwd", "sk/./a.pdf",
                                 "sk//a.pdf", "sk\\..\\a.pdf", "a\x00b", "", "x" * 1100])
def test_unsafe_keys_are_refused(store: ObjectStore, plain_bucket: str, key: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        store.put(plain_bucket, key, b"x")
    with pytest.raises(ValueError):
        store.get(plain_bucket, key)
    assert store.list_objects(plain_bucket) == []
    assert not (tmp_path / "escape.pdf").exists() and not (tmp_path / "store" / "escape.pdf").exists()


def test_unsafe_metadata_is_refused(store: ObjectStore, plain_bucket: str) -> None:
    for meta in ({"Upper": "x"}, {"nama": "Bäbä"}, {"a b": "x"}, {"x": "line\nbreak"}):
        with pytest.raises(ValueError):
            store.put(plain_bucket, "k", b"x", metadata=meta)


def test_ping(store: ObjectStore) -> None:
    store.ping()


# -- adapter-specific ----------------------------------------------------------------------------------

def test_fs_signature_verification(fs_store: FilesystemObjectStore) -> None:
    fs_store.ensure_bucket("b-sig")
    v = fs_store.put("b-sig", "a.pdf", b"x")
    q = dict(parse_qsl(urlsplit(fs_store.presigned_get_url("b-sig", "a.pdf")).query))
    assert q["version"] == v.version_id
    assert fs_store.verify_presigned("b-sig", "a.pdf", q["version"], q["expires"], q["signature"])
    assert not fs_store.verify_presigned("b-sig", "a.pdf", q["version"], int(q["expires"]) + 1, q["signature"])
    assert not fs_store.verify_presigned("b-sig", "b.pdf", q["version"], q["expires"], q["signature"])
    assert not fs_store.verify_presigned("b-sig", "a.pdf", q["version"], "soon", q["signature"])
    other = FilesystemObjectStore(fs_store.root, signing_key=b"another key", public_base_url=FS_PUBLIC_BASE_URL)
    assert not other.verify_presigned("b-sig", "a.pdf", q["version"], q["expires"], q["signature"])


def test_fs_download_headers_and_404_after_delete(fs_store: FilesystemObjectStore) -> None:
    app = Flask("t")
    app.register_blueprint(download_blueprint(fs_store))
    client = app.test_client()
    fs_store.ensure_bucket("b-dl")
    v = fs_store.put("b-dl", "sk/1/Surat Keputusan.pdf", b"%PDF-", content_type="application/pdf")
    path = fs_store.presigned_get_url("b-dl", "sk/1/Surat Keputusan.pdf")[len(FS_PUBLIC_BASE_URL):]
    resp = client.get(path)
    assert resp.status_code == 200 and resp.data == b"%PDF-"
    assert resp.headers["ETag"] == f'"{v.sha256}"'
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="Surat Keputusan.pdf"')
    assert client.get(path, headers={"If-None-Match": f'"{v.sha256}"'}).status_code == 304
    fs_store.delete("b-dl", "sk/1/Surat Keputusan.pdf", v.version_id)
    resp = client.get(path)
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    assert client.get("/_store/b-dl/sk/1/Surat%20Keputusan.pdf").status_code == 403


def test_fs_crash_leftovers_are_invisible(fs_store: FilesystemObjectStore) -> None:
    """A crash after the bytes but before the description leaves nothing a reader can see."""
    fs_store.ensure_bucket("b-crash")
    v = fs_store.put("b-crash", "k.pdf", b"complete")
    kdir = next((fs_store.root / "b-crash" / "objects").iterdir())
    (kdir / ("f" * 24 + ".data")).write_bytes(b"half an obj")  # orphan bytes, newer id
    (kdir / ".ffff.json.abc.tmp").write_bytes(b"{half")
    assert fs_store.get("b-crash", "k.pdf")[0] == b"complete"
    assert [x.version_id for x in fs_store.list_versions("b-crash", "k.pdf")] == [v.version_id]
    fs_store.put("b-crash", "k.pdf", b"next")  # the next put sweeps them
    assert sorted(p.name for p in kdir.iterdir() if p.name.endswith((".tmp", ".data"))) == sorted(
        f"{x.version_id}.data" for x in fs_store.list_versions("b-crash", "k.pdf"))


def test_fs_retention_survives_a_new_store_instance(fs_store: FilesystemObjectStore) -> None:
    fs_store.ensure_bucket("b-reopen", object_lock=True)
    v = fs_store.put("b-reopen", "k.pdf", b"x", retention=Retention("COMPLIANCE", _in(600)))
    reopened = FilesystemObjectStore(fs_store.root, signing_key=b"k", public_base_url=FS_PUBLIC_BASE_URL)
    with pytest.raises(ObjectLocked):
        reopened.delete("b-reopen", "k.pdf", v.version_id)


def test_fs_ping_unavailable(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    store = FilesystemObjectStore(tmp_path / "file" / "root", signing_key=b"k", public_base_url="http://x")
    with pytest.raises(StoreUnavailable):
        store.ping()


def test_s3_wrong_credentials_are_refused(seaweed, unique_bucket: str) -> None:  # type: ignore[no-untyped-def]
    for access, secret in ((seaweed.access_key, "wrong-secret-key-123"), ("nobody", seaweed.secret_key)):
        bad = S3ObjectStore(seaweed.endpoint, access, secret)
        with pytest.raises(StoreCredentialsRefused):
            bad.ping()
        with pytest.raises(StoreUnavailable):
            bad.ensure_bucket(unique_bucket)
        with pytest.raises(StoreUnavailable):
            bad.get("naskah-signed", "k.pdf")


def test_s3_ping_fails_fast_on_a_closed_port() -> None:
    (port,) = free_port_pairs(1)
    store = S3ObjectStore(f"127.0.0.1:{port}", "a", "b")
    t0 = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.ping()
    assert time.monotonic() - t0 < 3


@pytest.mark.slow
def test_s3_store_unavailable_after_the_server_stops(tmp_path: Path) -> None:
    server = start_seaweedfs(tmp_path)
    try:
        store = S3ObjectStore(server.endpoint, server.access_key, server.secret_key)
        store.ping()
        store.ensure_bucket("b-stop")
        store.put("b-stop", "k", b"x")
    finally:
        server.stop()
    t0 = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.ping()
    with pytest.raises(StoreUnavailable):
        store.get("b-stop", "k")
    assert time.monotonic() - t0 < 6


def test_s3_presigned_url_for_a_public_endpoint(seaweed) -> None:  # type: ignore[no-untyped-def]
    """Behind docker-compose the services say `minio:9000` while browsers need another host name."""
    port = seaweed.endpoint.rsplit(":", 1)[1]
    store = S3ObjectStore(seaweed.endpoint, seaweed.access_key, seaweed.secret_key,
                          public_endpoint=f"localhost:{port}")
    store.ensure_bucket("b-public")
    v = store.put("b-public", "k.pdf", ALL_BYTES)
    url = store.presigned_get_url("b-public", "k.pdf", v.version_id)
    assert urlsplit(url).netloc == f"localhost:{port}"
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200 and resp.content == ALL_BYTES


_CRASH_WRITER = """
import sys
from pathlib import Path
from naskah_shared.storage.filesystem import FilesystemObjectStore
store = FilesystemObjectStore(Path(sys.argv[1]), signing_key=b"k", public_base_url="http://x")
store.ensure_bucket("b-kill")
n = 0
while True:
    store.put("b-kill", "big.pdf", bytes([n % 256]) * (4 << 20), metadata={"n": str(n)})
    n += 1
    print(n, flush=True)
"""


@pytest.mark.slow
def test_fs_killed_writer_leaves_only_complete_versions(tmp_path: Path) -> None:
    """SIGKILL a process in the middle of 4 MiB puts: every version a reader sees is whole."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _CRASH_WRITER, str(tmp_path)], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()  # at least one version is complete
    time.sleep(0.15)
    proc.kill()
    proc.wait(10)
    store = FilesystemObjectStore(tmp_path, signing_key=b"k", public_base_url="http://x")
    versions = store.list_versions("b-kill", "big.pdf")
    assert versions
    for v in versions:
        data, obj = store.get("b-kill", "big.pdf", v.version_id)
        assert len(data) == 4 << 20 and _sha(data) == obj.sha256
        assert data == bytes([int(obj.metadata["n"]) % 256]) * (4 << 20)
    # the next writer carries on after the crash and sweeps the leftovers
    assert store.put("b-kill", "big.pdf", b"after").version_id > versions[0].version_id
    kdir = next((tmp_path / "b-kill" / "objects").iterdir())
    names = [p.name for p in kdir.iterdir()]
    assert not [n for n in names if n.endswith(".tmp")]
    assert {n[:-5] for n in names if n.endswith(".data")} == {n[:-5] for n in names if n.endswith(".json")}
