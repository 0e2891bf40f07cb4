"""sk-service's queries: what the API reads. Views never open a unit of work or the store themselves."""

from __future__ import annotations

from typing import Any

from naskah_shared.storage.ports import ObjectStore, StoredObject
from sk_service.domain.sk import Sk, changed_fields
from sk_service.domain.surat_edaran import Letter, SuratEdaran
from sk_service.service_layer.handlers import VersionNotFound, get_sk
from sk_service.service_layer.surat_edaran import get_surat_edaran
from sk_service.service_layer.unit_of_work import SkListing, SkVersion, SuratEdaranListing, UnitOfWorkFactory


class LetterNotFound(LookupError):
    pass


def list_sks(uow_factory: UnitOfWorkFactory, *, status: str | None = None, limit: int = 50,
             offset: int = 0) -> list[SkListing]:
    with uow_factory() as uow:
        return uow.sks.search(status=status, limit=limit, offset=offset)


def sk(uow_factory: UnitOfWorkFactory, sk_id: str) -> Sk:
    with uow_factory() as uow:
        return get_sk(uow, sk_id)


def versions(uow_factory: UnitOfWorkFactory, sk_id: str) -> list[SkVersion]:
    """Every stored rendering of the SK, oldest first (SkNotFound for an unknown SK)."""
    with uow_factory() as uow:
        get_sk(uow, sk_id)
        return uow.sks.versions(sk_id)


def version(uow_factory: UnitOfWorkFactory, sk_id: str, n: int | None = None) -> SkVersion | None:
    """Version `n` of the SK, or its latest when `n` is None; None when it has no such version."""
    with uow_factory() as uow:
        get_sk(uow, sk_id)
        return uow.sks.latest_version(sk_id) if n is None else uow.sks.version(sk_id, n)


def diff(uow_factory: UnitOfWorkFactory, sk_id: str, a: int, b: int) -> list[str]:
    """Fields changed between revisions `a` and `b` of an SK."""
    with uow_factory() as uow:
        get_sk(uow, sk_id)
        old, new = uow.sks.version_of_revision(sk_id, a), uow.sks.version_of_revision(sk_id, b)
        if old is None or new is None:
            raise VersionNotFound(f"SK {sk_id} has no revision {a if old is None else b}")
        return changed_fields(old.content, new.content)


def surat_edaran_for_sk(uow_factory: UnitOfWorkFactory, sk_id: str) -> list[SuratEdaranListing]:
    with uow_factory() as uow:
        get_sk(uow, sk_id)
        return uow.surat_edaran.list_for_sk(sk_id)


def surat_edaran(uow_factory: UnitOfWorkFactory, se_id: str) -> SuratEdaran:
    with uow_factory() as uow:
        return get_surat_edaran(uow, se_id)


def letter(uow_factory: UnitOfWorkFactory, se_id: str, slug: str) -> Letter:
    """One kampung's letter of a batch, by its slug."""
    found = next((x for x in surat_edaran(uow_factory, se_id).letters if x.slug == slug), None)
    if found is None:
        raise LetterNotFound(f"Surat Edaran {se_id} has no letter {slug!r}")
    return found


def stored(store: ObjectStore, ref: dict[str, Any]) -> tuple[bytes, StoredObject]:
    """The bytes of one stored version that an SK or a letter names."""
    return store.get(ref["bucket"], ref["key"], ref["version_id"])
