"""The `ObjectStore` port and its adapters: S3 (minio SDK) and filesystem."""

from naskah_shared.storage.ports import (
    Buckets,
    ObjectLocked,
    ObjectNotFound,
    ObjectStore,
    Retention,
    StoredObject,
)

__all__ = ["Buckets", "ObjectLocked", "ObjectNotFound", "ObjectStore", "Retention", "StoredObject"]
