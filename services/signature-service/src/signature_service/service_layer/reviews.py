"""A person's review of a draft SK, which sk-service records: the port and its errors.

The review page in this service hands the decision to sk-service (which owns the SK) with the person's
signed assertion; sk-service checks the role against the SK's step. The inbox's read model follows from
the `sk.reviewed` event that results, so the page also notes the new state at once for the reviewer.
"""

from __future__ import annotations

from typing import Any, Protocol

from signature_service.service_layer.people import Person


class ReviewUnavailable(Exception):
    """sk-service did not answer (down, slow, or refused our key): try again later."""


class ReviewRefused(Exception):
    """sk-service refused the review (wrong step, already reviewed, bad note …)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class SkReviews(Protocol):
    def review(self, sk_id: str, person: Person, decision: str, note: str, *,
               request_id: str = "") -> dict[str, Any]:
        """sk-service's answer (the SK) to `person`'s decision; raises ReviewRefused or ReviewUnavailable."""
