"""report-service's list and file queries: what the API reads (views open no unit of work and no store)."""

from __future__ import annotations

from typing import Any

from naskah_shared.storage.ports import ObjectStore
from report_service.service_layer.unit_of_work import UnitOfWorkFactory


def activities(uow_factory: UnitOfWorkFactory, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """SOP runs, newest first, a page at a time."""
    with uow_factory() as uow:
        return [dict(r) for r in uow.reports.activities(limit, offset)]


def report_file(store: ObjectStore, ref: dict[str, Any]) -> bytes:
    """The bytes of one of a report's stored files (DOCX, PDF, signed PDF)."""
    data, _ = store.get(ref["bucket"], ref["key"], ref["version_id"])
    return data
