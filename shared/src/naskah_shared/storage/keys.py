"""Name and metadata rules shared by every `ObjectStore` adapter.

Both adapters apply the same checks so a key or metadata value that one
store accepts is never refused by the other in production.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# S3 bucket naming rules (lower-case DNS labels, 3..63 characters).
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# Metadata travels as HTTP headers (x-amz-meta-*): lower-case token names, printable ASCII values.
_META_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_META_VALUE = re.compile(r"^[\x20-\x7e]{0,1024}$")
MAX_KEY_LENGTH = 1024


def check_bucket(bucket: str) -> str:
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ValueError(f"invalid bucket name {bucket!r}")
    return bucket


def check_key(key: str) -> str:
    """Refuse keys that could address something outside their bucket on a filesystem.

    S3 itself treats keys as opaque strings, but naskah keys are plain
    `a/b/c.ext` paths, so `..`, `.`, empty segments, absolute paths,
    backslashes and control characters are refused everywhere.
    """
    if not key or len(key.encode("utf-8")) > MAX_KEY_LENGTH:
        raise ValueError(f"invalid object key {key!r}: empty or too long")
    if key.startswith("/") or "\\" in key or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise ValueError(f"invalid object key {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"invalid object key {key!r}: empty, '.' or '..' segment")
    return key


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        if not _META_KEY.match(name):
            raise ValueError(f"invalid metadata key {name!r}: lower-case ASCII letters, digits, '-' or '_'")
        if not isinstance(value, str) or not _META_VALUE.match(value):
            raise ValueError(f"invalid metadata value for {name!r}: printable ASCII, at most 1024 characters")
        out[name] = value
    return out
