"""The `ObjectStore` port: versioned buckets, object lock, presigned downloads.

Every adapter passes tests/contract/test_store_contract.py. Documents live
here, never in a database; each put makes a new version and returns its id
and SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol


class Buckets:
    """Bucket names of DESIGN §4."""

    DRAFTS = "naskah-drafts"
    SIGNED = "naskah-signed"  # versioning + object lock (COMPLIANCE)
    REPORTS = "naskah-reports"


@dataclass(frozen=True)
class Retention:
    mode: Literal["COMPLIANCE", "GOVERNANCE"]
    until: datetime  # aware UTC


@dataclass(frozen=True)
class StoredObject:
    bucket: str
    key: str
    version_id: str
    sha256: str
    size: int
    content_type: str
    last_modified: datetime
    metadata: Mapping[str, str] = field(default_factory=dict)
    is_latest: bool = True

    def ref(self) -> dict[str, str]:
        """How events and APIs name this version: bucket, key, version id and SHA-256 (never the bytes)."""
        return {"bucket": self.bucket, "key": self.key, "version_id": self.version_id, "sha256": self.sha256}


class ObjectNotFound(LookupError):
    """No such bucket, key or version."""


class ObjectLocked(PermissionError):
    """The version is under retention or legal hold and cannot be deleted."""


class StoreUnavailable(RuntimeError):
    """The object store cannot be reached."""


class ObjectStore(Protocol):
    def ensure_bucket(self, bucket: str, *, object_lock: bool = False) -> None:
        """Create the bucket with versioning (and object lock) if missing."""

    def put(self, bucket: str, key: str, data: bytes, *, content_type: str = "application/octet-stream",
            metadata: Mapping[str, str] | None = None, retention: Retention | None = None,
            legal_hold: bool = False) -> StoredObject:
        """Store a new version. `metadata` keys are lower-case ASCII; `sha256` is added."""

    def get(self, bucket: str, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]:
        """Bytes and description of one version (the latest when `version_id` is None)."""

    def stat(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject: ...

    def list_versions(self, bucket: str, key: str) -> list[StoredObject]:
        """Every version of `key`, newest first."""

    def list_objects(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        """The latest version of each key under `prefix`."""

    def delete(self, bucket: str, key: str, version_id: str) -> None:
        """Remove one version; `ObjectLocked` while retention or legal hold holds it."""

    def set_legal_hold(self, bucket: str, key: str, version_id: str, on: bool) -> None: ...

    def get_retention(self, bucket: str, key: str, version_id: str) -> Retention | None: ...

    def get_legal_hold(self, bucket: str, key: str, version_id: str) -> bool: ...

    def presigned_get_url(self, bucket: str, key: str, version_id: str | None = None,
                          expires: timedelta = timedelta(minutes=15)) -> str:
        """A short-lived URL that downloads exactly that version's bytes."""

    def ping(self) -> None:
        """Raise `StoreUnavailable` when the store cannot be reached."""
