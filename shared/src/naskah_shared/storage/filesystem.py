"""`FilesystemObjectStore`: the `ObjectStore` port in a local directory.

For the embedded run (no server installed). It behaves like the S3 adapter:
every put is a new version, metadata carries `sha256`, retention and legal
hold refuse deletion, and presigned URLs are HMAC-signed links served by
`naskah_shared.storage.download.download_blueprint`.

Layout under `root`::

    <bucket>/.bucket.json                  {"object_lock": bool}
    <bucket>/.lock                         flock target: one writer per bucket across processes
    <bucket>/objects/<quoted key>/key      the key itself (the directory name may be a hash)
    <bucket>/objects/<quoted key>/<version>.data
    <bucket>/objects/<quoted key>/<version>.json   description; written last, so it marks the version as complete

Version ids are 24 lower-case hex digits (nanosecond clock + random), so they
sort by age like ULIDs; a crash leaves at most an orphan `.data` or `.tmp`
file that no reader ever sees, swept by the next put of that key.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, NotRequired, TypedDict
from urllib.parse import quote, urlencode

from naskah_shared.storage.keys import check_bucket, check_key, check_metadata
from naskah_shared.storage.ports import (
    ObjectLocked,
    ObjectNotFound,
    Retention,
    StoredObject,
    StoreUnavailable,
)

MAX_PRESIGN = timedelta(days=7)  # the S3 limit, mirrored so both adapters refuse the same requests
_MAX_DIRNAME = 200


class _RetentionDescription(TypedDict):
    mode: Literal["COMPLIANCE", "GOVERNANCE"]
    until: str  # ISO 8601, UTC


class _Description(TypedDict):
    """`<version_id>.json` beside a version's bytes: written by `put`, read back by everything else."""

    key: str
    version_id: str
    sha256: str
    size: int
    content_type: str
    last_modified: str  # ISO 8601
    metadata: dict[str, str]
    retention: _RetentionDescription | None
    legal_hold: bool
    is_latest: NotRequired[bool]  # never stored: added when read


def _atomic_write(path: Path, data: bytes) -> None:
    """tmp file + fsync + os.replace + directory fsync: a crash leaves the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _key_dirname(key: str) -> str:
    name = quote(key, safe="")  # "/" becomes %2F, so a key is always one directory
    return name if len(name) <= _MAX_DIRNAME else "~" + hashlib.sha256(key.encode()).hexdigest()


class FilesystemObjectStore:
    """A versioned object store with object lock in a directory tree."""

    def __init__(self, root: Path, *, signing_key: bytes, public_base_url: str) -> None:
        if not signing_key:
            raise ValueError("signing_key must not be empty")
        self.root = Path(root)
        self._signing_key = bytes(signing_key)
        self.public_base_url = public_base_url.rstrip("/")
        self._lock = threading.RLock()
        self._last_ns = 0

    # -- buckets ---------------------------------------------------------------------------------
    def ensure_bucket(self, bucket: str, *, object_lock: bool = False) -> None:
        bdir = self.root / check_bucket(bucket)
        try:
            with self._lock:
                conf = bdir / ".bucket.json"
                if conf.exists():
                    if object_lock and not self._bucket_conf(bucket)["object_lock"]:
                        raise ValueError(f"bucket {bucket!r} exists without object lock")
                    return
                (bdir / "objects").mkdir(parents=True, exist_ok=True)
                _atomic_write(conf, json.dumps({"versioning": "Enabled", "object_lock": object_lock}).encode())
        except OSError as exc:
            raise StoreUnavailable(f"cannot create bucket {bucket!r} under {self.root}: {exc}") from exc

    def _bucket_conf(self, bucket: str) -> dict[str, object]:
        try:
            conf: dict[str, object] = json.loads((self.root / check_bucket(bucket) / ".bucket.json").read_bytes())
            return conf  # written by make_bucket above
        except FileNotFoundError:
            raise ObjectNotFound(f"no such bucket {bucket!r}") from None

    @contextlib.contextmanager
    def _writing(self, bucket: str) -> Iterator[dict[str, object]]:
        """Serialise writers of one bucket across threads (RLock) and processes (flock)."""
        conf = self._bucket_conf(bucket)
        with self._lock, open(self.root / bucket / ".lock", "ab") as lockf:
            fcntl.flock(lockf.fileno(), fcntl.LOCK_EX)
            try:
                yield conf
            finally:
                fcntl.flock(lockf.fileno(), fcntl.LOCK_UN)

    # -- paths and descriptions --------------------------------------------------------------------
    def _key_dir(self, bucket: str, key: str) -> Path:
        return self.root / check_bucket(bucket) / "objects" / _key_dirname(check_key(key))

    @staticmethod
    def _version_ids(kdir: Path) -> list[str]:
        """Complete versions of one key, newest first."""
        try:
            names = os.listdir(kdir)
        except FileNotFoundError:
            return []
        return sorted((n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")), reverse=True)

    def _new_version_id(self, kdir: Path) -> str:
        ns = max(time.time_ns(), self._last_ns + 1)
        existing = self._version_ids(kdir)
        if existing:  # another process may have a clock ahead of ours: stay strictly newer
            ns = max(ns, int(existing[0][:16], 16) + 1)
        self._last_ns = ns
        return f"{ns:016x}{secrets.randbits(32):08x}"

    def _read_desc(self, bucket: str, key: str, version_id: str | None) -> tuple[Path, _Description]:
        kdir = self._key_dir(bucket, key)
        self._bucket_conf(bucket)  # NoSuchBucket before NoSuchKey
        versions = self._version_ids(kdir)
        if version_id is None:
            if not versions:
                raise ObjectNotFound(f"no such key {bucket}/{key}")
            version_id = versions[0]
        elif not (len(version_id) == 24 and all(c in "0123456789abcdef" for c in version_id)):
            raise ObjectNotFound(f"no such version {bucket}/{key}@{version_id}")
        try:
            desc: _Description = json.loads((kdir / f"{version_id}.json").read_bytes())
        except FileNotFoundError:
            raise ObjectNotFound(f"no such version {bucket}/{key}@{version_id}") from None
        desc["is_latest"] = bool(versions) and versions[0] == version_id
        return kdir, desc

    @staticmethod
    def _describe(bucket: str, desc: _Description) -> StoredObject:
        return StoredObject(
            bucket=bucket,
            key=str(desc["key"]),
            version_id=str(desc["version_id"]),
            sha256=str(desc["sha256"]),
            size=int(desc["size"]),
            content_type=str(desc["content_type"]),
            last_modified=datetime.fromisoformat(str(desc["last_modified"])),
            metadata=dict(desc["metadata"]),
            is_latest=bool(desc.get("is_latest", True)),
        )

    # -- the port ----------------------------------------------------------------------------------
    def put(self, bucket: str, key: str, data: bytes, *, content_type: str = "application/octet-stream",
            metadata: Mapping[str, str] | None = None, retention: Retention | None = None,
            legal_hold: bool = False) -> StoredObject:
        kdir = self._key_dir(bucket, key)
        meta = check_metadata(metadata)
        content_type = check_metadata({"content-type": content_type})["content-type"]
        digest = hashlib.sha256(data).hexdigest()
        meta["sha256"] = digest
        if retention is not None:
            _check_retention(retention)
        with self._writing(bucket) as conf:
            if (retention is not None or legal_hold) and not conf["object_lock"]:
                raise ValueError(f"bucket {bucket!r} has no object lock: retention and legal hold refused")
            kdir.mkdir(exist_ok=True)
            _sweep(kdir)
            if not (kdir / "key").exists():
                _atomic_write(kdir / "key", key.encode())
            version_id = self._new_version_id(kdir)
            now = datetime.fromtimestamp(int(version_id[:16], 16) / 1e9, UTC)
            desc: _Description = {
                "key": key, "version_id": version_id, "sha256": digest, "size": len(data),
                "content_type": content_type, "last_modified": now.isoformat(), "metadata": meta,
                "retention": None if retention is None else
                {"mode": retention.mode, "until": retention.until.astimezone(UTC).isoformat()},
                "legal_hold": legal_hold,
            }
            _atomic_write(kdir / f"{version_id}.data", data)
            _atomic_write(kdir / f"{version_id}.json", json.dumps(desc).encode())
        return self._describe(bucket, {**desc, "is_latest": True})

    def get(self, bucket: str, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]:
        kdir, desc = self._read_desc(bucket, key, version_id)
        try:
            data = (kdir / f"{desc['version_id']}.data").read_bytes()
        except FileNotFoundError:  # deleted between reading the description and the bytes
            raise ObjectNotFound(f"no such version {bucket}/{key}@{desc['version_id']}") from None
        return data, self._describe(bucket, desc)

    def stat(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
        return self._describe(bucket, self._read_desc(bucket, key, version_id)[1])

    def list_versions(self, bucket: str, key: str) -> list[StoredObject]:
        kdir = self._key_dir(bucket, key)
        self._bucket_conf(bucket)
        out: list[StoredObject] = []
        for vid in self._version_ids(kdir):
            try:
                desc: _Description = json.loads((kdir / f"{vid}.json").read_bytes())
            except FileNotFoundError:
                continue  # deleted meanwhile
            out.append(self._describe(bucket, {**desc, "is_latest": not out}))
        return out

    def list_objects(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        self._bucket_conf(bucket)
        objects = self.root / bucket / "objects"
        out: list[StoredObject] = []
        for kdir in objects.iterdir():
            try:
                key = (kdir / "key").read_text()
            except (FileNotFoundError, NotADirectoryError):
                continue
            if not key.startswith(prefix):
                continue
            with contextlib.suppress(ObjectNotFound):
                out.append(self.stat(bucket, key))
        return sorted(out, key=lambda o: o.key)

    def delete(self, bucket: str, key: str, version_id: str) -> None:
        """Remove one version; a missing key or version is already deleted (idempotent, like S3)."""
        kdir = self._key_dir(bucket, key)
        with self._writing(bucket):
            try:
                _, desc = self._read_desc(bucket, key, version_id)
            except ObjectNotFound:
                return
            _refuse_if_locked(desc)
            os.unlink(kdir / f"{version_id}.json")  # the description goes first: readers stop seeing it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(kdir / f"{version_id}.data")
            _fsync_dir(kdir)

    def set_legal_hold(self, bucket: str, key: str, version_id: str, on: bool) -> None:
        with self._writing(bucket) as conf:
            if not conf["object_lock"]:
                raise ValueError(f"bucket {bucket!r} has no object lock: legal hold refused")
            kdir, desc = self._read_desc(bucket, key, version_id)
            desc.pop("is_latest", None)
            desc["legal_hold"] = bool(on)
            _atomic_write(kdir / f"{version_id}.json", json.dumps(desc).encode())

    def get_legal_hold(self, bucket: str, key: str, version_id: str) -> bool:
        return bool(self._read_desc(bucket, key, version_id)[1]["legal_hold"])

    def get_retention(self, bucket: str, key: str, version_id: str) -> Retention | None:
        ret = self._read_desc(bucket, key, version_id)[1]["retention"]
        if not ret:
            return None
        return Retention(mode=ret["mode"], until=datetime.fromisoformat(ret["until"]))

    def presigned_get_url(self, bucket: str, key: str, version_id: str | None = None,
                          expires: timedelta = timedelta(minutes=15)) -> str:
        """Pins the version (the latest one when None), so the link always serves the same bytes."""
        if not timedelta(seconds=1) <= expires <= MAX_PRESIGN:
            raise ValueError("expires must be between 1 second and 7 days")
        version = self.stat(bucket, key, version_id).version_id
        expires_at = int(time.time() + expires.total_seconds())
        query = urlencode({"version": version, "expires": expires_at,
                           "signature": self._sign(bucket, key, version, expires_at)})
        return f"{self.public_base_url}/_store/{bucket}/{quote(key, safe='/')}?{query}"

    def verify_presigned(self, bucket: str, key: str, version: str, expires: int | str, signature: str) -> bool:
        """True when the signature matches and the link has not expired."""
        try:
            expires_at = int(expires)
        except (TypeError, ValueError):
            return False
        if expires_at < time.time():
            return False
        return hmac.compare_digest(self._sign(bucket, key, version, expires_at), str(signature))

    def _sign(self, bucket: str, key: str, version: str, expires_at: int) -> str:
        message = "\n".join(["GET", bucket, key, version, str(expires_at)]).encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise PermissionError(f"{self.root} is not writable")
        except OSError as exc:
            raise StoreUnavailable(f"filesystem store {self.root} unavailable: {exc}") from exc


def _sweep(kdir: Path) -> None:
    """Remove what a crashed writer left in `kdir`. Called under the bucket lock, so no writer is active."""
    names = os.listdir(kdir)
    complete = {n[:-5] for n in names if n.endswith(".json") and not n.startswith(".")}
    for n in names:
        stale_tmp = n.startswith(".") and n.endswith(".tmp")
        orphan = n.endswith(".data") and n[:-5] not in complete
        if stale_tmp or orphan:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(kdir / n)


def _check_retention(retention: Retention) -> None:
    if retention.mode not in ("COMPLIANCE", "GOVERNANCE"):
        raise ValueError(f"unknown retention mode {retention.mode!r}")
    if retention.until.tzinfo is None:
        raise ValueError("retention.until must be timezone-aware")
    if retention.until <= datetime.now(UTC):
        raise ValueError("retention.until must be in the future")


def _refuse_if_locked(desc: _Description) -> None:
    where = f"{desc['key']}@{desc['version_id']}"
    if desc.get("legal_hold"):
        raise ObjectLocked(f"{where} is under legal hold")
    ret = desc.get("retention")
    if ret and datetime.fromisoformat(ret["until"]) > datetime.now(UTC):
        raise ObjectLocked(f"{where} is under {ret['mode']} retention until {ret['until']}")
