"""`S3ObjectStore`: the `ObjectStore` port on an S3 API (MinIO, SeaweedFS) through the minio SDK.

The constructor makes no request (region given, so the SDK never asks for
a bucket's location). Every SDK and transport error is translated into the
port's errors here, so callers never see `S3Error` or urllib3 exceptions.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.retention import Retention as MinioRetention
from minio.versioningconfig import VersioningConfig

from naskah_shared.storage.keys import check_bucket, check_key, check_metadata
from naskah_shared.storage.ports import (
    ObjectLocked,
    ObjectNotFound,
    Retention,
    StoredObject,
    StoreUnavailable,
)

MAX_PRESIGN = timedelta(days=7)
_META_PREFIX = "x-amz-meta-"
_NOT_FOUND = {"NoSuchKey", "NoSuchVersion", "NoSuchBucket", "ResourceNotFound", "NoSuchObject"}
_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken",
                "InvalidToken", "AuthorizationHeaderMalformed", "RequestTimeTooSkewed"}
# What S3 servers answer when object lock refuses a delete (AWS and SeaweedFS 4.48: AccessDenied).
_LOCKED = {"AccessDenied", "ObjectLocked", "InvalidRequest"}


class StoreCredentialsRefused(StoreUnavailable):
    """The S3 server refused the access key or its signature: the store is unusable as configured."""


class S3ObjectStore:
    """Versioned buckets with object lock on any S3 server, via minio 7.2.20."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, *, secure: bool = False,
                 region: str = "us-east-1", public_endpoint: str | None = None,
                 connect_timeout: float = 1.5, read_timeout: float = 30.0) -> None:
        """`public_endpoint` (host:port) signs presigned URLs for clients that reach S3 by another name."""
        # Short connect timeout and a single retry: a down server fails `ping` in about 3 s, not minutes.
        # Reads are never retried, so a slow PUT cannot silently create a second version.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            retries=urllib3.Retry(total=1, connect=1, read=0, redirect=0, status=1, backoff_factor=0.2,
                                  status_forcelist=(502, 503, 504)),
            maxsize=10,
        )
        self.endpoint = endpoint
        self._client = Minio(endpoint, access_key, secret_key, secure=secure, region=region, http_client=http)
        self._presigner = self._client if not public_endpoint else Minio(
            public_endpoint, access_key, secret_key, secure=secure, region=region, http_client=http)

    # -- error translation -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self, what: str, *, deleting: bool = False) -> Iterator[None]:
        try:
            yield
        except S3Error as exc:
            code = exc.code or ""
            if deleting and code in _LOCKED:
                raise ObjectLocked(f"{what}: {code}: {exc.message}") from exc
            if code in _NOT_FOUND:
                raise ObjectNotFound(f"{what}: {code}") from exc
            if code in _CREDENTIALS:
                raise StoreCredentialsRefused(f"{what}: S3 refused the credentials: {code}") from exc
            if code in ("InvalidRequest", "InvalidArgument", "InvalidBucketState", "MalformedXML"):
                raise ValueError(f"{what}: {code}: {exc.message}") from exc
            if exc.response is not None and exc.response.status >= 500:
                raise StoreUnavailable(f"{what}: S3 server error {code}") from exc
            raise
        except (ServerError, InvalidResponseError) as exc:
            raise StoreUnavailable(f"{what}: S3 server error: {exc}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise StoreUnavailable(f"{what}: cannot reach S3 at {self.endpoint}: {exc}") from exc
        except MinioException as exc:
            raise StoreUnavailable(f"{what}: {exc}") from exc

    # -- buckets -----------------------------------------------------------------------------------
    def ensure_bucket(self, bucket: str, *, object_lock: bool = False) -> None:
        check_bucket(bucket)
        with self._errors(f"ensure_bucket {bucket}"):
            if not self._client.bucket_exists(bucket):
                try:
                    self._client.make_bucket(bucket, object_lock=object_lock)
                except S3Error as exc:  # created meanwhile; SeaweedFS says BucketAlreadyExists for its own
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            elif object_lock and not self._has_object_lock(bucket):
                raise ValueError(f"bucket {bucket!r} exists without object lock")
            self._client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))

    def _has_object_lock(self, bucket: str) -> bool:
        try:
            self._client.get_object_lock_config(bucket)
        except S3Error as exc:
            if exc.code in ("ObjectLockConfigurationNotFoundError", "NoSuchObjectLockConfiguration"):
                return False
            raise
        return True

    # -- descriptions ------------------------------------------------------------------------------
    @staticmethod
    def _describe(bucket: str, key: str, headers: Mapping[str, str], *, is_latest: bool,
                  data: bytes | None = None) -> StoredObject:
        meta = {k.lower()[len(_META_PREFIX):]: v for k, v in headers.items() if k.lower().startswith(_META_PREFIX)}
        sha = meta.get("sha256") or (hashlib.sha256(data).hexdigest() if data is not None else "")
        modified = headers.get("last-modified")
        return StoredObject(
            bucket=bucket, key=key, version_id=headers.get("x-amz-version-id") or "null", sha256=sha,
            size=int(headers.get("content-length") or 0),
            content_type=headers.get("content-type") or "application/octet-stream",
            last_modified=parsedate_to_datetime(modified).astimezone(UTC) if modified else datetime.now(UTC),
            metadata=meta, is_latest=is_latest,
        )

    def _is_latest(self, bucket: str, key: str, version_id: str | None) -> bool:
        if version_id is None:
            return True
        head = self._client.stat_object(bucket, key)
        return head.version_id == version_id

    # -- the port ----------------------------------------------------------------------------------
    def put(self, bucket: str, key: str, data: bytes, *, content_type: str = "application/octet-stream",
            metadata: Mapping[str, str] | None = None, retention: Retention | None = None,
            legal_hold: bool = False) -> StoredObject:
        check_bucket(bucket)
        check_key(key)
        meta = check_metadata(metadata)
        check_metadata({"content-type": content_type})
        digest = hashlib.sha256(data).hexdigest()
        meta["sha256"] = digest
        mret = None
        if retention is not None:
            if retention.until.tzinfo is None:
                raise ValueError("retention.until must be timezone-aware")
            if retention.until <= datetime.now(UTC):
                raise ValueError("retention.until must be in the future")
            mret = MinioRetention(retention.mode, retention.until.astimezone(UTC))
        # Lock headers on a bucket without object lock: S3 answers InvalidRequest, translated to ValueError.
        # minio's parameter is a dict of str or lists of str (invariant): a copy typed as such.
        headers: dict[str, str | list[str] | tuple[str]] = dict(meta)
        with self._errors(f"put {bucket}/{key}"):
            res = self._client.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type,
                                          metadata=headers, retention=mret, legal_hold=legal_hold)
            last_modified = res.last_modified or datetime.now(UTC)
        return StoredObject(bucket=bucket, key=key, version_id=res.version_id or "null", sha256=digest,
                            size=len(data), content_type=content_type, last_modified=last_modified,
                            metadata=meta, is_latest=True)

    def get(self, bucket: str, key: str, version_id: str | None = None) -> tuple[bytes, StoredObject]:
        check_bucket(bucket)
        check_key(key)
        with self._errors(f"get {bucket}/{key}@{version_id}"):
            resp = self._client.get_object(bucket, key, version_id=version_id)
            try:
                data = resp.read()
                headers = dict(resp.headers.items())
            finally:
                resp.close()
                resp.release_conn()
            latest = self._is_latest(bucket, key, version_id)
        return data, self._describe(bucket, key, _lower(headers), is_latest=latest, data=data)

    def stat(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
        check_bucket(bucket)
        check_key(key)
        with self._errors(f"stat {bucket}/{key}@{version_id}"):
            obj = self._client.stat_object(bucket, key, version_id=version_id)
            latest = self._is_latest(bucket, key, version_id)
        return self._describe(bucket, key, _lower(dict((obj.metadata or {}).items())), is_latest=latest)

    def list_versions(self, bucket: str, key: str) -> list[StoredObject]:
        check_bucket(bucket)
        check_key(key)
        out: list[StoredObject] = []
        with self._errors(f"list_versions {bucket}/{key}"):
            listed = [o for o in self._client.list_objects(bucket, prefix=key, recursive=True,
                                                           include_version=True)
                      if o.object_name == key and not o.is_delete_marker]
            for o in listed:  # S3 lists the versions of a key newest first
                head = self._client.stat_object(bucket, key, version_id=o.version_id)
                out.append(self._describe(bucket, key, _lower(dict((head.metadata or {}).items())),
                                          is_latest=not out))
        return out

    def list_objects(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        check_bucket(bucket)
        out: list[StoredObject] = []
        with self._errors(f"list_objects {bucket}/{prefix}"):
            for o in self._client.list_objects(bucket, prefix=prefix or None, recursive=True):
                if o.is_dir or o.object_name is None:
                    continue
                with contextlib.suppress(S3Error):  # deleted between listing and stat
                    head = self._client.stat_object(bucket, o.object_name)
                    out.append(self._describe(bucket, o.object_name, _lower(dict((head.metadata or {}).items())),
                                              is_latest=True))
        return sorted(out, key=lambda s: s.key)

    def delete(self, bucket: str, key: str, version_id: str) -> None:
        """Remove one version; a missing key or version is already deleted (idempotent, like S3)."""
        check_bucket(bucket)
        check_key(key)
        if not version_id:
            raise ValueError("version_id is required: the port never deletes a whole key")
        with self._errors(f"delete {bucket}/{key}@{version_id}", deleting=True):
            try:
                self._client.remove_object(bucket, key, version_id=version_id)
            except S3Error as exc:
                if exc.code not in ("NoSuchKey", "NoSuchVersion"):
                    raise

    def set_legal_hold(self, bucket: str, key: str, version_id: str, on: bool) -> None:
        check_bucket(bucket)
        check_key(key)
        with self._errors(f"set_legal_hold {bucket}/{key}@{version_id}"):
            if on:
                self._client.enable_object_legal_hold(bucket, key, version_id=version_id)
            else:
                self._client.disable_object_legal_hold(bucket, key, version_id=version_id)

    def get_legal_hold(self, bucket: str, key: str, version_id: str) -> bool:
        check_bucket(bucket)
        check_key(key)
        with self._errors(f"get_legal_hold {bucket}/{key}@{version_id}"):
            try:
                return bool(self._client.is_object_legal_hold_enabled(bucket, key, version_id=version_id))
            except S3Error as exc:
                if exc.code != "NoSuchObjectLegalHold":  # SeaweedFS: a version never put on hold
                    raise
                self._client.stat_object(bucket, key, version_id=version_id)  # still NotFound if it is missing
                return False

    def get_retention(self, bucket: str, key: str, version_id: str) -> Retention | None:
        check_bucket(bucket)
        check_key(key)
        with self._errors(f"get_retention {bucket}/{key}@{version_id}"):
            try:
                ret = self._client.get_object_retention(bucket, key, version_id=version_id)
            except S3Error as exc:
                # SeaweedFS answers this (not NoSuchObjectLockConfiguration) for a version without retention.
                if exc.code != "ObjectLockConfigurationNotFoundError":
                    raise
                self._client.stat_object(bucket, key, version_id=version_id)
                ret = None
        if ret is None:
            return None
        return Retention(mode=ret.mode, until=ret.retain_until_date.astimezone(UTC))  # type: ignore[arg-type]

    def presigned_get_url(self, bucket: str, key: str, version_id: str | None = None,
                          expires: timedelta = timedelta(minutes=15)) -> str:
        """Pins the version (the latest one when None), so the link always serves the same bytes."""
        if not timedelta(seconds=1) <= expires <= MAX_PRESIGN:
            raise ValueError("expires must be between 1 second and 7 days")
        version = self.stat(bucket, key, version_id).version_id
        with self._errors(f"presign {bucket}/{key}@{version}"):
            return self._presigner.presigned_get_object(bucket, key, expires=expires,
                                                        version_id=None if version == "null" else version)

    def ping(self) -> None:
        with self._errors("ping"):
            self._client.list_buckets()


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
