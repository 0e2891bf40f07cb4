"""pytest fixtures for the `ObjectStore` adapters: a session SeaweedFS and fresh stores.

Register from the root conftest with `pytest_plugins = ["naskah_shared.testing.fixtures_store"]`
(or star-import it into a non-root conftest).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from naskah_shared.storage.filesystem import FilesystemObjectStore
from naskah_shared.storage.s3 import S3ObjectStore
from naskah_shared.testing.seaweedfs import SeaweedS3, start_seaweedfs

FS_PUBLIC_BASE_URL = "http://store.test"


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """One SeaweedFS S3 server for the whole session (about 3-6 s to start)."""
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_store(seaweed: SeaweedS3) -> S3ObjectStore:
    """A client on the session server; tests share it, so use `unique_bucket` names."""
    return S3ObjectStore(seaweed.endpoint, seaweed.access_key, seaweed.secret_key)


@pytest.fixture
def fs_store(tmp_path: Path) -> FilesystemObjectStore:
    return FilesystemObjectStore(tmp_path / "store", signing_key=secrets.token_bytes(32),
                                 public_base_url=FS_PUBLIC_BASE_URL)


@pytest.fixture
def unique_bucket() -> str:
    """A bucket name no other test uses (the `Buckets` names are shared by the whole session)."""
    return f"t-{secrets.token_hex(8)}"
