"""signature-service's request queries: what the API lists of signature requests (views open no unit of work)."""

from __future__ import annotations

from signature_service.domain.requests import SignatureRequest
from signature_service.service_layer.unit_of_work import UnitOfWorkFactory


def search_requests(uow_factory: UnitOfWorkFactory, *, signer: str | None = None, status: str | None = None,
                    limit: int = 50, offset: int = 0) -> list[SignatureRequest]:
    with uow_factory() as uow:
        return uow.requests.search(signer=signer, status=status, limit=limit, offset=offset)


def batch_letters(uow_factory: UnitOfWorkFactory, batch_id: str, signer: str) -> list[SignatureRequest]:
    """One signer's requests of a batch of letters."""
    with uow_factory() as uow:
        return uow.requests.for_batch(batch_id, signer=signer)
