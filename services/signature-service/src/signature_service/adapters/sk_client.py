"""sk-service's review endpoint over HTTP, carrying the service's API key and the person's signed assertion."""

from __future__ import annotations

import logging
from typing import Any

import requests

from naskah_shared.web import person as assertion
from signature_service.service_layer.people import Person
from signature_service.service_layer.reviews import ReviewRefused, ReviewUnavailable

log = logging.getLogger(__name__)


class HttpSkReviews:
    def __init__(self, base_url: str, *, secret: str, api_key: str = "", timeout: float = 15.0) -> None:
        self.base_url, self.secret, self.api_key, self.timeout = base_url.rstrip("/"), secret, api_key, timeout
        self._http = requests.Session()

    def review(self, sk_id: str, person: Person, decision: str, note: str, *, request_id: str = "") -> dict[str, Any]:
        try:
            token = assertion.issue(self.secret, assertion.PersonAssertion(id=person.id, role=person.role,
                                                                           nama=person.nama, nip=person.nip))
        except assertion.InvalidAssertion:  # no NASKAH_SECRET_KEY here: sk-service could not trust us anyway
            log.error("no secret key to sign a person assertion with")
            raise ReviewUnavailable("this service has no NASKAH_SECRET_KEY") from None
        headers = {assertion.HEADER: token, "X-Actor": person.nama[:200]}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        if request_id:
            headers["X-Request-ID"] = request_id
        url = f"{self.base_url}/api/sk/{requests.utils.quote(sk_id, safe='')}/reviews"
        try:
            r = self._http.post(url, json={"role": person.role, "decision": decision, "note": note},
                                headers=headers, timeout=(3.0, self.timeout))
        except requests.RequestException as exc:
            log.warning("sk-service unreachable for a review", extra={"error_type": type(exc).__name__})
            raise ReviewUnavailable("sk-service cannot be reached") from None
        if r.status_code >= 500 or r.status_code in (401, 429):  # 401: our key is wrong: a fault here, not theirs
            log.warning("sk-service refused a review", extra={"status": r.status_code})
            raise ReviewUnavailable(f"sk-service answered {r.status_code}")
        body = _json(r)
        if r.status_code >= 400:
            error = body.get("error") or {}
            raise ReviewRefused(r.status_code, str(error.get("code") or "refused"), str(error.get("message") or ""))
        return body


def _json(r: requests.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
