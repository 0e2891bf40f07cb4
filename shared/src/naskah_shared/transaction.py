"""The transaction half of every service's unit of work, as its service layer sees it (the repositories are
each service's own). `naskah_shared.db.unit_of_work.SqlUnitOfWork` implements it; this module imports no
database library, so a service layer may depend on it."""

from __future__ import annotations

from typing import Protocol, Self

from naskah_shared.messages import Envelope


class Transaction(Protocol):
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def emit(self, envelope: Envelope) -> Envelope: ...
    def claim(self, envelope: Envelope, consumer: str) -> bool: ...
    def commit(self) -> None: ...
